"""The registry API: enterprises, projects with their parties and duties, labour-cost allocations, the monthly
payroll and the timeline. Dates are ISO, months YYYY-MM, units by their codes, enterprises by credit code.

Every view looks the project up among those the user may see first (404 otherwise, whatever was sent), then
reads the input, then calls one service, which says whether this user may make that change (403 otherwise).
"""

from django.http import Http404
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import serializers, status
from rest_framework.exceptions import PermissionDenied
from rest_framework.generics import GenericAPIView
from rest_framework.parsers import FormParser, JSONParser, MultiPartParser
from rest_framework.response import Response
from rest_framework.views import APIView

from core.api import ApplicationError, ChoiceField, Pagination

from . import hooks, payroll, selectors, services
from .models import Duty, Enterprise, LabourAllocation, PayrollMonth, Project, ProjectEvent, ProjectParty

_ERRORS = {
    400: OpenApiResponse(description=gettext_lazy("输入有误,按字段列出")),
    403: OpenApiResponse(description=gettext_lazy("无权进行此操作")),
    404: OpenApiResponse(description=gettext_lazy("不存在或无权查看")),
}


class DateField(serializers.DateField):
    """DRF's DateField, limited to the plausible years (a year-2 contract is a typing error)."""

    default_error_messages = {"range": gettext_lazy("日期应在2000至2099年之间。")}

    def to_internal_value(self, value):
        result = super().to_internal_value(value)
        if not 2000 <= result.year <= 2099:
            self.fail("range")
        return result


def _mapping(data):
    if not hasattr(data, "get"):
        raise serializers.ValidationError({"non_field_errors": [_("请求内容应为一个JSON对象。")]})
    return data


def _valid(serializer_class, data, **kwargs):
    serializer = serializer_class(data=_mapping(data), **kwargs)
    serializer.is_valid(raise_exception=True)
    return serializer.validated_data


def _project_or_404(request, code):
    project = selectors.visible_project(request.user, code)
    if project is None:
        raise Http404
    return project


def _month_or_404(text):
    month = selectors.parse_month(text)
    if month is None:
        raise ApplicationError(_("月份应写成 YYYY-MM,如 2026-05。"), code="invalid",
                               fields={"month": [_("月份应写成 YYYY-MM,如 2026-05。")]})
    return month


# --- enterprises --------------------------------------------------------------------------------------------

class EnterpriseSerializer(serializers.ModelSerializer):
    class Meta:
        model = Enterprise
        fields = ["credit_code", "credit_code_valid", "name", "legal_representative", "contact_name",
                  "contact_phone", "address", "is_blacklisted", "created_at", "updated_at"]


class EnterpriseSavedSerializer(EnterpriseSerializer):
    warnings = serializers.DictField(child=serializers.ListField(child=serializers.CharField()),
                                     help_text=gettext_lazy("提示(不阻止保存),如统一社会信用代码校验位不符"))

    class Meta(EnterpriseSerializer.Meta):
        fields = [*EnterpriseSerializer.Meta.fields, "warnings"]


class EnterpriseInput(serializers.Serializer):
    credit_code = serializers.CharField(max_length=40, help_text=gettext_lazy(
        "18位统一社会信用代码;校验位不符只提示,格式不对则拒收"))
    name = serializers.CharField(max_length=200)
    legal_representative = serializers.CharField(max_length=50, required=False, allow_blank=True)
    contact_name = serializers.CharField(max_length=50, required=False, allow_blank=True)
    contact_phone = serializers.CharField(max_length=20, required=False, allow_blank=True)
    address = serializers.CharField(max_length=200, required=False, allow_blank=True)


class EnterprisePatch(EnterpriseInput):
    credit_code = None
    name = serializers.CharField(max_length=200, required=False)


def _saved(enterprise, warnings):
    enterprise.warnings = warnings
    return EnterpriseSavedSerializer(enterprise).data


def _require_enterprise_reader(user):
    if not selectors.can_read_enterprises(user):
        raise PermissionDenied(_("您的角色不能查看企业库。"))


