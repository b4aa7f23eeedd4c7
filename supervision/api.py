"""API of 统一督办: the letters issued (a unit officer: the unit's own), the ladder of one clue, and the figures of
the supervisor's board — so what the board says can be checked from outside."""

import datetime as dt

import django_filters
from django.db.models import Case, IntegerField, Value, When
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import OpenApiResponse, extend_schema, inline_serializer
from rest_framework import mixins, serializers, viewsets
from rest_framework.generics import GenericAPIView
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response

from accounts.roles import CITY_WIDE_ROLES, has_any_role
from clues.selectors import clue_visible_queryset
from core.api import ApplicationError
from units.workdays import SHANGHAI

from . import digests
from .letters import letters_visible_to
from .models import LADDER_ORDER, EscalationStep, Letter


def _day_start(day):
    return dt.datetime.combine(day, dt.time.min, tzinfo=SHANGHAI)


class LetterFilter(django_filters.FilterSet):
    unit = django_filters.CharFilter(label=_("主送单位代码"), field_name="unit__code")
    kind = django_filters.ChoiceFilter(label=_("函件类别"), choices=Letter.Kind.choices)
    issued_from = django_filters.DateFilter(label=_("签发日期起(含)"), method="filter_from")
    issued_to = django_filters.DateFilter(label=_("签发日期止(含)"), method="filter_to")

    class Meta:
        model = Letter
        fields = []

    def filter_from(self, queryset, name, value):
        return queryset.filter(issued_at__gte=_day_start(value))

    def filter_to(self, queryset, name, value):
        return queryset.filter(issued_at__lt=_day_start(value + dt.timedelta(days=1)))


class ProblemSerializer(serializers.Serializer):
    tracking_code = serializers.CharField()
    employer_name = serializers.CharField()
    worker_count = serializers.IntegerField()
    amount_owed = serializers.CharField(help_text="元,两位小数")
    problem = serializers.CharField(help_text="问题清单中该线索的问题")


class LetterSerializer(serializers.ModelSerializer):
    unit = serializers.SlugRelatedField(slug_field="code", read_only=True, help_text="主送单位代码")
    unit_name = serializers.CharField(source="unit.name", read_only=True)
    problems = ProblemSerializer(many=True, read_only=True)
    clues = serializers.SerializerMethodField()
    downloads = serializers.SerializerMethodField()

    class Meta:
        model = Letter
        fields = ["id", "number", "kind", "title", "unit", "unit_name", "issued_at", "problems", "clues",
                  "downloads"]
        read_only_fields = fields

    def get_clues(self, letter) -> list[str]:
        return [entry["tracking_code"] for entry in letter.problems]

    def get_downloads(self, letter) -> dict:
        request = self.context["request"]
        return {fmt: request.build_absolute_uri(reverse("supervision:letter_download", args=[letter.pk, fmt]))
                for fmt in ("pdf", "docx")}


@extend_schema(tags=["supervision"])
class LetterViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """督办函件: 提醒函、督办函、约谈函、移交函, with the 问题清单 as issued. A unit officer sees the unit's own."""

    serializer_class = LetterSerializer
    permission_classes = [IsAuthenticated]
    filterset_class = LetterFilter
    ordering_fields = ["issued_at"]
    ordering = ["-issued_at", "-pk"]
    lookup_value_regex = r"\d+"

    def get_queryset(self):
        return letters_visible_to(self.request.user, Letter.objects.select_related("unit")).order_by(
            "-issued_at", "-pk")


class EscalationSerializer(serializers.ModelSerializer):
    clock = serializers.CharField(source="deadline_kind", help_text="claim | response | close | retransfer")
    rung = serializers.CharField(source="step", help_text="warn | reminder | supervision | summons | referral")
    deadline = serializers.DateTimeField(source="deadline_at")
    unit = serializers.SerializerMethodField(help_text="责任单位代码;为空表示市级受理环节")
    letter = serializers.CharField(source="letter.number", default=None, help_text="函件文号")

    class Meta:
        model = EscalationStep
        fields = ["id", "clock", "rung", "deadline", "due_at", "state", "taken_at", "unit", "letter"]
        read_only_fields = fields

    def get_unit(self, step) -> str | None:
        return step.unit.code if step.unit_id else None


@extend_schema(tags=["supervision"], summary="一条线索的督办步骤",
               responses={200: EscalationSerializer(many=True),
                          404: OpenApiResponse(description="线索不存在或无权查看")})
class ClueEscalationsView(GenericAPIView):
    """Every rung of every clock of one clue: pending (the next one), taken, superseded (covered by a higher
    rung taken at once), cancelled (the clock stopped)."""

    permission_classes = [IsAuthenticated]
    serializer_class = EscalationSerializer
    pagination_class = None
    filter_backends = []

    def get(self, request, pk):
        clue = get_object_or_404(clue_visible_queryset(request.user), pk=pk)
        rank = Case(*[When(step=step, then=Value(index)) for index, step in enumerate(LADDER_ORDER)],
                    output_field=IntegerField())
        steps = (EscalationStep.objects.filter(clue=clue).select_related("unit", "letter").annotate(rank=rank)
                 .order_by("deadline_kind", "deadline_at", "rank", "pk"))
        return Response(EscalationSerializer(steps, many=True).data)


BOARD_SCHEMA = inline_serializer("SupervisionBoard", fields={
    "overdue": serializers.ListField(child=serializers.DictField()),
    "overdue_totals": serializers.DictField(),
    "unclaimed": serializers.ListField(child=serializers.DictField()),
    "letters": LetterSerializer(many=True),
    "referrals": serializers.DictField(),
    "outbox_failed": serializers.IntegerField(),
})


@extend_schema(tags=["supervision"], summary="督办看板数据", responses={200: BOARD_SCHEMA})
class SupervisionBoardView(GenericAPIView):
    """The figures of the supervisor's board (/supervision/): overdue clues by unit and rung, 认领不及时,
    the latest letters, the referral packages and failed deliveries. City staff only."""

    permission_classes = [IsAuthenticated]
    pagination_class = None
    filter_backends = []
    serializer_class = LetterSerializer

    def get(self, request):
        if not has_any_role(request.user, CITY_WIDE_ROLES):
            raise ApplicationError(_("督办看板仅供督办员、受理员和管理员查看。"), code="permission_denied",
                                   status_code=403)
        matrix = digests.overdue_matrix()
        totals = digests.matrix_totals(matrix)
        steps = [str(step) for step in digests.MATRIX_STEPS]
        return Response({
            "overdue": [{"unit": row["code"] or None, "name": str(row["name"]),
                         **{step: n for step, _label, n in row["cells"]},
                         "pending": row["pending"], "total": row["total"]} for row in matrix],
            "overdue_totals": {**dict(zip(steps, totals["cells"], strict=True)), "pending": totals["pending"],
                               "total": totals["total"]},
            "unclaimed": [{"unit": row["code"], "name": row["name"], "unclaimed_now": row["now"],
                           "oldest_deadline": row["oldest"], "missed_30_days": row["missed_30d"]}
                          for row in digests.unclaimed_by_unit()],
            "letters": LetterSerializer(digests.latest_letters(), many=True, context={"request": request}).data,
            "referrals": digests.referral_counts(),
            "outbox_failed": digests.outbox_failed_count(),
        })
