"""The public API for workers' apps and partner sites: file a clue, follow its progress, rate the result.

No authentication (so no CSRF), rate limited per client address, errors in the API's one format. The field
rules are those of the public form (clues.public_forms.clean_public_clue).
"""

import logging
from collections.abc import Mapping

from django.conf import settings
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import serializers, status
from rest_framework.parsers import FormParser, JSONParser, MultiPartParser
from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from rest_framework.views import APIView

from core.api import ApplicationError
from core.ratelimit import PublicRateThrottle

from .lifecycle import TEXT_LIMITS
from .models import Channel
from .public_forms import (
    API_CONFIRM_HINT,
    clean_public_clue,
    file_public_clue,
    find_tracked_clue,
    public_progress,
    satisfied_value,
    submit_followup,
    usable_text,
    valid_client_key,
)

IDEMPOTENCY_HEADER = "Idempotency-Key"
logger = logging.getLogger(__name__)


# --- schema: what a client sends and gets back --------------------------------------------------------------

class PublicClueRequestSerializer(serializers.Serializer):
    """Documents the request; the checking itself is clean_public_clue(), shared with the public form."""

    employer_name = serializers.CharField(max_length=200, help_text=gettext_lazy("用人单位(必填)"))
    employer_credit_code = serializers.CharField(
        required=False, allow_blank=True, help_text=gettext_lazy("统一社会信用代码(选填;校验位不符只提示,不拒收)"))
    project_code = serializers.CharField(required=False, allow_blank=True,
                                         help_text=gettext_lazy("登记的工程项目编号(选填)"))
    project_name = serializers.CharField(required=False, allow_blank=True, max_length=200,
                                         help_text=gettext_lazy("项目名称(选填,找不到登记项目时填写)"))
    work_address = serializers.CharField(required=False, allow_blank=True, max_length=200)
    district_code = serializers.CharField(required=False, allow_blank=True,
                                          help_text=gettext_lazy("旗县市区代码(GB/T 2260),如 150921"))
    complainant_name = serializers.CharField(max_length=50)
    complainant_phone = serializers.CharField(help_text=gettext_lazy("11位手机号码"))
    complainant_id_number = serializers.CharField(required=False, allow_blank=True,
                                                  help_text=gettext_lazy("18位身份证号(选填)"))
    worker_count = serializers.IntegerField(min_value=1)
    amount_owed = serializers.DecimalField(max_digits=14, decimal_places=2, min_value=0,
                                           help_text=gettext_lazy("欠薪金额(元),最多两位小数"))
    owed_from = serializers.CharField(required=False, allow_blank=True, help_text="YYYY-MM")
    owed_to = serializers.CharField(required=False, allow_blank=True, help_text="YYYY-MM")
    description = serializers.CharField(required=False, allow_blank=True, max_length=2000)
    attachments = serializers.ListField(
        child=serializers.FileField(), required=False, max_length=5,
        help_text=gettext_lazy("仅 multipart/form-data:最多5个 JPEG/PNG/PDF,每个不超过10MB"))
    consent = serializers.BooleanField(help_text=gettext_lazy("同意个人信息处理说明,必须为 true"))
    confirm_amount = serializers.BooleanField(
        required=False, default=False,
        help_text=gettext_lazy("金额无误。平均每人每月欠薪(金额 ÷ 人数 ÷ 起止月数,未填起始月份按12个月计)高于研判规则"
                               "的上限(默认30000元)时必须为 true,否则返回 400,错误在 amount_owed"))


class PublicClueCreatedSerializer(serializers.Serializer):
    tracking_code = serializers.CharField()
    status = serializers.CharField()
    track_url = serializers.URLField()
    warnings = serializers.DictField(child=serializers.ListField(child=serializers.CharField()))


class TimelineItemSerializer(serializers.Serializer):
    at = serializers.DateTimeField()
    title = serializers.CharField()
    text = serializers.CharField(allow_blank=True)


class DeadlinesSerializer(serializers.Serializer):
    claim = serializers.DateTimeField(allow_null=True)
    response = serializers.DateTimeField(allow_null=True)
    close = serializers.DateTimeField(allow_null=True)


class FollowupStateSerializer(serializers.Serializer):
    open = serializers.BooleanField(help_text=gettext_lazy("现在能否评价"))
    satisfied = serializers.BooleanField(allow_null=True)
    note = serializers.CharField(allow_blank=True)
    at = serializers.DateTimeField(allow_null=True)