class EnterpriseListView(GenericAPIView):
    """Enterprises: developers, general contractors and subcontractors, by unified social credit code."""

    serializer_class = EnterpriseSerializer
    pagination_class = Pagination
    filter_backends = []

    @extend_schema(tags=["registry"], operation_id="enterprise_list", parameters=[
        OpenApiParameter("q", OpenApiTypes.STR, description=gettext_lazy("名称或统一社会信用代码(部分)"))],
        responses={200: EnterpriseSerializer(many=True), 403: _ERRORS[403]})
    def get(self, request):
        _require_enterprise_reader(request.user)
        query = request.query_params.get("q", "")[:50].replace("\x00", "")
        page = self.paginate_queryset(selectors.enterprise_list(query=query))
        return self.get_paginated_response(EnterpriseSerializer(page, many=True).data)

    @extend_schema(tags=["registry"], operation_id="enterprise_create", request=EnterpriseInput,
                   responses={201: EnterpriseSavedSerializer, 409: OpenApiResponse(
                       description=gettext_lazy("该统一社会信用代码已登记")), **_ERRORS})
    def post(self, request):
        data = _valid(EnterpriseInput, request.data)
        code = data.pop("credit_code")
        enterprise, warnings = services.enterprise_create(by=request.user, credit_code=code, values=data)
        return Response(_saved(enterprise, warnings), status=status.HTTP_201_CREATED)


class EnterpriseDetailView(APIView):
    def _enterprise(self, request, credit_code):
        _require_enterprise_reader(request.user)
        enterprise = Enterprise.objects.filter(credit_code=str(credit_code).upper()[:18]).first()
        if enterprise is None:
            raise Http404
        return enterprise

    @extend_schema(tags=["registry"], operation_id="enterprise_detail",
                   responses={200: EnterpriseSerializer, 403: _ERRORS[403], 404: _ERRORS[404]})
    def get(self, request, credit_code):
        return Response(EnterpriseSerializer(self._enterprise(request, credit_code)).data)

    @extend_schema(tags=["registry"], operation_id="enterprise_update", request=EnterprisePatch,
                   responses={200: EnterpriseSavedSerializer, **_ERRORS})
    def patch(self, request, credit_code):
        enterprise = self._enterprise(request, credit_code)
        data = _valid(EnterprisePatch, request.data)
        enterprise, warnings = services.enterprise_update(enterprise=enterprise, by=request.user, values=data)
        return Response(_saved(enterprise, warnings))


# --- projects ---------------------------------------------------------------------------------------------

class PartySerializer(serializers.ModelSerializer):
    credit_code = serializers.CharField(source="enterprise.credit_code")
    name = serializers.CharField(source="enterprise.name")

    class Meta:
        model = ProjectParty
        fields = ["credit_code", "name", "role"]


class ProjectSerializer(serializers.ModelSerializer):
    district = serializers.SlugRelatedField(slug_field="code", read_only=True)
    sector = serializers.SlugRelatedField(slug_field="code", read_only=True)
    developer = serializers.SlugRelatedField(slug_field="credit_code", read_only=True)
    general_contractor = serializers.SlugRelatedField(slug_field="credit_code", read_only=True)
    subcontractors = PartySerializer(source="parties", many=True, read_only=True)
    planned_end_date = serializers.DateField(source="end_date", read_only=True)
    managers = serializers.SlugRelatedField(slug_field="username", many=True, read_only=True,
                                            help_text=gettext_lazy("劳资专管员的登录账号"))

    class Meta:
        model = Project
        fields = ["code", "public_id", "name", "district", "sector", "address", "developer",
                  "general_contractor", "subcontractors", "contract_date", "contract_sum", "labour_cost_share",
                  "start_date", "planned_end_date", "status", "is_government_invested", "is_key", "wage_manager",
                  "wage_manager_phone", "managers", "created_at", "updated_at"]


