"""Clue lists: the base query every list starts from, and the filters and orderings staff can apply."""

import datetime as dt

import django_filters
from django.db.models import Prefetch, Q
from django.utils.translation import gettext_lazy as _

from units.models import Unit
from units.workdays import SHANGHAI

from .models import Channel, Clue, DuplicateCandidate, RiskColor, Status
from .selectors import clue_visible_queryset, visible_duplicate_candidates

# ?ordering= values: the deadline columns a triage desk sorts by, and the receipt time.
ORDERING_FIELDS = ("next_deadline_at", "received_at", "close_deadline")


def clue_list_queryset(user):
    """The clues `user` may see, with everything a list row shows loaded in a fixed number of queries."""
    candidates = visible_duplicate_candidates(user, DuplicateCandidate.objects.select_related("match")) \
        .order_by("pk")
    return (clue_visible_queryset(user)
            .select_related("unit", "district", "project", "suggested_district", "suggested_department",
                            "created_by")
            .prefetch_related(Prefetch("duplicate_candidates", queryset=candidates))
            .order_by("-received_at", "-pk"))


def _day_start(day):
    return dt.datetime.combine(day, dt.time.min, tzinfo=SHANGHAI)


class ClueFilter(django_filters.FilterSet):
    status = django_filters.MultipleChoiceFilter(label=_("状态"), choices=Status.choices)
    unit = django_filters.CharFilter(label=_("承办单位代码"), field_name="unit__code")
    district = django_filters.CharFilter(label=_("务工所在旗县市区代码"), field_name="district__code")
    unit_kind = django_filters.ChoiceFilter(
        label=_("承办单位类别"), field_name="unit__kind",
        choices=[(Unit.Kind.DISTRICT, Unit.Kind.DISTRICT.label),
                 (Unit.Kind.DEPARTMENT, Unit.Kind.DEPARTMENT.label)])
    risk_color = django_filters.MultipleChoiceFilter(label=_("风险等级"), choices=RiskColor.choices)
    overdue = django_filters.BooleanFilter(label=_("已超期"), field_name="is_overdue")
    channel = django_filters.MultipleChoiceFilter(label=_("来源渠道"), choices=Channel.choices)
    received_after = django_filters.DateFilter(label=_("收到日期起(含)"), method="filter_received_after")
    received_before = django_filters.DateFilter(label=_("收到日期止(含)"), method="filter_received_before")
    q = django_filters.CharFilter(label=_("关键词"), method="filter_text",
                                  help_text=_("用人单位、项目名称、反映人姓名或查询码"))

    class Meta:
        model = Clue
        fields = []

    def filter_received_after(self, queryset, name, value):
        # Calendar days are Asia/Shanghai days: a clue received at 00:30 Beijing time belongs to that day.
        return queryset.filter(received_at__gte=_day_start(value))

    def filter_received_before(self, queryset, name, value):
        return queryset.filter(received_at__lt=_day_start(value + dt.timedelta(days=1)))

    def filter_text(self, queryset, name, value):
        text = value.strip()
        if not text:
            return queryset
        match = (Q(employer_name__icontains=text) | Q(project_name__icontains=text)
                 | Q(project__name__icontains=text) | Q(complainant_name__icontains=text)
                 | Q(tracking_code__iexact=text) | Q(external_id=text))
        return queryset.filter(match)