class PublicProgressSerializer(serializers.Serializer):
    tracking_code = serializers.CharField()
    status = serializers.CharField()
    status_label = serializers.CharField()
    status_text = serializers.CharField()
    unit = serializers.CharField(allow_blank=True)
    merged_into = serializers.CharField(allow_blank=True,
                                        help_text=gettext_lazy("已合并时为原线索的查询码,进度显示原线索的"))
    result = serializers.CharField(allow_blank=True)
    result_text = serializers.CharField(allow_blank=True, help_text=gettext_lazy("办结后用平实的话说明办理结果"))
    amount_recovered = serializers.DecimalField(max_digits=14, decimal_places=2, allow_null=True,
                                                help_text=gettext_lazy("办结后追回的工资(元)"))
    workers_paid = serializers.IntegerField(allow_null=True, help_text=gettext_lazy("办结后拿到工资的人数"))
    timeline = TimelineItemSerializer(many=True)
    deadlines = DeadlinesSerializer()
    followup = FollowupStateSerializer()


class FollowupRequestSerializer(serializers.Serializer):
    phone = serializers.CharField()
    satisfied = serializers.BooleanField()
    note = serializers.CharField(required=False, allow_blank=True, max_length=TEXT_LIMITS["followup_note"],
                                 help_text=gettext_lazy("不满意时必填"))


# --- views ----------------------------------------------------------------------------------------------

def _not_found():
    return ApplicationError(_("查询码或手机号不正确"), code="not_found", status_code=404)


def _track_url(code):
    return f"{settings.SITE_BASE_URL}{reverse('public:track')}?{urlencode({'code': code})}"


def _progress_body(clue):
    progress = public_progress(clue)
    return PublicProgressSerializer({
        "tracking_code": progress["tracking_code"],
        "status": progress["status"],
        "status_label": progress["status_label"],
        "status_text": progress["status_text"],
        "unit": progress["unit"],
        "merged_into": progress["merged_into_code"],
        "result": progress["result"],
        "result_text": progress["result_text"],
        "amount_recovered": progress["amount_recovered"],
        "workers_paid": progress["workers_paid"],
        "timeline": progress["timeline"],
        "deadlines": {item["name"]: item["at"] for item in progress["deadlines"]},
        "followup": progress["followup"],
    }).data


def _body(data):
    if not isinstance(data, Mapping):
        raise serializers.ValidationError({"non_field_errors": [_("请求内容应为一个JSON对象。")]})
    return data


class PublicAPIView(APIView):
    authentication_classes = []
    permission_classes = [AllowAny]
    throttle_classes = [PublicRateThrottle]


class PublicClueCreateView(PublicAPIView):
    """File a wage-arrears clue without an account (channel web); an SMS with the tracking code follows."""

    parser_classes = [JSONParser, MultiPartParser, FormParser]
    rate_limit_scope = "api_submit"

    @extend_schema(
        tags=["public"], operation_id="public_clue_create",
        parameters=[OpenApiParameter(IDEMPOTENCY_HEADER, OpenApiTypes.STR, OpenApiParameter.HEADER,
                                     description=_("同一个键重复提交只建一条线索,第二次返回200和同一查询码"))],
        request={"application/json": PublicClueRequestSerializer,
                 "multipart/form-data": PublicClueRequestSerializer},
        responses={201: PublicClueCreatedSerializer,
                   200: OpenApiResponse(PublicClueCreatedSerializer, description=_("重复提交,返回原线索")),
                   400: OpenApiResponse(description=_("字段错误,按字段列出")),
                   422: OpenApiResponse(description=_("同一个 Idempotency-Key 用于了不同的内容")),
                   429: OpenApiResponse(description=_("请求过于频繁"))})
    def post(self, request):
        key = request.headers.get(IDEMPOTENCY_HEADER)
        if key is not None and not valid_client_key(key):
            message = _("Idempotency-Key 应为1到200个可见ASCII字符。")
            raise serializers.ValidationError({IDEMPOTENCY_HEADER: [message]})
        data = _body(request.data)
        files = request.FILES.getlist("attachments") if hasattr(request.FILES, "getlist") else []
        if not hasattr(data, "getlist") and data.get("attachments") not in (None, "", []):
            raise serializers.ValidationError({"attachments": [_("附件请用 multipart/form-data 上传。")]})
        checked = clean_public_clue(data, files, confirm_hint=API_CONFIRM_HINT)
        if checked.errors:
            raise serializers.ValidationError(checked.errors)
        clue, created = file_public_clue(checked, channel=Channel.WEB, client_key=key, source="api")
        body = PublicClueCreatedSerializer({
            "tracking_code": clue.tracking_code, "status": clue.status,
            "track_url": _track_url(clue.tracking_code), "warnings": checked.warnings}).data
        return Response(body, status=status.HTTP_201_CREATED if created else status.HTTP_200_OK)


