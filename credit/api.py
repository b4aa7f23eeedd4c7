"""API of enforcement and credit: one list of records of every kind (GET/POST /enforcement/) with the actions
rectify, pay, remove and close; the public blacklist (no account, no personal data); and the enforcement figures of
a period (/reports/enforcement/)."""

import datetime as dt

from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema, extend_schema_field
from rest_framework import mixins, serializers, viewsets
from rest_framework.decorators import action
from rest_framework.parsers import FormParser, JSONParser, MultiPartParser
from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from rest_framework.views import APIView

from core.api import ApplicationError, ChoiceField
from core.ratelimit import PublicRateThrottle
from projects.evidence import check_evidence

from . import selectors, services
from .models import EnforcementRecord, Kind, ListedPerson
from .services import TEXT_LIMITS

TAGS = ["enforcement"]


class ListedPersonInput(serializers.Serializer):
    name = serializers.CharField(label=gettext_lazy("姓名"), max_length=50)
    role = ChoiceField(label=gettext_lazy("身份"), choices=ListedPerson.Role.choices,
                       default=ListedPerson.Role.LEGAL_REPRESENTATIVE)
    id_number = serializers.CharField(label=gettext_lazy("身份证号"), max_length=18, write_only=True)


class ListedPersonSerializer(serializers.Serializer):
    name = serializers.CharField()
    role = serializers.CharField()
    role_label = serializers.CharField()
    id_number = serializers.CharField(help_text=gettext_lazy("脱敏后的身份证号"))


class EnforcementSerializer(serializers.ModelSerializer):
    kind_label = serializers.CharField(source="get_kind_display")
    enterprise = serializers.CharField(source="enterprise.credit_code", label=gettext_lazy("统一社会信用代码"))
    enterprise_name = serializers.CharField(source="enterprise.name")
    project = serializers.CharField(source="project.code", default=None, allow_null=True)
    project_name = serializers.CharField(source="project.name", default=None, allow_null=True)
    unit = serializers.CharField(source="unit.code", label=gettext_lazy("执法单位代码"))
    unit_name = serializers.CharField(source="unit.name")
    officer = serializers.SerializerMethodField()
    state = serializers.SerializerMethodField()
    state_label = serializers.SerializerMethodField()
    is_overdue = serializers.SerializerMethodField()
    has_document = serializers.SerializerMethodField()
    clues = serializers.SerializerMethodField()
    warnings = serializers.SerializerMethodField()
    persons = serializers.SerializerMethodField()
    decision_deadline = serializers.SerializerMethodField()
    allowed_actions = serializers.SerializerMethodField()
    amount = serializers.DecimalField(max_digits=14, decimal_places=2, allow_null=True)

    class Meta:
        model = EnforcementRecord
        fields = ["id", "kind", "kind_label", "number", "date", "enterprise", "enterprise_name", "project",
                  "project_name", "unit", "unit_name", "officer", "state", "state_label", "is_overdue",
                  "has_document", "clues", "warnings", "problem", "deadline", "rectified_on", "evidence", "amount",
                  "legal_basis", "paid_on", "reason", "removal_date", "removed_on", "removal_kind",
                  "removal_applied_on", "decision_deadline", "wages_paid_on", "pledge", "persons", "case_number",
                  "outcome", "closed_on", "close_note", "allowed_actions", "created_at", "updated_at"]

    def get_officer(self, record) -> str:
        return record.officer.get_full_name() or record.officer.username

    def get_state(self, record) -> str:
        return record.state(self.context["today"])[0]

    def get_state_label(self, record) -> str:
        return str(record.state(self.context["today"])[1])

    def get_is_overdue(self, record) -> bool:
        return record.is_overdue(self.context["today"])

    def get_has_document(self, record) -> bool:
        return bool(record.document)

    def get_clues(self, record) -> list[int]:
        return sorted(clue.pk for clue in record.clues.all())

    def get_warnings(self, record) -> list[int]:
        return sorted(warning.pk for warning in record.warnings.all())

    @extend_schema_field(ListedPersonSerializer(many=True))
    def get_persons(self, record) -> list[dict]:
        return selectors.masked_persons(record)

    def get_decision_deadline(self, record) -> dt.date | None:
        if record.removal_applied_on is None:
            return None
        return services.decision_deadline(record.removal_applied_on)

    def get_allowed_actions(self, record) -> list[str]:
        return sorted(selectors.allowed_actions(record, self.context["request"].user, self.context["today"]))


