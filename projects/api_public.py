"""The worker's own wage check in the public API: the ID number and mobile number on the payroll → what the
project's payroll says was due and paid to that worker, month by month, and nothing else. No account, rate
limited per client address like tracking; a wrong pair (or project) is one neutral 404.
"""

from collections.abc import Mapping

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import serializers
from rest_framework.parsers import FormParser, JSONParser
from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from rest_framework.views import APIView

from core.api import ApplicationError
from core.ratelimit import PublicRateThrottle

from . import selectors


class WageCheckInput(serializers.Serializer):
    id_number = serializers.CharField(help_text=gettext_lazy("工资表上的18位身份证号"))
    phone = serializers.CharField(help_text=gettext_lazy("工资表上的手机号码"))


class WageMonthSerializer(serializers.Serializer):
    month = serializers.CharField(help_text="YYYY-MM")
    wage_due = serializers.DecimalField(max_digits=12, decimal_places=2, allow_null=True,
                                        help_text=gettext_lazy("应发工资;null 表示该月工资表中没有这一行"))
    wage_paid = serializers.DecimalField(max_digits=12, decimal_places=2, allow_null=True)
    paid_on = serializers.DateField(allow_null=True)


class WageCheckSerializer(serializers.Serializer):
    months = WageMonthSerializer(many=True)


def _not_found():
    return ApplicationError(_("身份证号或手机号不正确,或该项目的工资表中没有您的记录。"), code="not_found",
                            status_code=404)


class WageCheckView(APIView):
    """A worker's months on the project whose QR code they scanned (public_id)."""

    authentication_classes = []
    permission_classes = [AllowAny]
    throttle_classes = [PublicRateThrottle]
    parser_classes = [JSONParser, FormParser]
    rate_limit_scope = "api_wages"

    @extend_schema(tags=["public"], operation_id="public_wage_check", request=WageCheckInput,
                   responses={200: WageCheckSerializer,
                              400: OpenApiResponse(description=gettext_lazy("缺少身份证号或手机号")),
                              404: OpenApiResponse(description=gettext_lazy("身份证号与手机号不匹配,或没有记录")),
                              429: OpenApiResponse(description=gettext_lazy("请求过于频繁"))})
    def post(self, request, public_id):
        if not isinstance(request.data, Mapping):
            raise serializers.ValidationError({"non_field_errors": [_("请求内容应为一个JSON对象。")]})
        serializer = WageCheckInput(data=request.data)
        serializer.is_valid(raise_exception=True)
        project = selectors.project_by_public_id(public_id)
        months = None
        if project is not None:
            months = selectors.find_worker_wages(project, id_number=serializer.validated_data["id_number"],
                                                 phone=serializer.validated_data["phone"])
        if months is None:
            raise _not_found()
        return Response(WageCheckSerializer({"months": [
            {"month": f"{m.month:%Y-%m}", "wage_due": m.wage_due, "wage_paid": m.wage_paid, "paid_on": m.paid_on}
            for m in months]}).data)