PHONE_HEADER = "X-Complainant-Phone"


class ProgressRequestSerializer(serializers.Serializer):
    phone = serializers.CharField(help_text=gettext_lazy("提交线索时填写的手机号码"))


class PublicClueProgressView(PublicAPIView):
    """The progress of a clue, for its tracking code and the mobile number it was filed with. Send the number
    in the X-Complainant-Phone header (GET) or the body (POST): a query string ends up in access logs."""

    parser_classes = [JSONParser, FormParser]
    rate_limit_scope = "api_track"

    @extend_schema(
        tags=["public"], operation_id="public_clue_progress",
        parameters=[OpenApiParameter(PHONE_HEADER, OpenApiTypes.STR, OpenApiParameter.HEADER, required=False,
                                     description=_("提交线索时填写的手机号码")),
                    OpenApiParameter("phone", OpenApiTypes.STR, OpenApiParameter.QUERY, required=False,
                                     deprecated=True,
                                     description=_("已弃用:手机号会留在访问日志中,请改用请求头或POST"))],
        responses={200: PublicProgressSerializer,
                   404: OpenApiResponse(description=_("查询码或手机号不正确(不区分哪一项)")),
                   429: OpenApiResponse(description=_("请求过于频繁"))})
    def get(self, request, tracking_code):
        phone = request.headers.get(PHONE_HEADER)
        if phone is None and "phone" in request.query_params:
            logger.warning("deprecated: GET %s with the phone in the query string; use the %s header or POST",
                           request.path, PHONE_HEADER)
            phone = request.query_params.get("phone", "")
        response = self._progress(tracking_code, phone or "")
        if phone is not None and PHONE_HEADER not in request.headers:
            response["Deprecation"] = "true"
        return response

    @extend_schema(
        tags=["public"], operation_id="public_clue_progress_post", request=ProgressRequestSerializer,
        responses={200: PublicProgressSerializer,
                   404: OpenApiResponse(description=_("查询码或手机号不正确(不区分哪一项)")),
                   429: OpenApiResponse(description=_("请求过于频繁"))})
    def post(self, request, tracking_code):
        phone = _body(request.data).get("phone")
        return self._progress(tracking_code, phone if isinstance(phone, str) else "")

    def _progress(self, tracking_code, phone):
        clue = find_tracked_clue(tracking_code, phone)
        if clue is None:
            raise _not_found()
        return Response(_progress_body(clue))


class PublicFollowupView(PublicAPIView):
    """一事一回访: the worker rates the result of a closed clue (once per closing)."""

    parser_classes = [JSONParser, FormParser, MultiPartParser]
    rate_limit_scope = "api_track"

    @extend_schema(tags=["public"], operation_id="public_clue_followup", request=FollowupRequestSerializer,
                   responses={200: PublicProgressSerializer,
                              404: OpenApiResponse(description=_("查询码或手机号不正确")),
                              409: OpenApiResponse(description=_("本次办结已评价,或暂不能评价"))})
    def post(self, request, tracking_code):
        data = _body(request.data)
        phone = data.get("phone")
        clue = find_tracked_clue(tracking_code, phone if isinstance(phone, str) else "")
        if clue is None:
            raise _not_found()
        satisfied = satisfied_value(data.get("satisfied"))
        note = data.get("note", "")
        errors = {}
        if satisfied is None:
            errors["satisfied"] = [_("请选择满意(true)或不满意(false)。")]
        if note is None:
            note = ""
        if not usable_text(note):
            errors["note"] = [_("格式不正确,请填写文字。")]
        if errors:
            raise serializers.ValidationError(errors)
        submit_followup(clue, satisfied=satisfied, note=note)
        clue.refresh_from_db()
        return Response(_progress_body(clue))
