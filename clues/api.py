"""Staff API of clues: file a clue from any channel, list and read the clues the user may see.

The lifecycle's moves (transfer/, claim/ …) live on the same /clues/ prefix in dispatch.api.
"""

import hashlib

from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema, extend_schema_field
from rest_framework import mixins, permissions, serializers, status, viewsets
from rest_framework.parsers import FormParser, JSONParser, MultiPartParser
from rest_framework.response import Response

from core.api import ChoiceField, DateTimeField

from .filters import ORDERING_FIELDS, ClueFilter, clue_list_queryset
from .intake_fields import can_enter_clues, format_month
from .models import Channel, Clue
from .personal_data import VIA_API, masked_values, personal_data_for
from .public_forms import API_CONFIRM_HINT, clean_public_clue
from .services import clue_create
from .triage import suggest_department, suggest_district, unit_directory

CONSENT_CHANNELS = {Channel.QR, Channel.WEB}


# --- input ------------------------------------------------------------------------------------------------

class RawField(serializers.Field):
    """Hands the value over as sent: the field rules (and their Chinese messages) are clues.intake_fields',
    applied in validate() through the function the public API uses, so every bad field is reported at once."""

    def __init__(self, **kwargs):
        kwargs.setdefault("required", False)
        kwargs.setdefault("allow_null", True)
        super().__init__(**kwargs)

    def to_internal_value(self, data):
        return data

    def to_representation(self, value):
        return value


@extend_schema_field(OpenApiTypes.STR)
class TextField(RawField):
    pass


@extend_schema_field(OpenApiTypes.INT)
class CountField(RawField):
    pass


@extend_schema_field({"type": "string", "format": "decimal", "pattern": r"^\d+(\.\d{1,2})?$",
                      "example": "36000.00"})
class AmountField(RawField):
    """Yuan with at most two decimals, as a JSON number or text."""


def _text(label, help_text=""):
    return TextField(label=label, help_text=help_text)


class ClueCreateSerializer(serializers.Serializer):
    channel = ChoiceField(label=gettext_lazy("来源渠道"), choices=Channel.choices,
                                      error_messages={"required": gettext_lazy("请选择来源渠道。"),
                                                      "invalid_choice": gettext_lazy("未知的来源渠道“{input}”。")})
    received_at = DateTimeField(
        label=gettext_lazy("首次收到时间"), required=False,
        help_text=gettext_lazy("事后补录时填写;不带时区按北京时间;默认现在;不能晚于现在。期限从此时起算。"))
    external_id = serializers.CharField(label=gettext_lazy("外部编号"), required=False, allow_blank=True,
                                        max_length=64,
                                        help_text=gettext_lazy("例如全国平台线索编号;同一编号只录入一次"))
    employer_name = _text(gettext_lazy("用人单位"), gettext_lazy("必填,不超过200字"))
    employer_credit_code = _text(gettext_lazy("统一社会信用代码"), gettext_lazy("选填;校验位不符只提示"))
    project_code = _text(gettext_lazy("项目编号"), gettext_lazy("选填;须为已登记的工程项目"))
    project_name = _text(gettext_lazy("项目名称"), gettext_lazy("选填;未登记项目时填写"))
    work_address = _text(gettext_lazy("务工地址"))
    district_code = _text(gettext_lazy("务工所在旗县市区代码"), gettext_lazy("GB/T 2260 代码,如 150921"))
    complainant_name = _text(gettext_lazy("反映人姓名"), gettext_lazy("必填"))
    complainant_phone = _text(gettext_lazy("反映人手机号"), gettext_lazy("必填,11位手机号码"))
    complainant_id_number = _text(gettext_lazy("反映人身份证号"), gettext_lazy("选填,18位"))
    worker_count = CountField(label=gettext_lazy("欠薪人数"), help_text=gettext_lazy("必填,至少1"))
    amount_owed = AmountField(label=gettext_lazy("欠薪金额(元)"), help_text=gettext_lazy("必填,不少于0,最多两位小数"))
    owed_from = _text(gettext_lazy("欠薪起始月份"), gettext_lazy("YYYY-MM"))
    owed_to = _text(gettext_lazy("欠薪截止月份"), gettext_lazy("YYYY-MM"))
    description = _text(gettext_lazy("情况描述"), gettext_lazy("不超过2000字"))
    attachments = serializers.ListField(
        label=gettext_lazy("附件"), child=serializers.FileField(), required=False,
        help_text=gettext_lazy("multipart 上传,可重复;最多5个 JPEG、PNG 或 PDF,每个不超过10MB"))
    consent = serializers.BooleanField(
        label=gettext_lazy("同意个人信息处理"), required=False, default=False,
        help_text=gettext_lazy("渠道为 qr 或 web 时必须为 true"))
    confirm_amount = serializers.BooleanField(
        label=gettext_lazy("金额无误"), required=False, default=False,
        help_text=gettext_lazy("平均每人每月欠薪高于研判规则的上限(默认30000元)时必须为 true,否则返回 400"))

    def validate_received_at(self, value):
        if value and value > timezone.now():
            raise serializers.ValidationError(_("收到时间不能晚于现在。"))
        return value

    def validate(self, attrs):

        checked = clean_public_clue(self.initial_data, attrs.get("attachments") or [],
                                    confirm_hint=API_CONFIRM_HINT)
        errors = dict(checked.errors)
        if attrs["channel"] not in CONSENT_CHANNELS:
            errors.pop("consent", None)  # staff channels: recorded under the authority's statutory duty
        if errors:
            raise serializers.ValidationError(errors)
        attrs["checked"] = checked
        return attrs