class DepositDueSerializer(serializers.Serializer):
    rate_percent = serializers.DecimalField(max_digits=5, decimal_places=2, source="rate")
    amount = serializers.DecimalField(max_digits=16, decimal_places=2, allow_null=True)
    may_be_exempt = serializers.BooleanField()


class DutyStateSerializer(serializers.Serializer):
    kind = serializers.CharField()
    label = serializers.CharField()
    state = serializers.CharField(help_text=gettext_lazy("missing 未录入 | submitted 待核验 | verified 已核验 | "
                                                         "rejected 已退回"))
    state_label = serializers.CharField()
    met = serializers.BooleanField()
    missing = serializers.ListField(child=serializers.CharField())
    details = serializers.DictField(allow_null=True)


class ProjectDetailSerializer(ProjectSerializer):
    duties = serializers.SerializerMethodField()
    deposit_due = serializers.SerializerMethodField()
    monthly_missing = serializers.SerializerMethodField()
    open_warnings = serializers.SerializerMethodField(help_text=gettext_lazy("未销号的预警(工资预警平台)"))

    class Meta(ProjectSerializer.Meta):
        fields = [*ProjectSerializer.Meta.fields, "duties", "deposit_due", "monthly_missing", "open_warnings"]

    def get_duties(self, project) -> list[dict]:
        user = self.context["request"].user
        return [DutyStateSerializer({
            "kind": state.kind, "label": state.label, "state": state.state, "state_label": state.state_label,
            "met": state.met, "missing": state.missing,
            "details": duty_details(state.duty, project, user) if state.duty else None,
        }).data for state in selectors.duty_states(project, user)]

    def get_deposit_due(self, project) -> dict:
        return DepositDueSerializer(selectors.deposit_due(project)).data

    def get_monthly_missing(self, project) -> list[str]:
        return selectors.monthly_missing(project)

    def get_open_warnings(self, project) -> list[dict]:
        return hooks.open_warnings(project)


class SubcontractorInput(serializers.Serializer):
    credit_code = serializers.CharField(max_length=40)
    role = ChoiceField(choices=ProjectParty.Role.choices, required=False, default=ProjectParty.Role.SUBCONTRACTOR)


class ProjectInput(serializers.Serializer):
    code = serializers.CharField(max_length=40)
    name = serializers.CharField(max_length=200)
    district = serializers.CharField(max_length=32, help_text=gettext_lazy("旗县市区代码(GB/T 2260),如 150921"))
    sector = serializers.CharField(max_length=32, required=False, allow_blank=True, allow_null=True,
                                   help_text=gettext_lazy("行业部门代码,如 housing"))
    address = serializers.CharField(max_length=200, required=False, allow_blank=True)
    developer = serializers.CharField(max_length=40, required=False, allow_blank=True, allow_null=True,
                                      help_text=gettext_lazy("建设单位的统一社会信用代码(须已登记)"))
    general_contractor = serializers.CharField(max_length=40, help_text=gettext_lazy(
        "施工总承包单位的统一社会信用代码(须已登记)"))
    subcontractors = SubcontractorInput(many=True, required=False, max_length=200)
    contract_date = DateField(required=False, allow_null=True)
    contract_sum = serializers.DecimalField(max_digits=14, decimal_places=2, required=False, allow_null=True,
                                            min_value=0, help_text=gettext_lazy("合同金额(元)"))
    labour_cost_share = serializers.DecimalField(max_digits=5, decimal_places=2, required=False,
                                                 allow_null=True, min_value=0, max_value=100,
                                                 help_text=gettext_lazy("人工费用占合同金额的百分比"))
    start_date = DateField(required=False, allow_null=True)
    planned_end_date = DateField(required=False, allow_null=True, source="end_date")
    status = ChoiceField(choices=Project.Status.choices, required=False)
    is_government_invested = serializers.BooleanField(required=False)
    is_key = serializers.BooleanField(required=False)
    wage_manager = serializers.CharField(max_length=50, required=False, allow_blank=True,
                                         help_text=gettext_lazy("劳资专管员姓名"))
    wage_manager_phone = serializers.CharField(max_length=20, required=False, allow_blank=True)


