"""API of the campaigns app: campaigns with their projects, problem lists and summary; inspections and the pick
of an inspection round; risk scores with their reasons. Errors in the API's one format (core.api)."""


from django.shortcuts import get_object_or_404
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema, extend_schema_field
from rest_framework import generics, serializers, status
from rest_framework.response import Response
from rest_framework.views import APIView

from core.api import ApplicationError, ChoiceField
from projects.api_registry import DateField

from . import risk, selectors, services
from .models import Campaign, CampaignProject, Inspection, InspectionKind, InspectionRound, Problem

TAGS = ["campaigns"]
ERRORS = {400: OpenApiResponse(description="输入有误"), 403: OpenApiResponse(description="无权进行此操作"),
          404: OpenApiResponse(description="不存在或无权查看")}


def _forbidden(message):
    return ApplicationError(message, code="permission_denied", status_code=403)


def _staff_only(user):
    if not selectors.is_staff_member(user):
        raise _forbidden(_("只有政府工作人员可以使用此功能。"))


def _input(serializer_class, request):
    serializer = serializer_class(data=request.data)
    serializer.is_valid(raise_exception=True)
    return serializer.validated_data


def _visible_project(user, code, field="project"):
    project = selectors.visible_project(user, code)
    if project is None:
        message = _("项目不存在或无权查看。")
        raise ApplicationError(message, fields={field: [message]})
    return project


# --- campaigns ----------------------------------------------------------------------------------------------------

class CampaignSerializer(serializers.ModelSerializer):
    scope = ChoiceField(choices=Campaign.Scope.choices, default=Campaign.Scope.GOVERNMENT)
    start = DateField()
    end = DateField()

    class Meta:
        model = Campaign
        fields = ["id", "name", "start", "end", "scope", "description", "created_at"]
        read_only_fields = ["id", "created_at"]
        extra_kwargs = {"name": {"max_length": services.TEXT_LIMITS["name"]},
                        "description": {"max_length": services.TEXT_LIMITS["description"], "required": False}}


class CampaignList(generics.ListCreateAPIView):
    """专项整治:政府工作人员均可查看;市级工作人员部署。"""

    serializer_class = CampaignSerializer

    def get_queryset(self):
        return selectors.campaign_queryset(self.request.user)

    @extend_schema(summary="专项整治列表", tags=TAGS)
    def get(self, request, *args, **kwargs):
        _staff_only(request.user)
        return super().get(request, *args, **kwargs)

    @extend_schema(summary="部署专项整治(市级工作人员)", tags=TAGS, responses={201: CampaignSerializer, **ERRORS})
    def post(self, request, *args, **kwargs):
        _staff_only(request.user)
        data = _input(CampaignSerializer, request)
        campaign = services.campaign_create(by=request.user, **data)
        return Response(CampaignSerializer(campaign).data, status=status.HTTP_201_CREATED)


def _campaign(request, pk):
    return get_object_or_404(selectors.campaign_queryset(request.user), pk=pk)


class CampaignDetail(APIView):
    @extend_schema(summary="专项整治", tags=TAGS, responses={200: CampaignSerializer, **ERRORS})
    def get(self, request, pk):
        return Response(CampaignSerializer(_campaign(request, pk)).data)


class EntrySerializer(serializers.ModelSerializer):
    project = serializers.CharField(source="project.code", label=gettext_lazy("项目编号"))
    project_name = serializers.CharField(source="project.name", read_only=True)
    district = serializers.CharField(source="project.district.code", read_only=True)
    sector = serializers.CharField(source="project.sector.code", default=None, allow_null=True, read_only=True)

    class Meta:
        model = CampaignProject
        fields = ["id", "project", "project_name", "district", "sector", "added_at"]


class EntryInput(serializers.Serializer):
    project = serializers.CharField(label=gettext_lazy("项目编号"), max_length=40)