class EnforcementInput(serializers.Serializer):
    kind = ChoiceField(label=gettext_lazy("类别"), choices=Kind.choices)
    enterprise = serializers.CharField(label=gettext_lazy("统一社会信用代码"), max_length=18)
    project = serializers.CharField(label=gettext_lazy("项目编号"), max_length=40, required=False,
                                    allow_blank=True)
    unit = serializers.CharField(label=gettext_lazy("执法单位代码"), max_length=32, required=False,
                                 allow_blank=True, help_text=gettext_lazy("市级工作人员填写;承办员为本单位"))
    number = serializers.CharField(label=gettext_lazy("文书编号"), max_length=60)
    date = serializers.DateField(label=gettext_lazy("日期"), help_text=gettext_lazy("决定、列入或移送日期"))
    document = serializers.FileField(label=gettext_lazy("文书"), required=False)
    clues = serializers.ListField(child=serializers.IntegerField(min_value=1), required=False,
                                  label=gettext_lazy("相关线索ID"))
    warnings = serializers.ListField(child=serializers.IntegerField(min_value=1), required=False,
                                     label=gettext_lazy("相关预警ID"))
    persons = ListedPersonInput(many=True, required=False, label=gettext_lazy("一并列入的人员"))
    problem = serializers.CharField(required=False, allow_blank=True, max_length=TEXT_LIMITS["problem"])
    deadline = serializers.DateField(required=False, allow_null=True, label=gettext_lazy("整改期限"))
    amount = serializers.DecimalField(max_digits=14, decimal_places=2, required=False, allow_null=True,
                                      min_value=0, label=gettext_lazy("罚款金额"))
    legal_basis = serializers.CharField(required=False, allow_blank=True, max_length=TEXT_LIMITS["legal_basis"])
    paid_on = serializers.DateField(required=False, allow_null=True)
    reason = serializers.CharField(required=False, allow_blank=True, max_length=TEXT_LIMITS["reason"])
    removal_date = serializers.DateField(required=False, allow_null=True,
                                         help_text=gettext_lazy("默认:失信名单列入日起3年,重点关注名单1年"))
    case_number = serializers.CharField(required=False, allow_blank=True, max_length=60)
    outcome = serializers.CharField(required=False, allow_blank=True, max_length=TEXT_LIMITS["outcome"])


class EnforcementRectifyInput(serializers.Serializer):
    rectified_on = serializers.DateField(label=gettext_lazy("整改完成日期"))
    evidence = serializers.CharField(label=gettext_lazy("整改情况和依据"), max_length=TEXT_LIMITS["evidence"])
    evidence_file = serializers.FileField(required=False, label=gettext_lazy("证明材料"))


class EnforcementPayInput(serializers.Serializer):
    paid_on = serializers.DateField(label=gettext_lazy("缴纳日期"))


class EnforcementRemoveInput(serializers.Serializer):
    removed_on = serializers.DateField(label=gettext_lazy("移出日期"))
    applied_on = serializers.DateField(required=False, allow_null=True, label=gettext_lazy("申请日期"))
    wages_paid_on = serializers.DateField(required=False, allow_null=True,
                                          label=gettext_lazy("拖欠工资全额支付日期"))
    pledge = serializers.BooleanField(default=False, label=gettext_lazy("已作出信用修复书面承诺"))
    evidence = serializers.CharField(label=gettext_lazy("移出依据"), max_length=TEXT_LIMITS["evidence"])
    evidence_file = serializers.FileField(required=False, label=gettext_lazy("证明材料"))