class ProjectPatch(ProjectInput):
    code = serializers.CharField(max_length=40, required=False)
    name = serializers.CharField(max_length=200, required=False)
    district = serializers.CharField(max_length=32, required=False)
    general_contractor = serializers.CharField(max_length=40, required=False)


def _project_data(validated):
    data = dict(validated)
    if "subcontractors" in data:
        data["subcontractors"] = [dict(item) for item in data["subcontractors"]]
    return data


class ProjectListView(GenericAPIView):
    """Projects the user may see: all for city staff, the unit's for an officer, their own for a 劳资专管员."""

    serializer_class = ProjectSerializer
    pagination_class = Pagination
    filter_backends = []

    @extend_schema(tags=["registry"], operation_id="project_list", parameters=[
        OpenApiParameter("q", OpenApiTypes.STR, description=gettext_lazy("名称、编号或总包单位(部分)")),
        OpenApiParameter("status", OpenApiTypes.STR, enum=Project.Status.values),
        OpenApiParameter("district", OpenApiTypes.STR), OpenApiParameter("sector", OpenApiTypes.STR),
        OpenApiParameter("is_key", OpenApiTypes.BOOL),
        OpenApiParameter("is_government_invested", OpenApiTypes.BOOL)],
        responses={200: ProjectSerializer(many=True)})
    def get(self, request):
        params = request.query_params
        projects = selectors.project_list(
            request.user, query=params.get("q", ""), status=params.get("status", ""),
            district=params.get("district", "")[:32], sector=params.get("sector", "")[:32],
            is_key=_flag(params.get("is_key")), government=_flag(params.get("is_government_invested")))
        page = self.paginate_queryset(projects.prefetch_related("parties__enterprise", "managers"))
        return self.get_paginated_response(ProjectSerializer(page, many=True).data)

    @extend_schema(tags=["registry"], operation_id="project_create", request=ProjectInput,
                   responses={201: ProjectDetailSerializer, **_ERRORS})
    def post(self, request):
        data = _valid(ProjectInput, request.data)
        project = services.project_create(by=request.user, data=_project_data(data))
        body = ProjectDetailSerializer(selectors.project_detail(project), context={"request": request}).data
        return Response(body, status=status.HTTP_201_CREATED)


def _flag(value):
    if value is None:
        return None
    return {"true": True, "1": True, "false": False, "0": False}.get(str(value).lower())


class ProjectDetailView(APIView):
    """One project with each duty's state, what is missing this month and the open warnings."""

    @extend_schema(tags=["registry"], operation_id="project_detail",
                   responses={200: ProjectDetailSerializer, 404: _ERRORS[404]})
    def get(self, request, code):
        project = _project_or_404(request, code)
        return Response(ProjectDetailSerializer(selectors.project_detail(project), context={"request": request}).data)

    @extend_schema(tags=["registry"], operation_id="project_update", request=ProjectPatch,
                   responses={200: ProjectDetailSerializer, **_ERRORS})
    def patch(self, request, code):
        project = _project_or_404(request, code)
        data = _valid(ProjectPatch, request.data, partial=True)
        project = services.project_update(project=project, by=request.user, data=_project_data(data))
        return Response(ProjectDetailSerializer(selectors.project_detail(project), context={"request": request}).data)


class ProjectEventSerializer(serializers.ModelSerializer):
    actor = serializers.SerializerMethodField()

    class Meta:
        model = ProjectEvent
        fields = ["at", "kind", "text", "actor", "data"]

    def get_actor(self, event) -> str | None:
        return event.actor.display_name if event.actor_id else None


class ProjectEventsView(APIView):
    @extend_schema(tags=["registry"], operation_id="project_events", summary=gettext_lazy("项目动态(时间线)"),
                   responses={200: ProjectEventSerializer(many=True), 404: _ERRORS[404]})
    def get(self, request, code):
        project = _project_or_404(request, code)
        return Response(ProjectEventSerializer(selectors.project_timeline(project, limit=500), many=True).data)