class CampaignProjects(generics.ListAPIView):
    serializer_class = EntrySerializer

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return CampaignProject.objects.none()
        return selectors.entry_queryset(self.request.user, _campaign(self.request, self.kwargs["pk"])).order_by(
            "project__code")

    @extend_schema(summary="专项整治的项目", tags=TAGS)
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)

    @extend_schema(summary="纳入项目", tags=TAGS, request=EntryInput, responses={201: EntrySerializer, **ERRORS})
    def post(self, request, pk):
        campaign = _campaign(request, pk)
        data = _input(EntryInput, request)
        project = _visible_project(request.user, data["project"])
        entry = services.campaign_add_project(campaign=campaign, project=project, by=request.user)
        return Response(EntrySerializer(entry).data, status=status.HTTP_201_CREATED)


class CampaignSummary(APIView):
    @extend_schema(summary="专项整治汇总", tags=TAGS, responses={200: OpenApiResponse(
        description="projects 检查项目数, problems_found 发现问题, problems_rectified 已整改, "
                    "problems_outstanding 未整改, supervised_problems 督办问题, supervised_cleared 督办已销号, "
                    "supervised_projects 涉及督办问题的项目"),
        **ERRORS})
    def get(self, request, pk):
        return Response(selectors.summary(_campaign(request, pk), request.user))


# --- problems ---------------------------------------------------------------------------------------------------------

@extend_schema_field({"oneOf": [{"type": "string", "format": "date"}, {"type": "integer", "minimum": 1}],
                      "description": "整改期限:日期,或自发现之日起的工作日数"})
class DeadlineField(serializers.Field):
    """A date ("2026-12-31") or a number of working days (15) after the day the problem was found."""

    default_error_messages = {"invalid": gettext_lazy("请填写日期(如 2026-12-31)或工作日数(如 15)。")}

    def to_internal_value(self, data):
        if isinstance(data, bool):
            self.fail("invalid")
        if isinstance(data, int) or (isinstance(data, str) and data.isascii() and data.isdigit() and len(data) < 4):
            return int(data)
        return DateField().run_validation(data)

    def to_representation(self, value):
        return value.isoformat()


class CampaignProblemSerializer(serializers.ModelSerializer):
    project = serializers.CharField(source="project.code")
    project_name = serializers.CharField(source="project.name")
    district = serializers.CharField(source="project.district.code")
    sector = serializers.CharField(source="project.sector.code", default=None, allow_null=True)
    unit = serializers.CharField(source="unit.code")
    state = serializers.CharField()
    state_label = serializers.CharField()
    is_overdue = serializers.SerializerMethodField()
    allowed_actions = serializers.SerializerMethodField()

    class Meta:
        model = Problem
        fields = ["id", "campaign", "project", "project_name", "district", "sector", "found_on", "category",
                  "description", "deadline", "deadline_working_days", "unit", "state", "state_label", "is_overdue",
                  "rectified_on", "evidence", "supervised_at", "cleared_at", "inspection", "allowed_actions"]

    def get_is_overdue(self, problem) -> bool:
        return problem.rectified_on is None and problem.deadline < self.context["today"]

    def get_allowed_actions(self, problem) -> list[str]:
        return sorted(selectors.problem_actions(problem, self.context["request"].user))


class ProblemInput(serializers.Serializer):
    project = serializers.CharField(label=gettext_lazy("项目编号"), max_length=40)
    category = ChoiceField(choices=Problem.Category.choices, label=gettext_lazy("问题类别"))
    description = serializers.CharField(label=gettext_lazy("问题描述"), max_length=services.TEXT_LIMITS["description"])
    deadline = DeadlineField(label=gettext_lazy("整改期限"))
    unit = serializers.CharField(label=gettext_lazy("责任单位代码"), max_length=32)
    found_on = DateField(label=gettext_lazy("发现日期"), required=False)


class RectifyInput(serializers.Serializer):
    rectified_on = DateField(label=gettext_lazy("整改日期"))
    evidence = serializers.CharField(label=gettext_lazy("整改佐证"), max_length=services.TEXT_LIMITS["evidence"])


def _context(request):
    return {"request": request, "today": timezone.localdate()}


