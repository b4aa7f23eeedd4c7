"""API of the lifecycle: one endpoint per move on a clue, the timeline, and the list of units."""

from django.shortcuts import get_object_or_404
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import mixins, serializers, viewsets
from rest_framework.decorators import action
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response

from clues import lifecycle
from clues.lifecycle import TEXT_LIMITS
from clues.models import Clue, ClueEvent, HandlingRecord, Result
from clues.selectors import clue_visible_queryset
from core.api import ChoiceField, DateTimeField
from units.models import Unit


class UnitSerializer(serializers.ModelSerializer):
    class Meta:
        model = Unit
        fields = ["code", "name", "full_name", "kind"]


class UnitViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """Units that handle clues: 11 districts (GB/T 2260 codes), 18 sector departments and the city office."""

    serializer_class = UnitSerializer
    permission_classes = [IsAuthenticated]
    lookup_field = "code"
    pagination_class = None
    filterset_fields = ["kind"]

    def get_queryset(self):
        return Unit.objects.filter(is_active=True).order_by("sort_order", "code")


class ClueStateSerializer(serializers.ModelSerializer):
    unit = serializers.SlugRelatedField(slug_field="code", read_only=True)
    deadlines = serializers.SerializerMethodField()
    allowed_actions = serializers.SerializerMethodField()

    class Meta:
        model = Clue
        fields = ["id", "tracking_code", "status", "unit", "risk_color", "is_overdue", "next_deadline_at",
                  "deadlines", "result", "amount_recovered", "workers_paid", "merged_into", "version",
                  "allowed_actions"]

    def get_deadlines(self, clue) -> dict:
        return {"claim": clue.claim_deadline, "response": clue.response_deadline,
                "close": clue.close_deadline, "retransfer": clue.retransfer_deadline}

    def get_allowed_actions(self, clue) -> list[str]:
        return sorted(lifecycle.allowed_actions(clue, self.context["request"].user))


class TransferInput(serializers.Serializer):
    unit = serializers.CharField(label=_("承办单位代码"), max_length=32)
    note = serializers.CharField(label=_("转办意见"), max_length=TEXT_LIMITS["note"], required=False, allow_blank=True)
    version = serializers.IntegerField(label=_("线索版本"), required=False, min_value=0, max_value=2**31 - 1,
                                       help_text=_("读取线索时的 version;线索此后有变化则返回409"))


class ReturnInput(serializers.Serializer):
    reason = serializers.CharField(label=_("退回理由"), max_length=TEXT_LIMITS["reason"])


class RecordInput(serializers.Serializer):
    kind = ChoiceField(label=_("类别"), choices=HandlingRecord.Kind.choices)
    note = serializers.CharField(label=_("办理情况"), max_length=TEXT_LIMITS["record_note"])
    occurred_at = DateTimeField(label=_("发生时间"), required=False)
    amount = serializers.DecimalField(label=_("支付金额"), max_digits=14, decimal_places=2, required=False,
                                      min_value=0)
    workers = serializers.IntegerField(label=_("支付人数"), required=False, min_value=0, max_value=100000)


class ResolveInput(serializers.Serializer):
    result = ChoiceField(label=_("核处结论"), choices=Result.choices)
    amount_recovered = serializers.DecimalField(label=_("追回金额"), max_digits=14, decimal_places=2,
                                                required=False, allow_null=True, min_value=0)
    workers_paid = serializers.IntegerField(label=_("兑付人数"), required=False, allow_null=True, min_value=0,
                                            max_value=100000)
    note = serializers.CharField(label=_("办理情况"), max_length=TEXT_LIMITS["resolution_note"],
                                 required=False, allow_blank=True)


class ReviewInput(serializers.Serializer):
    approve = serializers.BooleanField(label=_("是否通过"))
    reason = serializers.CharField(label=_("审核意见"),
                                   max_length=TEXT_LIMITS["reason"], required=False, allow_blank=True)


class FollowupInput(serializers.Serializer):
    satisfied = serializers.BooleanField(label=_("是否满意"))
    note = serializers.CharField(label=_("回访意见"), max_length=TEXT_LIMITS["followup_note"],
                                 required=False, allow_blank=True)


class ReopenInput(serializers.Serializer):
    note = serializers.CharField(label=_("说明"), max_length=TEXT_LIMITS["note"], required=False, allow_blank=True)


class MergeInput(serializers.Serializer):
    into = serializers.IntegerField(label=_("原线索ID"), min_value=1)


class EventSerializer(serializers.ModelSerializer):
    actor = serializers.SerializerMethodField()
    actor_unit = serializers.SlugRelatedField(slug_field="code", read_only=True)
    kind_display = serializers.CharField(source="get_kind_display", read_only=True)

    class Meta:
        model = ClueEvent
        fields = ["id", "kind", "kind_display", "at", "actor", "actor_unit", "from_status", "to_status",
                  "note", "public_note", "is_public", "data"]

    def get_actor(self, event) -> str | None:
        return event.actor.display_name if event.actor_id else None