# --- duties -----------------------------------------------------------------------------------------------

def duty_details(duty, project, user):
    """What a duty says, the account number masked unless `user` may see it."""
    details = {"done_on": duty.done_on, "bank_reference": duty.bank_reference, "has_evidence": bool(duty.evidence),
               "rejection_reason": duty.rejection_reason, "verified_at": duty.verified_at,
               "verified_by": duty.verified_by.display_name if duty.verified_by_id else None}
    if duty.kind == Duty.Kind.WAGE_ACCOUNT:
        full = selectors.can_see_account_number(user, project)
        details.update(bank=duty.bank, opened_on=duty.done_on,
                       account_number=duty.account_number if full else selectors.mask_account(duty.account_number))
    elif duty.kind == Duty.Kind.DEPOSIT:
        details.update(kind=duty.deposit_kind, amount=duty.amount, paid_on=duty.done_on,
                       exemption_reason=duty.exemption_reason)
    elif duty.kind == Duty.Kind.ROSTER:
        details.update(headcount=duty.headcount, updated_on=duty.done_on)
    else:
        details.update(posted_on=duty.done_on)
    if details["has_evidence"]:
        details["evidence_url"] = reverse("projects:duty_evidence", kwargs={"code": project.code, "kind": duty.kind})
    return {key: _json_value(value) for key, value in details.items()}


def _json_value(value):
    if value is None or isinstance(value, bool | str | int):
        return value
    if hasattr(value, "isoformat"):
        return value.isoformat()
    return str(value)  # Decimal: as DRF writes it


class DutyInput(serializers.Serializer):
    """The fields of each duty (the others are ignored): wage_account — bank, account_number, opened_on;
    deposit — kind, amount, paid_on, exemption_reason; roster — headcount, updated_on; notice_board — photo,
    posted_on. Each needs evidence: a file (`evidence`, multipart) or `bank_reference`."""

    bank = serializers.CharField(max_length=100, required=False, allow_blank=True)
    account_number = serializers.CharField(max_length=40, required=False, allow_blank=True)
    opened_on = DateField(required=False, allow_null=True)
    kind = ChoiceField(choices=Duty.DepositKind.choices, required=False)
    amount = serializers.DecimalField(max_digits=14, decimal_places=2, required=False, allow_null=True)
    paid_on = DateField(required=False, allow_null=True)
    exemption_reason = serializers.CharField(max_length=300, required=False, allow_blank=True)
    headcount = serializers.IntegerField(required=False, allow_null=True, min_value=0, max_value=100000)
    updated_on = DateField(required=False, allow_null=True)
    posted_on = DateField(required=False, allow_null=True)
    photo = serializers.FileField(required=False, help_text=gettext_lazy("告示牌照片(JPEG/PNG,multipart)"))
    evidence = serializers.FileField(required=False, help_text=gettext_lazy("证明材料(JPEG/PNG/PDF,multipart)"))
    bank_reference = serializers.CharField(max_length=60, required=False, allow_blank=True)


class DutyVerifyInput(serializers.Serializer):
    decision = ChoiceField(choices=[("verify", gettext_lazy("核验通过")), ("reject", gettext_lazy("退回"))])
    reason = serializers.CharField(max_length=300, required=False, allow_blank=True,
                                   help_text=gettext_lazy("退回时必填"))


class DutySavedSerializer(serializers.Serializer):
    kind = serializers.CharField()
    state = serializers.CharField()
    details = serializers.DictField()
    warnings = serializers.DictField(child=serializers.ListField(child=serializers.CharField()))


def _duty_kind_or_404(kind):
    if kind not in Duty.Kind.values:
        raise Http404
    return kind


def _duty_body(duty, project, user, warnings=None):
    return DutySavedSerializer({"kind": duty.kind, "state": duty.state,
                                "details": duty_details(duty, project, user), "warnings": warnings or {}}).data


