"""API of the early warnings: the warnings (list with filters, one, and the handling actions), the rules (the
administrator edits parameters, level and the on/off switch) and the monitoring board's figures."""

from django.shortcuts import get_object_or_404
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse, extend_schema, extend_schema_field
from rest_framework import mixins, serializers, viewsets
from rest_framework.decorators import action
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts.roles import STAFF_ROLES, Role, has_any_role
from core.api import ApplicationError, ChoiceField

from . import selectors, services
from .models import Level, Rule, WageWarning
from .services import TEXT_LIMITS


class WarningSerializer(serializers.ModelSerializer):
    project = serializers.CharField(source="project.code", label=gettext_lazy("项目编号"))
    project_name = serializers.CharField(source="project.name")
    district = serializers.CharField(source="project.district.code", label=gettext_lazy("旗县市区代码"))
    sector = serializers.CharField(source="project.sector.code", default=None, allow_null=True,
                                   label=gettext_lazy("行业部门代码"))
    rule = serializers.CharField(source="rule.code", label=gettext_lazy("规则代码"))
    rule_name = serializers.CharField(source="rule.name")
    assigned_unit = serializers.CharField(source="assigned_unit.code", default=None, allow_null=True,
                                          label=gettext_lazy("核处单位代码"))
    is_overdue = serializers.SerializerMethodField()
    allowed_actions = serializers.SerializerMethodField()

    class Meta:
        model = WageWarning
        fields = ["id", "project", "project_name", "district", "sector", "rule", "rule_name", "level", "period",
                  "state", "detail", "data", "opened_at", "updated_at", "times_opened", "reopened_at",
                  "closed_at", "close_reason", "assigned_unit", "assigned_at", "handling_deadline", "is_overdue",
                  "overdue_at", "responded_at", "response", "reply", "replied_at", "dismissed_at",
                  "dismissal_reason", "allowed_actions"]

    def get_is_overdue(self, warning) -> bool:
        return warning.is_overdue(self.context["now"])

    def get_allowed_actions(self, warning) -> list[str]:
        return sorted(selectors.allowed_actions(warning, self.context["request"].user))


class AssignInput(serializers.Serializer):
    unit = serializers.CharField(label=gettext_lazy("核处单位代码"), max_length=32,
                                 help_text=gettext_lazy("项目所在旗县市区或其行业主管部门的代码"))


class RespondInput(serializers.Serializer):
    response = serializers.CharField(label=gettext_lazy("核处情况"), max_length=TEXT_LIMITS["response"])


class DismissInput(serializers.Serializer):
    reason = serializers.CharField(label=gettext_lazy("撤销理由"), max_length=TEXT_LIMITS["reason"])


class ReplyInput(serializers.Serializer):
    text = serializers.CharField(label=gettext_lazy("整改说明"), max_length=TEXT_LIMITS["reply"])


def _action_schema(request, summary):
    return extend_schema(request=request, summary=summary, tags=["wage warnings"],
                         responses={200: WarningSerializer,
                                    400: OpenApiResponse(description="输入有误"),
                                    403: OpenApiResponse(description="无权进行此操作"),
                                    404: OpenApiResponse(description="预警不存在或无权查看"),
                                    409: OpenApiResponse(description="预警状态不允许此操作")})


class WarningViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """工资预警:每个项目、每条规则、每个期间一条。城市工作人员可见全部,旗县市区和行业部门承办员可见本辖区、本行业项目
    的预警,劳资专管员可见本人项目的预警。"""

    serializer_class = WarningSerializer
    permission_classes = [IsAuthenticated]
    filterset_class = selectors.WarningFilter
    lookup_value_regex = r"\d+"
    ordering_fields = ["opened_at", "handling_deadline", "updated_at"]

    def get_queryset(self):
        return selectors.warning_list_queryset(self.request.user)

    def get_serializer_context(self):
        return {**super().get_serializer_context(), "now": timezone.now()}

    @extend_schema(summary="预警列表", tags=["wage warnings"])
    def list(self, request, *args, **kwargs):
        return super().list(request, *args, **kwargs)

    @extend_schema(summary="预警详情", tags=["wage warnings"])
    def retrieve(self, request, *args, **kwargs):
        return super().retrieve(request, *args, **kwargs)

    def _warning(self, pk):
        return get_object_or_404(self.get_queryset(), pk=pk)

    def _input(self, serializer_class):
        serializer = serializer_class(data=self.request.data)
        serializer.is_valid(raise_exception=True)
        return serializer.validated_data

    def _answer(self, warning):
        warning = self.get_queryset().get(pk=warning.pk)
        return Response(self.get_serializer(warning).data)

    @_action_schema(AssignInput, "交办(市级工作人员)")
    @action(detail=True, methods=["post"])
    def assign(self, request, pk=None):
        warning = self._warning(pk)
        data = self._input(AssignInput)
        return self._answer(services.warning_assign(warning=warning, unit=data["unit"], by=request.user))

    @_action_schema(RespondInput, "核处(交办单位承办员)")
    @action(detail=True, methods=["post"])
    def respond(self, request, pk=None):
        warning = self._warning(pk)
        data = self._input(RespondInput)
        return self._answer(services.warning_respond(warning=warning, by=request.user, response=data["response"]))

    @_action_schema(DismissInput, "撤销(市级工作人员)")
    @action(detail=True, methods=["post"])
    def dismiss(self, request, pk=None):
        warning = self._warning(pk)
        data = self._input(DismissInput)
        return self._answer(services.warning_dismiss(warning=warning, by=request.user, reason=data["reason"]))

    @_action_schema(ReplyInput, "整改说明(本项目劳资专管员)")
    @action(detail=True, methods=["post"])
    def reply(self, request, pk=None):
        warning = self._warning(pk)
        data = self._input(ReplyInput)
        return self._answer(services.warning_reply(warning=warning, by=request.user, text=data["text"]))


@extend_schema_field(OpenApiTypes.OBJECT)
class ParametersField(serializers.Field):
    """The rule's parameters as a JSON object; each is checked by the rule (services.rule_update)."""

    def to_representation(self, value):
        return value

    def to_internal_value(self, data):
        if not isinstance(data, dict):
            raise serializers.ValidationError(_("参数应为一个对象。"))
        return data


class RuleSerializer(serializers.ModelSerializer):
    parameters = ParametersField(label=gettext_lazy("参数"))

    class Meta:
        model = Rule
        fields = ["code", "name", "level", "description", "parameters", "is_active", "updated_at"]


class RuleUpdateSerializer(serializers.Serializer):
    parameters = ParametersField(label=gettext_lazy("参数"), required=False)
    level = ChoiceField(label=gettext_lazy("预警等级"), choices=Level.choices, required=False)
    is_active = serializers.BooleanField(label=gettext_lazy("启用"), required=False)


class RuleViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """预警规则:代码固定;等级、参数和启用开关由管理员修改(修改后全部项目重新评估)。"""

    serializer_class = RuleSerializer
    permission_classes = [IsAuthenticated]
    lookup_field = "code"
    lookup_value_regex = r"[a-z_]+"
    pagination_class = None
    filter_backends = []
    http_method_names = ["get", "patch", "head", "options"]

    def get_queryset(self):
        if not has_any_role(self.request.user, STAFF_ROLES):
            return Rule.objects.none()
        return Rule.objects.order_by("pk")

    @extend_schema(summary="预警规则列表", tags=["wage warnings"])
    def list(self, request, *args, **kwargs):
        return super().list(request, *args, **kwargs)

    @extend_schema(summary="预警规则", tags=["wage warnings"])
    def retrieve(self, request, *args, **kwargs):
        return super().retrieve(request, *args, **kwargs)

    @extend_schema(request=RuleUpdateSerializer, responses={200: RuleSerializer,
                                                            400: OpenApiResponse(description="参数有误"),
                                                            403: OpenApiResponse(description="仅限管理员")},
                   summary="修改预警规则(管理员)", tags=["wage warnings"])
    def partial_update(self, request, code=None):
        rule = self.get_object()
        if not has_any_role(request.user, {Role.ADMIN}):
            raise ApplicationError(_("只有管理员可以修改预警规则。"), code="permission_denied", status_code=403)
        serializer = RuleUpdateSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        rule = services.rule_update(rule=rule, by=request.user, **serializer.validated_data)
        return Response(RuleSerializer(rule).data)


class MonitoringReportView(APIView):
    """预警监控看板的数据:各旗县市区、各行业部门的项目数、红黄预警数和各项义务落实率,各单位预警核处情况。"""

    @extend_schema(summary="预警监控看板", tags=["reports"],
                   responses={200: OpenApiResponse(description="看板数据;比率为百分数,保留两位小数"),
                              403: OpenApiResponse(description="无权查看")})
    def get(self, request):
        scope = selectors.board_scope(request.user)
        if scope is None:
            raise ApplicationError(_("您没有查看预警监控看板的权限。"), code="permission_denied", status_code=403)
        return Response(selectors.board_as_json(selectors.monitoring_board(scope)))