class CampaignProblems(generics.ListAPIView):
    """问题清单:市级工作人员可见全部;承办员可见本单位辖区、本行业项目的问题和本单位负责整改的问题。"""

    serializer_class = CampaignProblemSerializer
    filter_backends = []

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return Problem.objects.none()
        params = self.request.query_params
        return selectors.problem_list(
            self.request.user, _campaign(self.request, self.kwargs["pk"]),
            **{name: params.get(name, "")[:40] for name in ("state", "project", "unit", "district", "sector")})

    def get_serializer_context(self):
        return _context(self.request)

    @extend_schema(summary="问题清单", tags=TAGS, parameters=[
        OpenApiParameter("state", str, enum=[s for s, _l in selectors.PROBLEM_STATE_FILTERS.items()]),
        OpenApiParameter("project", str), OpenApiParameter("unit", str), OpenApiParameter("district", str),
        OpenApiParameter("sector", str)])
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)

    @extend_schema(summary="登记问题", tags=TAGS, request=ProblemInput,
                   responses={201: CampaignProblemSerializer, **ERRORS})
    def post(self, request, pk):
        campaign = _campaign(request, pk)
        data = _input(ProblemInput, request)
        project = _visible_project(request.user, data.pop("project"))
        problem = services.problem_create(campaign=campaign, project=project, by=request.user, **data)
        return Response(CampaignProblemSerializer(_problem(request, pk, problem.pk), context=_context(request)).data,
                        status=status.HTTP_201_CREATED)


def _problem(request, pk, problem):
    return get_object_or_404(selectors.problem_queryset(request.user, _campaign(request, pk)), pk=problem)


class ProblemDetail(APIView):
    @extend_schema(summary="问题", tags=TAGS, responses={200: CampaignProblemSerializer, **ERRORS})
    def get(self, request, pk, problem):
        return Response(CampaignProblemSerializer(_problem(request, pk, problem), context=_context(request)).data)


def _action_schema(request_class, summary):
    return extend_schema(summary=summary, tags=TAGS, request=request_class,
                         responses={200: CampaignProblemSerializer,
                                    409: OpenApiResponse(description="问题状态不允许此操作"), **ERRORS})


class ProblemRectify(APIView):
    @_action_schema(RectifyInput, "登记整改(责任单位、项目所在单位或市级工作人员)")
    def post(self, request, pk, problem):
        found = _problem(request, pk, problem)
        data = _input(RectifyInput, request)
        services.problem_rectify(problem=found, by=request.user, **data)
        return Response(CampaignProblemSerializer(_problem(request, pk, problem), context=_context(request)).data)


class ProblemSupervise(APIView):
    @_action_schema(None, "督办(市级工作人员)")
    def post(self, request, pk, problem):
        services.problem_supervise(problem=_problem(request, pk, problem), by=request.user)
        return Response(CampaignProblemSerializer(_problem(request, pk, problem), context=_context(request)).data)


class ProblemClear(APIView):
    @_action_schema(None, "督办销号(市级工作人员)")
    def post(self, request, pk, problem):
        services.problem_clear(problem=_problem(request, pk, problem), by=request.user)
        return Response(CampaignProblemSerializer(_problem(request, pk, problem), context=_context(request)).data)


# --- inspections and rounds ----------------------------------------------------------------------------------------

class InspectionProblemInput(serializers.Serializer):
    category = ChoiceField(choices=Problem.Category.choices, label=gettext_lazy("问题类别"))
    description = serializers.CharField(max_length=services.TEXT_LIMITS["description"])
    deadline = DeadlineField()
    unit = serializers.CharField(max_length=32)


class InspectionOrderInput(serializers.Serializer):
    number = serializers.CharField(label=gettext_lazy("文书编号"), max_length=60)
    problem = serializers.CharField(label=gettext_lazy("违法问题"), max_length=2000)
    deadline = DateField(label=gettext_lazy("整改期限"))