_DUTY_PARAM = OpenApiParameter("duty", OpenApiTypes.STR, OpenApiParameter.PATH, enum=Duty.Kind.values)


class DutyView(APIView):
    parser_classes = [JSONParser, MultiPartParser, FormParser]

    @extend_schema(tags=["registry"], operation_id="duty_detail", parameters=[_DUTY_PARAM],
                   responses={200: DutySavedSerializer, 404: _ERRORS[404]})
    def get(self, request, code, duty):
        project = _project_or_404(request, code)
        found = project.duties.filter(kind=_duty_kind_or_404(duty)).select_related("verified_by").first()
        if found is None:
            raise ApplicationError(_("该义务尚未录入。"), code="not_found", status_code=404)
        return Response(_duty_body(found, project, request.user))

    @extend_schema(tags=["registry"], operation_id="duty_submit", parameters=[_DUTY_PARAM],
                   request={"application/json": DutyInput, "multipart/form-data": DutyInput},
                   responses={200: DutySavedSerializer, **_ERRORS})
    def put(self, request, code, duty):
        project = _project_or_404(request, code)
        kind = _duty_kind_or_404(duty)
        data = _valid(DutyInput, request.data)
        evidence = data.pop("photo", None) if kind == Duty.Kind.NOTICE_BOARD else None
        evidence = evidence or data.pop("evidence", None)
        found, warnings = services.duty_submit(project=project, kind=kind, by=request.user, values=data,
                                               evidence=evidence)
        return Response(_duty_body(found, project, request.user, warnings))


class DutyVerifyView(APIView):
    @extend_schema(tags=["registry"], operation_id="duty_verify", parameters=[_DUTY_PARAM], request=DutyVerifyInput,
                   responses={200: DutySavedSerializer, 409: OpenApiResponse(
                       description=gettext_lazy("该材料当前状态不能这样处理")), **_ERRORS})
    def post(self, request, code, duty):
        project = _project_or_404(request, code)
        kind = _duty_kind_or_404(duty)
        if not selectors.can_verify(request.user, project):
            raise PermissionDenied(_("只有项目所在旗县市区、行业主管部门和市级工作人员可以核验。"))
        found = project.duties.filter(kind=kind).first()
        if found is None:
            raise ApplicationError(_("该义务尚未录入,无可核验的材料。"), code="not_found", status_code=404)
        data = _valid(DutyVerifyInput, request.data)
        found = services.duty_verify(duty=found, by=request.user, approve=data["decision"] == "verify",
                                     reason=data.get("reason", ""))
        return Response(_duty_body(found, project, request.user))


# --- allocations ------------------------------------------------------------------------------------------

class AllocationSerializer(serializers.ModelSerializer):
    month = serializers.SerializerMethodField()
    pre_allocation = serializers.BooleanField(source="is_pre_allocation")
    has_evidence = serializers.SerializerMethodField()

    class Meta:
        model = LabourAllocation
        fields = ["month", "pre_allocation", "amount", "paid_on", "has_evidence", "updated_at"]

    def get_month(self, allocation) -> str:
        return f"{allocation.month:%Y-%m}"

    def get_has_evidence(self, allocation) -> bool:
        return bool(allocation.evidence)


class AllocationInput(serializers.Serializer):
    amount = serializers.DecimalField(max_digits=14, decimal_places=2, help_text=gettext_lazy("金额(元)"))
    paid_on = DateField(help_text=gettext_lazy("拨付日期"))
    pre_allocation = serializers.BooleanField(required=False, default=False, help_text=gettext_lazy(
        "true:人工费用预拨(政府或国企投资项目月初预拨);false:当月人工费用拨付"))
    evidence = serializers.FileField(required=False, help_text=gettext_lazy("证明材料(multipart)"))


_MONTH_PARAM = OpenApiParameter("month", OpenApiTypes.STR, OpenApiParameter.PATH, description="YYYY-MM")