# --- output -----------------------------------------------------------------------------------------------

class ClueSerializer(serializers.ModelSerializer):
    """One clue as staff see it; ID and mobile numbers masked unless revealed (and recorded) on a detail."""

    unit = serializers.SlugRelatedField(slug_field="code", read_only=True, help_text="承办单位代码")
    district_code = serializers.SlugRelatedField(source="district", slug_field="code", read_only=True)
    project_code = serializers.SlugRelatedField(source="project", slug_field="code", read_only=True)
    project_registered_name = serializers.SerializerMethodField()
    complainant_phone = serializers.SerializerMethodField()
    complainant_id_number = serializers.SerializerMethodField()
    personal_data_revealed = serializers.SerializerMethodField()
    owed_from = serializers.SerializerMethodField()
    owed_to = serializers.SerializerMethodField()
    deadlines = serializers.SerializerMethodField()
    suggested_units = serializers.SerializerMethodField()
    possible_duplicates = serializers.SerializerMethodField()
    attachments = serializers.SerializerMethodField()
    consent = serializers.SerializerMethodField()
    created_by = serializers.SerializerMethodField()

    class Meta:
        model = Clue
        fields = ["id", "tracking_code", "channel", "external_id", "status", "risk_color", "risk_reasons",
                  "suggested_units", "possible_duplicates", "is_repeat_visitor", "amount_implausible", "deadlines",
                  "next_deadline_at", "unit", "is_overdue", "received_at", "created_at", "created_by",
                  "employer_name", "employer_credit_code", "project_code", "project_registered_name",
                  "project_name", "work_address", "district_code", "complainant_name", "complainant_phone",
                  "complainant_id_number", "personal_data_revealed", "worker_count", "amount_owed",
                  "owed_from", "owed_to", "description", "attachments", "consent", "result", "merged_into"]
        read_only_fields = fields

    def _personal(self, clue):
        """The view passes what it revealed (and recorded) in the context; everything else is masked."""
        given = self.context.get("personal", {})
        if clue.pk in given:
            return given[clue.pk]
        return dict(masked_values(clue), revealed=False)

    def get_complainant_phone(self, clue) -> str:
        return self._personal(clue)["complainant_phone"]

    def get_complainant_id_number(self, clue) -> str:
        return self._personal(clue)["complainant_id_number"]

    def get_personal_data_revealed(self, clue) -> bool:
        return self._personal(clue)["revealed"]

    def get_project_registered_name(self, clue) -> str | None:
        return clue.project.name if clue.project_id else None

    def get_owed_from(self, clue) -> str | None:
        return format_month(clue.owed_from) or None

    def get_owed_to(self, clue) -> str | None:
        return format_month(clue.owed_to) or None

    @extend_schema_field({"type": "object", "properties": {
        name: {"type": "string", "format": "date-time", "nullable": True}
        for name in ("claim", "response", "close", "retransfer")}})
    def get_deadlines(self, clue):
        field = serializers.DateTimeField()
        return {name: field.to_representation(value) if value else None
                for name, value in (("claim", clue.claim_deadline), ("response", clue.response_deadline),
                                    ("close", clue.close_deadline), ("retransfer", clue.retransfer_deadline))}

    def _units(self):
        # The reference snapshot once per response for the reasons ("why") of the suggestions, not per clue.
        if "_triage_units" not in self.context:
            self.context["_triage_units"] = unit_directory()
        return self.context["_triage_units"]

    @extend_schema_field({"type": "array", "items": {"type": "object", "properties": {
        "code": {"type": "string"}, "name": {"type": "string"}, "kind": {"type": "string"},
        "why": {"type": "string"}}}})
    def get_suggested_units(self, clue):

        units = self._units()
        suggested = []
        for unit, suggest in ((clue.suggested_district, suggest_district),
                              (clue.suggested_department, suggest_department)):
            if unit is None:
                continue
            found, why = suggest(clue, units)
            if found is None or found.pk != unit.pk:
                why = _("研判时建议")
            suggested.append({"code": unit.code, "name": unit.name, "kind": unit.kind, "why": str(why)})
        return suggested

    @extend_schema_field({"type": "array", "items": {"type": "object", "properties": {
        "id": {"type": "integer"}, "tracking_code": {"type": "string"}, "kind": {"type": "string"},
        "reason": {"type": "string"}, "status": {"type": "string"}}}})
    def get_possible_duplicates(self, clue):
        candidates = sorted(clue.duplicate_candidates.all(),
                            key=lambda c: (c.kind, -c.match.received_at.timestamp(), c.pk))
        return [{"id": c.match_id, "tracking_code": c.match.tracking_code, "kind": c.kind, "reason": c.reason,
                 "status": c.match.status} for c in candidates]

    @extend_schema_field({"type": "array", "items": {"type": "object", "properties": {
        "id": {"type": "integer"}, "name": {"type": "string"}, "content_type": {"type": "string"},
        "size": {"type": "integer"}, "url": {"type": "string"}}}})
    def get_attachments(self, clue):
        return [{"id": a.pk, "name": a.original_name, "content_type": a.content_type, "size": a.size,
                 "url": reverse("clues:attachment", args=[clue.pk, a.pk])} for a in clue.attachments.all()]

    def get_consent(self, clue) -> bool:
        return clue.consent_at is not None

    def get_created_by(self, clue) -> str | None:
        return clue.created_by.username if clue.created_by_id else None