class InspectionInput(serializers.Serializer):
    project = serializers.CharField(label=gettext_lazy("项目编号"), max_length=40)
    kind = ChoiceField(choices=InspectionKind.choices, label=gettext_lazy("检查方式"))  # InspectionKindEnum
    inspected_on = DateField(label=gettext_lazy("检查日期"))
    findings = serializers.CharField(label=gettext_lazy("检查情况"), max_length=services.TEXT_LIMITS["findings"])
    inspectors = serializers.CharField(required=False, allow_blank=True, max_length=services.TEXT_LIMITS["inspectors"])
    round = serializers.IntegerField(required=False, min_value=1, label=gettext_lazy("抽取批次"))
    campaign = serializers.IntegerField(required=False, min_value=1, label=gettext_lazy("专项整治"))
    problems = InspectionProblemInput(many=True, required=False, max_length=50)
    orders = InspectionOrderInput(many=True, required=False, max_length=20, help_text=gettext_lazy(
        "检查中下达的责令改正决定(对项目的施工总承包单位),记入执法与信用"))


class InspectionSerializer(serializers.ModelSerializer):
    project = serializers.CharField(source="project.code")
    project_name = serializers.CharField(source="project.name")
    unit = serializers.CharField(source="unit.code")
    problems = serializers.SerializerMethodField()

    class Meta:
        model = Inspection
        fields = ["id", "project", "project_name", "kind", "inspected_on", "unit", "inspectors", "findings", "round",
                  "campaign", "problems", "created_at"]

    def get_problems(self, inspection) -> list[int]:
        return sorted(p.pk for p in inspection.problems.all())


class Inspections(generics.ListAPIView):
    serializer_class = InspectionSerializer
    filter_backends = []

    def get_queryset(self):
        return selectors.inspection_queryset(self.request.user).prefetch_related("problems")

    @extend_schema(summary="检查记录", tags=TAGS)
    def get(self, request, *args, **kwargs):
        _staff_only(request.user)
        return super().get(request, *args, **kwargs)

    @extend_schema(summary="登记检查及发现的问题", tags=TAGS, request=InspectionInput,
                   responses={201: InspectionSerializer, **ERRORS})
    def post(self, request):
        _staff_only(request.user)
        data = _input(InspectionInput, request)
        project = _visible_project(request.user, data.pop("project"))
        round_id, campaign_id = data.pop("round", None), data.pop("campaign", None)
        round = campaign = None
        if round_id is not None:
            round = selectors.round_queryset(request.user).filter(pk=round_id).first()
            if round is None:
                raise ApplicationError(_("抽取批次不存在。"), fields={"round": [_("抽取批次不存在。")]})
        if campaign_id is not None:
            campaign = selectors.campaign_queryset(request.user).filter(pk=campaign_id).first()
            if campaign is None:
                raise ApplicationError(_("专项整治不存在。"), fields={"campaign": [_("专项整治不存在。")]})
        inspection = services.inspection_create(project=project, by=request.user, round=round, campaign=campaign,
                                                **data)
        return Response(InspectionSerializer(inspection).data, status=status.HTTP_201_CREATED)


class PickInput(serializers.Serializer):
    kind = ChoiceField(choices=[(k, label) for k, label in InspectionKind.choices if k != InspectionKind.CAMPAIGN],
                       default=InspectionKind.DOUBLE_RANDOM, label=gettext_lazy("检查方式"))
    count = serializers.IntegerField(min_value=1, max_value=services.MAX_PICK, label=gettext_lazy("抽取数量"))
    random_share = serializers.DecimalField(max_digits=4, decimal_places=3, min_value=0, max_value=1,
                                            default="0.5", label=gettext_lazy("随机抽取比例(0至1)"))
    seed = serializers.IntegerField(required=False, min_value=0, max_value=services.SEED_LIMIT - 1,
                                    label=gettext_lazy("随机种子(不填则新生成)"))
    district = serializers.CharField(required=False, allow_blank=True, max_length=32)
    sector = serializers.CharField(required=False, allow_blank=True, max_length=32)
    government = serializers.BooleanField(required=False, allow_null=True, default=None)