class AllocationView(APIView):
    parser_classes = [JSONParser, MultiPartParser, FormParser]

    @extend_schema(tags=["registry"], operation_id="allocation_month", parameters=[_MONTH_PARAM],
                   responses={200: AllocationSerializer(many=True), 400: _ERRORS[400], 404: _ERRORS[404]})
    def get(self, request, code, month):
        project = _project_or_404(request, code)
        found = project.allocations.filter(month=_month_or_404(month)).order_by("is_pre_allocation")
        return Response(AllocationSerializer(found, many=True).data)

    @extend_schema(tags=["registry"], operation_id="allocation_put", parameters=[_MONTH_PARAM],
                   request={"application/json": AllocationInput, "multipart/form-data": AllocationInput},
                   responses={200: AllocationSerializer, **_ERRORS})
    def put(self, request, code, month):
        project = _project_or_404(request, code)
        first_day = _month_or_404(month)
        data = _valid(AllocationInput, request.data)
        allocation = services.allocation_put(project=project, month=first_day, by=request.user,
                                             amount=data["amount"], paid_on=data["paid_on"],
                                             pre_allocation=data["pre_allocation"], evidence=data.get("evidence"))
        return Response(AllocationSerializer(allocation).data)


# --- payroll ----------------------------------------------------------------------------------------------

class PayrollLineSerializer(serializers.Serializer):
    row = serializers.IntegerField()
    worker_name = serializers.CharField()
    id_number = serializers.CharField(help_text=gettext_lazy("已遮蔽,只显示前4位和后4位"))
    phone = serializers.CharField(allow_blank=True, help_text=gettext_lazy("已遮蔽"))
    bank_card = serializers.CharField(allow_blank=True, help_text=gettext_lazy("只显示后4位"))
    team = serializers.CharField(allow_blank=True)
    days_worked = serializers.DecimalField(max_digits=5, decimal_places=1, allow_null=True)
    wage_due = serializers.DecimalField(max_digits=12, decimal_places=2)
    wage_paid = serializers.DecimalField(max_digits=12, decimal_places=2)
    paid_on = serializers.DateField(allow_null=True)


class PayrollSummarySerializer(serializers.ModelSerializer):
    month = serializers.SerializerMethodField()
    uploaded_by = serializers.SerializerMethodField()

    class Meta:
        model = PayrollMonth
        fields = ["month", "version", "is_current", "uploaded_at", "uploaded_by", "source_name", "roster_headcount",
                  "headcount_paid", "lines", "total_due", "total_paid", "below_minimum", "last_paid_on"]

    def get_month(self, payroll) -> str:
        return f"{payroll.month:%Y-%m}"

    def get_uploaded_by(self, payroll) -> str | None:
        return payroll.uploaded_by.display_name if payroll.uploaded_by_id else None


class PayrollSerializer(PayrollSummarySerializer):
    versions = serializers.SerializerMethodField()
    payroll_lines = serializers.SerializerMethodField()

    class Meta(PayrollSummarySerializer.Meta):
        fields = [*PayrollSummarySerializer.Meta.fields, "versions", "payroll_lines"]

    def get_versions(self, payroll) -> list[int]:
        return list(payroll.project.payrolls.filter(month=payroll.month).order_by("-version")
                    .values_list("version", flat=True))

    def get_payroll_lines(self, payroll) -> list[dict]:
        return PayrollLineSerializer(selectors.masked_lines(payroll), many=True).data


class PayrollLineInput(serializers.Serializer):
    worker_name = serializers.CharField(max_length=50)
    id_number = serializers.CharField(max_length=40, help_text=gettext_lazy("18位身份证号(GB 11643 校验)"))
    phone = serializers.CharField(max_length=20, required=False, allow_blank=True,
                                  help_text=gettext_lazy("手机号;劳动者自助查询工资时须与此一致"))
    bank_card = serializers.CharField(max_length=40, required=False, allow_blank=True)
    team = serializers.CharField(max_length=50, required=False, allow_blank=True)
    days_worked = serializers.DecimalField(max_digits=5, decimal_places=1, required=False, allow_null=True)
    wage_due = serializers.DecimalField(max_digits=12, decimal_places=2)
    wage_paid = serializers.DecimalField(max_digits=12, decimal_places=2, required=False, allow_null=True)
    paid_on = DateField(required=False, allow_null=True)