class EnforcementCloseInput(serializers.Serializer):
    closed_on = serializers.DateField(required=False, allow_null=True, label=gettext_lazy("结案日期"))
    note = serializers.CharField(required=False, allow_blank=True, max_length=TEXT_LIMITS["note"])
    outcome = serializers.CharField(required=False, allow_blank=True, max_length=TEXT_LIMITS["outcome"],
                                    help_text=gettext_lazy("移送公安:公安机关的处理结果"))
    case_number = serializers.CharField(required=False, allow_blank=True, max_length=60)


def evidence_of(upload, field):
    """A checked upload (projects.evidence) or None; a bad file is a field error."""
    if upload is None:
        return None
    try:
        return check_evidence(upload)
    except ValidationError as exc:
        messages = list(exc.messages)
        raise ApplicationError(messages[0], code="invalid", fields={field: messages}) from None


def _action_schema(request, summary):
    return extend_schema(request=request, summary=summary, tags=TAGS,
                         responses={200: EnforcementSerializer,
                                    400: OpenApiResponse(description="输入有误"),
                                    403: OpenApiResponse(description="无权进行此操作"),
                                    404: OpenApiResponse(description="记录不存在或无权查看"),
                                    409: OpenApiResponse(description="记录状态不允许此操作")})


class RecordViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, mixins.CreateModelMixin,
                    viewsets.GenericViewSet):
    """执法与信用记录:责令改正、行政处罚、失信联合惩戒名单、重点关注名单、移送公安,一个列表。市级工作人员可见全部;
    旗县市区和行业部门承办员可见本单位作出的、本辖区本行业项目的及其参建企业的记录,并为其录入。"""

    serializer_class = EnforcementSerializer
    filterset_class = selectors.RecordFilter
    lookup_value_regex = r"\d+"
    ordering_fields = ["date", "created_at"]
    parser_classes = [JSONParser, MultiPartParser, FormParser]

    def get_queryset(self):
        return selectors.record_list_queryset(self.request.user)

    def get_serializer_context(self):
        return {**super().get_serializer_context(), "today": timezone.localdate()}

    @extend_schema(summary="执法与信用记录列表", tags=TAGS)
    def list(self, request, *args, **kwargs):
        return super().list(request, *args, **kwargs)

    @extend_schema(summary="执法与信用记录", tags=TAGS)
    def retrieve(self, request, *args, **kwargs):
        return super().retrieve(request, *args, **kwargs)

    @extend_schema(summary="录入执法与信用记录", tags=TAGS, request=EnforcementInput,
                   responses={201: EnforcementSerializer, 400: OpenApiResponse(description="输入有误"),
                              403: OpenApiResponse(description="无权为该企业录入")})
    def create(self, request, *args, **kwargs):
        data = self._input(EnforcementInput)
        data["document"] = evidence_of(data.get("document"), "document")
        data["persons"] = [dict(person) for person in data.get("persons", [])]
        record = services.record_create(by=request.user, **data)
        return self._answer(record, status=201)

    def _record(self, pk):
        return get_object_or_404(self.get_queryset(), pk=pk)

    def _input(self, serializer_class):
        serializer = serializer_class(data=self.request.data)
        serializer.is_valid(raise_exception=True)
        return dict(serializer.validated_data)

    def _answer(self, record, status=200):
        record = self.get_queryset().get(pk=record.pk)
        return Response(self.get_serializer(record).data, status=status)

    @_action_schema(EnforcementRectifyInput, "整改完成(责令改正)")
    @action(detail=True, methods=["post"])
    def rectify(self, request, pk=None):
        record = self._record(pk)
        data = self._input(EnforcementRectifyInput)
        data["evidence_file"] = evidence_of(data.get("evidence_file"), "evidence_file")
        return self._answer(services.record_rectify(record=record, by=request.user, **data))

    @_action_schema(EnforcementPayInput, "罚款已缴纳(行政处罚)")
    @action(detail=True, methods=["post"])
    def pay(self, request, pk=None):
        record = self._record(pk)
        return self._answer(services.record_pay(record=record, by=request.user, **self._input(EnforcementPayInput)))

    @_action_schema(EnforcementRemoveInput, "提前移出(失信名单、重点关注名单)")
    @action(detail=True, methods=["post"])
    def remove(self, request, pk=None):
        record = self._record(pk)
        data = self._input(EnforcementRemoveInput)
        data["evidence_file"] = evidence_of(data.get("evidence_file"), "evidence_file")
        return self._answer(services.record_remove(record=record, by=request.user, **data))

    @_action_schema(EnforcementCloseInput, "结案")
    @action(detail=True, methods=["post"])
    def close(self, request, pk=None):
        record = self._record(pk)
        return self._answer(services.record_close(record=record, by=request.user, **self._input(EnforcementCloseInput)))