class RoundSerializer(serializers.ModelSerializer):
    picks = serializers.SerializerMethodField()
    candidates = serializers.SerializerMethodField()

    class Meta:
        model = InspectionRound
        fields = ["id", "kind", "created_at", "count", "random_share", "seed", "filters", "candidates", "picks"]

    def get_candidates(self, round) -> int:
        return len(round.candidates)

    @extend_schema_field(OpenApiTypes.OBJECT)
    def get_picks(self, round):
        scores = dict(round.candidates)
        return [{"project": code, "how": how, "rank": rank, "score": scores.get(code)}
                for code, how, rank in round.picks]


class InspectionPick(APIView):
    @extend_schema(summary="抽取检查对象(按风险排名与随机抽取,记录随机种子)", tags=TAGS, request=PickInput,
                   responses={201: RoundSerializer, **ERRORS})
    def post(self, request):
        _staff_only(request.user)
        data = _input(PickInput, request)
        round = services.round_create(by=request.user, **data)
        return Response(RoundSerializer(round).data, status=status.HTTP_201_CREATED)


class RoundDetail(APIView):
    @extend_schema(summary="抽取批次", tags=TAGS, responses={200: RoundSerializer, **ERRORS})
    def get(self, request, pk):
        return Response(RoundSerializer(get_object_or_404(selectors.round_queryset(request.user), pk=pk)).data)


# --- risk scores ---------------------------------------------------------------------------------------------------

class ReasonSerializer(serializers.Serializer):
    code = serializers.CharField()
    label = serializers.CharField()
    count = serializers.IntegerField()
    points_each = serializers.DecimalField(max_digits=6, decimal_places=1)
    points = serializers.DecimalField(max_digits=9, decimal_places=1)


def _scored_project(project, score, rank=None):
    row = {"project": project.code, "name": project.name, "district": project.district.code,
           "sector": project.sector.code if project.sector else None,
           "is_government_invested": project.is_government_invested, **score.as_json()}
    if rank is not None:
        row["rank"] = rank
    return row


def _bool(value):
    return {"true": True, "1": True, "false": False, "0": False}.get((value or "").lower())


class RiskProjects(APIView):
    @extend_schema(summary="项目风险排名(附评分理由)", tags=TAGS, operation_id="v1_risk_projects_list", parameters=[
        OpenApiParameter("district", str), OpenApiParameter("sector", str), OpenApiParameter("government", bool)],
        responses={200: OpenApiResponse(description="[{rank, project, score, reasons: [{code, label, count, "
                                                    "points_each, points}]}],理由分值之和即评分")})
    def get(self, request):
        _staff_only(request.user)
        params = request.query_params
        ranking = selectors.project_ranking(request.user, district=params.get("district", "")[:32],
                                            sector=params.get("sector", "")[:32],
                                            government=_bool(params.get("government")))
        return Response([_scored_project(p, s, rank) for rank, (p, s) in enumerate(ranking, start=1)])


class RiskProject(APIView):
    @extend_schema(summary="项目风险评分", tags=TAGS, responses={200: OpenApiResponse(description="评分及理由"),
                                                              **ERRORS})
    def get(self, request, code):
        _staff_only(request.user)
        project = selectors.visible_project(request.user, code)
        if project is None:
            raise ApplicationError(_("未找到。"), code="not_found", status_code=404)
        return Response(_scored_project(project, risk.score_of(risk.PROJECT, project.pk)))


class RiskEnterprise(APIView):
    @extend_schema(summary="企业风险评分", tags=TAGS, responses={200: OpenApiResponse(description="评分及理由"),
                                                              **ERRORS})
    def get(self, request, credit_code):
        _staff_only(request.user)
        enterprise = selectors.visible_enterprise(request.user, credit_code)
        if enterprise is None:
            raise ApplicationError(_("未找到。"), code="not_found", status_code=404)
        score = risk.score_of(risk.ENTERPRISE, enterprise.pk)
        return Response({"credit_code": enterprise.credit_code, "name": enterprise.name,
                         "is_blacklisted": enterprise.is_blacklisted, **score.as_json()})