class PayrollInput(serializers.Serializer):
    lines = PayrollLineInput(many=True, max_length=payroll.MAX_LINES, required=False,
                             help_text=gettext_lazy("JSON:每人一行"))
    file = serializers.FileField(required=False, help_text=gettext_lazy(
        "或 multipart 上传按模板填写的 XLSX/CSV 文件(见 docs/payroll_import.md)"))


class PayrollView(APIView):
    parser_classes = [JSONParser, MultiPartParser, FormParser]

    @extend_schema(tags=["registry"], operation_id="payroll_month", parameters=[
        _MONTH_PARAM, OpenApiParameter("version", OpenApiTypes.INT, description=gettext_lazy("默认现行版本"))],
        responses={200: PayrollSerializer, 400: _ERRORS[400], 404: _ERRORS[404]})
    def get(self, request, code, month):
        project = _project_or_404(request, code)
        first_day = _month_or_404(month)
        version = request.query_params.get("version")
        if version is not None and not (version.isascii() and version.isdigit() and 0 < int(version) < 32768):
            raise ApplicationError(_("版本应为正整数。"), code="invalid", fields={"version": [_("版本应为正整数。")]})
        found = selectors.payroll_version(project, first_day, int(version) if version else None)
        if found is None:
            raise ApplicationError(_("该月工资表尚未上传。"), code="not_found", status_code=404)
        return Response(PayrollSerializer(found).data)

    @extend_schema(tags=["registry"], operation_id="payroll_put", parameters=[_MONTH_PARAM],
                   request={"application/json": PayrollInput, "multipart/form-data": PayrollInput},
                   responses={200: PayrollSerializer, **_ERRORS},
                   description=gettext_lazy(
                       "上传一个月的工资表:每次上传生成新版本并成为现行版本,旧版本保留;有任何错误则不保存,"
                       "按行列出错误(JSON 为 lines.<序号>.<字段>,文件为 rows.<行号>.<列>)。"))
    def put(self, request, code, month):
        project = _project_or_404(request, code)
        first_day = _month_or_404(month)
        if not selectors.can_enter_duties(request.user, project):
            raise PermissionDenied(_("您不能为该项目上传工资表。"))
        upload = request.FILES.get("file") if hasattr(request.FILES, "get") else None
        source_name = ""
        if upload is not None:
            table = payroll.read_payroll_file(upload, name=upload.name)
            rows, source_name, prefix = table.rows, upload.name, "rows"
        else:
            data = _valid(PayrollInput, request.data)
            if "lines" not in data:
                raise serializers.ValidationError({"lines": [_("请提交 lines(每人一行),或用 multipart 上传 file。")]})
            rows = [(index, dict(line)) for index, line in enumerate(data["lines"])]
            prefix = "lines"
        try:
            found = payroll.put_payroll(project=project, month=first_day, rows=rows, by=request.user,
                                        source_name=source_name)
        except payroll.PayrollRefused as exc:
            fields = {}
            for row, name, message in exc.errors:
                fields.setdefault(f"{prefix}.{row}.{name}" if row or prefix == "lines" else name, []).append(message)
            raise ApplicationError(exc.message, code=exc.code, fields=fields) from None
        return Response(PayrollSerializer(found).data)


class PayrollListView(APIView):
    @extend_schema(tags=["registry"], operation_id="payroll_months",
                   responses={200: PayrollSummarySerializer(many=True), 404: _ERRORS[404]})
    def get(self, request, code):
        project = _project_or_404(request, code)
        months = project.payrolls.filter(is_current=True).select_related("uploaded_by").order_by("-month")
        return Response(PayrollSummarySerializer(months, many=True).data)

