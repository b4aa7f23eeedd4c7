"""API of the reports: the completion report for a period, and the clues behind any of its figures."""

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import serializers
from rest_framework.generics import ListAPIView
from rest_framework.response import Response
from rest_framework.views import APIView

from clues.models import Channel, RiskColor
from core.api import ApplicationError

from . import selectors
from .params import drilldown_params, report_params

PERIOD_PARAMETERS = [
    OpenApiParameter("start", str, required=True, description="开始日期 YYYY-MM-DD(含,上海时间自然日)"),
    OpenApiParameter("end", str, required=True, description="结束日期 YYYY-MM-DD(含)"),
]


class CompletionReportView(APIView):
    """办结率报表:期间内收到的线索的归集、办结、转交行业部门、追回工资和各承办单位情况。"""

    @extend_schema(
        summary="办结率报表", tags=["reports"],
        parameters=[*PERIOD_PARAMETERS,
                    OpenApiParameter("trend", str, enum=["week", "month"], description="趋势按周或按月")],
        responses={200: OpenApiResponse(description="报表;比率为百分数,保留两位小数(如 97.55)"),
                   400: OpenApiResponse(description="日期有误"),
                   403: OpenApiResponse(description="无权查看")})
    def get(self, request):
        period, trend = report_params(request.query_params)
        report = selectors.report_for_user(request.user, period, trend=trend)
        if report is None:
            raise ApplicationError(_("您没有查看统计报表的权限。"), code="permission_denied", status_code=403)
        return Response(report.as_dict())


class ReportClueSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    tracking_code = serializers.CharField()
    channel = serializers.CharField()
    status = serializers.CharField()
    status_display = serializers.CharField(source="get_status_display")
    risk_color = serializers.CharField()
    received_at = serializers.DateTimeField()
    employer_name = serializers.CharField()
    unit = serializers.CharField(source="unit.code", default=None, label=gettext_lazy("承办单位代码"))
    is_overdue = serializers.BooleanField()
    close_deadline = serializers.DateTimeField()
    closed_at = serializers.DateTimeField()
    result = serializers.CharField()
    amount_recovered = serializers.DecimalField(max_digits=14, decimal_places=2, coerce_to_string=False)
    workers_paid = serializers.IntegerField()


class ReportClueListView(ListAPIView):
    """报表下钻:某一数字背后的线索清单(仅限本人可查看的线索)。"""

    serializer_class = ReportClueSerializer
    filter_backends = []

    @extend_schema(
        summary="报表下钻线索清单", tags=["reports"],
        parameters=[*PERIOD_PARAMETERS,
                    OpenApiParameter("metric", str, required=True, enum=list(selectors.METRICS)),
                    OpenApiParameter("unit", str, description="承办单位代码"),
                    OpenApiParameter("channel", str, enum=list(Channel.values)),
                    OpenApiParameter("risk_color", str, enum=list(RiskColor.values))])
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)

    def get_queryset(self):
        drill = drilldown_params(self.request.user, self.request.query_params)
        return (selectors.drilldown_queryset(self.request.user, drill.period, drill.metric, unit=drill.unit,
                                             channel=drill.channel, risk_color=drill.risk_color)
                .select_related("unit").order_by("-received_at", "-pk"))