class PublicBlacklistSerializer(serializers.Serializer):
    name = serializers.CharField(source="enterprise__name", label=gettext_lazy("企业名称"))
    credit_code = serializers.CharField(source="enterprise__credit_code", label=gettext_lazy("统一社会信用代码"))
    reason = serializers.CharField(label=gettext_lazy("列入事由"))
    listed_on = serializers.DateField(source="date", label=gettext_lazy("列入日期"))
    removal_date = serializers.DateField(label=gettext_lazy("移出日期"))


class PublicBlacklistView(APIView):
    """拖欠农民工工资失信联合惩戒名单(公示):企业名称、统一社会信用代码、列入事由、列入日期和移出日期;不含任何个人信息。"""

    authentication_classes = []
    permission_classes = [AllowAny]
    throttle_classes = [PublicRateThrottle]
    rate_limit_scope = "api_blacklist"

    @extend_schema(tags=["public"], operation_id="public_blacklist", summary="失信联合惩戒名单公示",
                   responses={200: PublicBlacklistSerializer(many=True)})
    def get(self, request):
        return Response(PublicBlacklistSerializer(selectors.public_blacklist(), many=True).data)


def parse_period(query):
    """(start, end) from ?start=&end= (YYYY-MM-DD, both included); ApplicationError with field errors."""
    days, errors = {}, {}
    for name, label in (("start", _("开始日期")), ("end", _("结束日期"))):
        text = (query.get(name) or "").strip()
        try:
            days[name] = dt.date.fromisoformat(text) if len(text) == 10 else None
        except ValueError:
            days[name] = None
        if days[name] is None:
            errors[name] = [_("请按 YYYY-MM-DD 填写%(label)s,例如 2026-01-31。") % {"label": label}]
        elif days[name].year < 2000:
            errors[name] = [_("%(label)s不能早于2000年。") % {"label": label}]
    if not errors and days["end"] < days["start"]:
        errors["end"] = [_("结束日期不能早于开始日期。")]
    if errors:
        first = next(iter(errors.values()))[0]
        raise ApplicationError(first if len(errors) == 1 else _("提交的数据有误,请按提示修改。"), code="invalid",
                               fields=errors)
    return days["start"], days["end"]


class EnforcementReportView(APIView):
    """执法与信用统计:期间内责令改正、整改完成、行政处罚及罚款金额、列入失信名单、当前名单内企业、移送公安,
    合计和各执法单位。市级工作人员看全市,旗县市区和行业部门承办员看本单位。"""

    @extend_schema(summary="执法与信用统计", tags=["reports"],
                   parameters=[OpenApiParameter("start", str, required=True, description="开始日期 YYYY-MM-DD(含)"),
                               OpenApiParameter("end", str, required=True, description="结束日期 YYYY-MM-DD(含)")],
                   responses={200: OpenApiResponse(description="统计数据;金额为字符串,保留两位小数"),
                              400: OpenApiResponse(description="日期有误"),
                              403: OpenApiResponse(description="无权查看")})
    def get(self, request):
        scope = selectors.report_scope(request.user)
        if scope is None:
            raise ApplicationError(_("您没有查看执法与信用统计的权限。"), code="permission_denied", status_code=403)
        start, end = parse_period(request.query_params)
        return Response(selectors.enforcement_report(scope, start, end))