class ClueCreatedSerializer(ClueSerializer):
    warnings = serializers.DictField(child=serializers.ListField(child=serializers.CharField()),
                                     read_only=True, help_text="不阻止提交的提示,例如信用代码校验位不符")

    class Meta(ClueSerializer.Meta):
        fields = [*ClueSerializer.Meta.fields, "warnings"]
        read_only_fields = fields


# --- views ------------------------------------------------------------------------------------------------

class CanEnterClues(permissions.BasePermission):
    message = gettext_lazy("只有受理员和管理员可以录入线索。")

    def has_permission(self, request, view):
        return view.action != "create" or can_enter_clues(request.user)


def _idempotency_key(request):
    key = request.headers.get("Idempotency-Key", "").strip()
    if not key or len(key) > 200 or not key.isascii() or not key.isprintable():
        return None
    # Scoped to the user: one client's key can never hand back another user's clue.
    return "staffapi:" + hashlib.sha256(f"{request.user.pk}\x1f{key}".encode()).hexdigest()[:54]


_REVEAL = OpenApiParameter("reveal", OpenApiTypes.INT, enum=[1], required=False,
                           description="1:显示完整手机号和身份证号(每次查看均记录,个人信息保护法)")


@extend_schema(tags=["clues"])
class ClueViewSet(mixins.CreateModelMixin, mixins.ListModelMixin, mixins.RetrieveModelMixin,
                  viewsets.GenericViewSet):
    """Clues from every channel (统一归集). A clue the user may not see does not exist for them (404)."""

    permission_classes = [permissions.IsAuthenticated, CanEnterClues]
    parser_classes = [JSONParser, MultiPartParser, FormParser]
    filterset_class = ClueFilter
    ordering_fields = list(ORDERING_FIELDS)
    ordering = ["-received_at", "-pk"]
    lookup_value_regex = r"\d+"
    serializer_class = ClueSerializer

    def get_queryset(self):
        return clue_list_queryset(self.request.user).prefetch_related("attachments")

    def get_serializer_class(self):
        return ClueCreateSerializer if self.action == "create" else ClueSerializer

    @extend_schema(summary="线索列表", description="手机号和身份证号始终隐藏部分数字。")
    def list(self, request, *args, **kwargs):
        return super().list(request, *args, **kwargs)

    @extend_schema(summary="线索详情", parameters=[_REVEAL],
                   responses={200: ClueSerializer, 404: OpenApiResponse(description="线索不存在或无权查看")})
    def retrieve(self, request, *args, **kwargs):
        clue = self.get_object()
        context = self.get_serializer_context()
        if request.query_params.get("reveal") == "1":
            # Seeing the full numbers is recorded by the service, here in the view, never by the serializer.
            personal = personal_data_for(clue, request.user, reveal=True, via=VIA_API)
            context["personal"] = {clue.pk: dict(personal.as_dict(), revealed=personal.revealed)}
        return Response(ClueSerializer(clue, context=context).data)

    @extend_schema(
        summary="录入线索(任一渠道)",
        request={"application/json": ClueCreateSerializer, "multipart/form-data": ClueCreateSerializer},
        parameters=[OpenApiParameter("Idempotency-Key", OpenApiTypes.STR, OpenApiParameter.HEADER,
                                     description="同一键重复提交只录入一次,第二次返回200和同一线索")],
        responses={201: ClueCreatedSerializer, 200: ClueCreatedSerializer,
                   400: OpenApiResponse(description="字段有误(逐字段中文说明)"),
                   403: OpenApiResponse(description="只有受理员和管理员可以录入")})
    def create(self, request, *args, **kwargs):

        serializer = ClueCreateSerializer(data=request.data, context=self.get_serializer_context())
        serializer.is_valid(raise_exception=True)
        attrs = serializer.validated_data
        checked = attrs["checked"]
        data = dict(checked.data)
        if attrs.get("external_id"):
            data["external_id"] = attrs["external_id"].strip()
        clue, created = clue_create(
            channel=attrs["channel"], data=data, created_by=request.user, received_at=attrs.get("received_at"),
            idempotency_key=_idempotency_key(request), attachments=checked.attachments,
            consent=checked.consent, snapshot=checked.snapshot)
        clue = self.get_queryset().get(pk=clue.pk)
        body = ClueCreatedSerializer(clue, context=self.get_serializer_context()).data
        body["warnings"] = checked.warnings
        return Response(body, status=status.HTTP_201_CREATED if created else status.HTTP_200_OK)