def _move_schema(request=None, summary=""):
    return extend_schema(request=request, summary=summary, tags=["clue lifecycle"],
                         responses={200: ClueStateSerializer,
                                    400: OpenApiResponse(description="输入有误或不能进行此操作"),
                                    403: OpenApiResponse(description="无权进行此操作"),
                                    404: OpenApiResponse(description="线索不存在或无权查看"),
                                    409: OpenApiResponse(description="线索状态已变化")})


class ClueActionViewSet(viewsets.GenericViewSet):
    """The moves of the clue lifecycle; each checks on the server that the user may see and act on it. The
    clue is looked up before the input is read, so a clue the user may not see is a 404 whatever was sent."""

    serializer_class = ClueStateSerializer
    permission_classes = [IsAuthenticated]
    lookup_value_regex = r"\d+"

    def get_queryset(self):
        return clue_visible_queryset(self.request.user).select_related("unit")

    def _clue(self, pk):
        return get_object_or_404(self.get_queryset(), pk=pk)

    def _input(self, serializer_class):
        serializer = serializer_class(data=self.request.data)
        serializer.is_valid(raise_exception=True)
        return serializer.validated_data

    def _state(self, clue):
        return Response(ClueStateSerializer(clue, context={"request": self.request}).data)

    @_move_schema(TransferInput, "转办")
    @action(detail=True, methods=["post"])
    def transfer(self, request, pk=None):
        clue = self._clue(pk)
        data = self._input(TransferInput)
        clue = lifecycle.transfer(clue=clue, unit=data["unit"], note=data.get("note", ""), by=request.user,
                                  version=data.get("version"))
        return self._state(clue)

    @_move_schema(None, "认领")
    @action(detail=True, methods=["post"])
    def claim(self, request, pk=None):
        return self._state(lifecycle.claim(clue=self._clue(pk), by=request.user))

    @_move_schema(ReturnInput, "退回")
    @action(detail=True, methods=["post"], url_path="return", url_name="return")
    def return_to_triage(self, request, pk=None):
        clue = self._clue(pk)
        data = self._input(ReturnInput)
        return self._state(lifecycle.return_to_triage(clue=clue, by=request.user, reason=data["reason"]))

    @extend_schema(methods=["get"], responses=EventSerializer(many=True), tags=["clue lifecycle"],
                   summary="办理记录")
    @_move_schema(RecordInput, "添加办理记录")
    @action(detail=True, methods=["get", "post"])
    def records(self, request, pk=None):
        clue = self._clue(pk)
        if request.method == "GET":
            events = clue.events.filter(kind=ClueEvent.Kind.RECORD).select_related("actor", "actor_unit")
            return Response(EventSerializer(events, many=True).data)
        data = self._input(RecordInput)
        return self._state(lifecycle.add_record(clue=clue, by=request.user, **data))

    @_move_schema(ResolveInput, "办结")
    @action(detail=True, methods=["post"])
    def resolve(self, request, pk=None):
        clue = self._clue(pk)
        data = self._input(ResolveInput)
        return self._state(lifecycle.resolve(clue=clue, by=request.user, **data))

    @_move_schema(ReviewInput, "审核")
    @action(detail=True, methods=["post"])
    def review(self, request, pk=None):
        clue = self._clue(pk)
        data = self._input(ReviewInput)
        return self._state(lifecycle.review(clue=clue, by=request.user, approve=data["approve"],
                                            reason=data.get("reason", "")))

    @_move_schema(FollowupInput, "回访")
    @action(detail=True, methods=["post"])
    def followup(self, request, pk=None):
        clue = self._clue(pk)
        data = self._input(FollowupInput)
        return self._state(lifecycle.followup(clue=clue, by=request.user, **data))

    @_move_schema(ReopenInput, "重新办理")
    @action(detail=True, methods=["post"])
    def reopen(self, request, pk=None):
        clue = self._clue(pk)
        data = self._input(ReopenInput)
        clue = lifecycle.reopen(clue=clue, by=request.user, note=data.get("note", ""))
        return self._state(clue)

    @_move_schema(MergeInput, "合并重复线索")
    @action(detail=True, methods=["post"])
    def merge(self, request, pk=None):
        clue = self._clue(pk)
        data = self._input(MergeInput)
        into = get_object_or_404(self.get_queryset(), pk=data["into"])
        return self._state(lifecycle.merge(clue=clue, into=into, by=request.user))

    @extend_schema(responses=EventSerializer(many=True), tags=["clue lifecycle"], summary="时间线")
    @action(detail=True, methods=["get"])
    def events(self, request, pk=None):
        clue = self._clue(pk)
        events = clue.events.select_related("actor", "actor_unit").order_by("at", "pk")
        return Response(EventSerializer(events, many=True).data)
