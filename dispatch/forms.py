"""Forms of the staff workspaces: list filters, saved filters, bulk transfer and one form per lifecycle move.

The forms only parse what was typed (numbers, dates, choices); the business rules — what a move requires and
whether it is allowed now — are the lifecycle's, whose ApplicationError the view puts next to the fields.
"""

import datetime as dt

from django import forms
from django.http import QueryDict
from django.utils.translation import gettext_lazy as _

from clues.lifecycle import TEXT_LIMITS
from clues.models import Channel, HandlingRecord, Result, RiskColor, Status
from units.models import Unit

from .selectors import SAVED_FILTER_PAGES, clean_query

DATETIME_INPUT_FORMATS = ["%Y-%m-%dT%H:%M", "%Y-%m-%dT%H:%M:%S", "%Y-%m-%d %H:%M", "%Y-%m-%d %H:%M:%S"]
# Dates outside these bounds are typing errors (and year 1 or 9999 would overflow the time-zone arithmetic).
EARLIEST_DATE = dt.date(2000, 1, 1)
LATEST_DATE = dt.date(2099, 12, 31)


def _check_date(value):
    day = value.date() if isinstance(value, dt.datetime) else value
    if day is not None and not EARLIEST_DATE <= day <= LATEST_DATE:
        raise forms.ValidationError(_("日期应在%(start)s至%(end)s之间。")
                                    % {"start": EARLIEST_DATE.year, "end": LATEST_DATE.year})
    return value


def _blank(label):
    return [("", label)]


def unit_choices(units, *, blank=None):
    """Units grouped 旗县市区 / 行业部门 for a <select> with <optgroup>s."""
    blank = blank or _("请选择承办单位")
    groups = []
    for kind in (Unit.Kind.DISTRICT, Unit.Kind.DEPARTMENT):
        members = [(u.code, u.name) for u in units if u.kind == kind]
        if members:
            groups.append((kind.label, members))
    return [("", blank), *groups]


def _textarea(rows=2, placeholder=""):
    attrs = {"rows": rows}
    if placeholder:
        attrs["placeholder"] = placeholder
    return forms.Textarea(attrs=attrs)


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, **kwargs):
        super().__init__(format="%Y-%m-%d", **kwargs)


class DateTimeInput(forms.DateTimeInput):
    input_type = "datetime-local"

    def __init__(self, **kwargs):
        super().__init__(format="%Y-%m-%dT%H:%M", **kwargs)


# --- list filters ---------------------------------------------------------------------------------------

class OneOrManySelect(forms.SelectMultiple):
    """A drop-down of one value that also takes the value repeated (?status=received&status=assigned, as the
    old clue list wrote it in bookmarks); shown as a multiple select only then, so what filters is what shows."""

    def get_context(self, name, value, attrs):
        context = super().get_context(name, value, attrs)
        if len([v for v in context["widget"]["value"] if v]) <= 1:
            context["widget"]["attrs"].pop("multiple", None)
        return context


def _one_or_many(label, blank, choices):
    return forms.MultipleChoiceField(label=label, required=False, choices=_blank(blank) + list(choices),
                                     widget=OneOrManySelect)


class ClueFilterForm(forms.Form):
    """The GET filters of the triage queue and the all-clues list; unit codes become Unit rows."""

    q = forms.CharField(label=_("关键词"), required=False, max_length=100, widget=forms.TextInput(
        attrs={"placeholder": _("用人单位、项目、姓名、查询码或手机号")}))
    status = _one_or_many(_("状态"), _("全部状态"), Status.choices)
    risk_color = _one_or_many(_("风险等级"), _("全部等级"), RiskColor.choices)
    channel = _one_or_many(_("来源渠道"), _("全部渠道"), Channel.choices)
    district = forms.ChoiceField(label=_("务工所在地"), required=False)
    suggested_department = forms.ChoiceField(label=_("建议行业部门"), required=False)
    unit = forms.ChoiceField(label=_("承办单位"), required=False)
    unit_kind = forms.ChoiceField(
        label=_("承办单位类别"), required=False,
        choices=_blank(_("全部类别")) + [(Unit.Kind.DISTRICT, Unit.Kind.DISTRICT.label),
                                        (Unit.Kind.DEPARTMENT, Unit.Kind.DEPARTMENT.label)])
    overdue = forms.ChoiceField(label=_("超期"), required=False,
                                choices=[("", _("不限")), ("1", _("仅看已超期")), ("0", _("仅看未超期"))])
    received_from = forms.DateField(label=_("收到日期起"), required=False, widget=DateInput(),
                                    validators=[_check_date])
    received_to = forms.DateField(label=_("收到日期止"), required=False, widget=DateInput(),
                                  validators=[_check_date])
    ordering = forms.ChoiceField(label=_("排序"), required=False, choices=[
        ("", _("收到时间(新→旧)")), ("received_at", _("收到时间(旧→新)")),
        ("next_deadline_at", _("最近期限(先到期在前)")), ("-next_deadline_at", _("最近期限(后到期在前)")),
        ("close_deadline", _("办结期限(先到期在前)")), ("-close_deadline", _("办结期限(后到期在前)"))])

    def __init__(self, *args, units, **kwargs):
        super().__init__(*args, **kwargs)
        self.units_by_code = {u.code: u for u in units}
        districts = [(u.code, u.name) for u in units if u.kind == Unit.Kind.DISTRICT]
        departments = [(u.code, u.name) for u in units if u.kind == Unit.Kind.DEPARTMENT]
        self.fields["district"].choices = _blank(_("全部旗县市区")) + districts
        self.fields["suggested_department"].choices = _blank(_("全部行业部门")) + departments
        self.fields["unit"].choices = unit_choices(units, blank=_("全部承办单位"))

    def clean(self):
        data = super().clean()
        start, end = data.get("received_from"), data.get("received_to")
        if start and end and start > end:
            self.add_error("received_to", _("截止日期不能早于起始日期。"))
        return data

    def filters(self):
        """The valid filters (an invalid one is shown as an error and ignored), units as Unit rows."""
        if not self.is_bound:
            return {}
        self.is_valid()
        data = dict(getattr(self, "cleaned_data", {}))
        for name in ("district", "suggested_department", "unit"):
            if data.get(name):
                data[name] = self.units_by_code.get(data[name])
        for name in ("status", "risk_color", "channel"):
            # The blank choice ("全部…") posted beside a value means nothing.
            data[name] = [value for value in data.get(name) or [] if value]
        return data


class SavedFilterForm(forms.Form):
    name = forms.CharField(label=_("名称"), max_length=60,
                           error_messages={"required": _("请为这个筛选起个名字。")})
    page = forms.ChoiceField(choices=[(p, p) for p in SAVED_FILTER_PAGES], widget=forms.HiddenInput)
    query = forms.CharField(required=False, max_length=500, widget=forms.HiddenInput)

    def clean_name(self):
        return self.cleaned_data["name"].strip()

    def clean_query(self):
        # Only the filters are kept: no page number, no keys the lists do not know.
        return clean_query(QueryDict(self.cleaned_data.get("query") or ""))


# --- lifecycle moves ------------------------------------------------------------------------------------

class TransferForm(forms.Form):
    unit = forms.ChoiceField(label=_("承办单位"), required=False)
    note = forms.CharField(label=_("转办意见"), required=False, max_length=TEXT_LIMITS["note"], widget=_textarea())

    def __init__(self, *args, units, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["unit"].choices = unit_choices(units)


class BulkTransferForm(forms.Form):
    clues = forms.TypedMultipleChoiceField(coerce=int, required=True, widget=forms.MultipleHiddenInput,
                                           error_messages={"required": _("请至少勾选一条线索。")})
    unit = forms.ChoiceField(label=_("承办单位"), required=True,
                             error_messages={"required": _("请选择承办单位。")})

    def __init__(self, *args, units, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["unit"].choices = unit_choices(units)
        # Any number may be posted; which clues exist and may be moved is the view's and lifecycle's word.
        values = self.data.getlist("clues") if hasattr(self.data, "getlist") else []
        self.fields["clues"].choices = [(v, v) for v in values if v.isdigit() and len(v) <= 18]
        self.fields["clues"].error_messages["invalid_choice"] = _("所选线索编号无效。")


class RecordForm(forms.Form):
    kind = forms.ChoiceField(label=_("类别"), required=False,
                             choices=_blank(_("请选择")) + HandlingRecord.Kind.choices)
    note = forms.CharField(label=_("办理情况"), required=False,
                           max_length=TEXT_LIMITS["record_note"], widget=_textarea(3))
    occurred_at = forms.DateTimeField(label=_("发生时间"), required=False,
                                      input_formats=DATETIME_INPUT_FORMATS, widget=DateTimeInput(),
                                      help_text=_("不填为现在(北京时间)"), validators=[_check_date])
    amount = forms.DecimalField(label=_("支付金额(元)"), required=False, max_digits=14, decimal_places=2,
                                min_value=0)
    workers = forms.IntegerField(label=_("支付人数"), required=False, min_value=0, max_value=100000)


class ReturnForm(forms.Form):
    reason = forms.CharField(label=_("退回理由"), required=False, max_length=TEXT_LIMITS["reason"], widget=_textarea())


class ResolveForm(forms.Form):
    result = forms.ChoiceField(label=_("核处结论"), required=False,
                               choices=_blank(_("请选择")) + Result.choices)
    amount_recovered = forms.DecimalField(label=_("追回金额(元)"), required=False, max_digits=14,
                                          decimal_places=2, min_value=0)
    workers_paid = forms.IntegerField(label=_("兑付人数"), required=False, min_value=0, max_value=100000)
    note = forms.CharField(label=_("办理情况"), required=False,
                           max_length=TEXT_LIMITS["resolution_note"], widget=_textarea(3))


class ReviewForm(forms.Form):
    decision = forms.ChoiceField(choices=[("approve", _("审核通过")), ("reject", _("审核退回"))],
                                 error_messages={"required": _("请选择通过或退回。"),
                                                 "invalid_choice": _("请选择通过或退回。")})
    reason = forms.CharField(label=_("审核意见"), required=False, max_length=TEXT_LIMITS["reason"], widget=_textarea())


class FollowupForm(forms.Form):
    satisfied = forms.ChoiceField(label=_("回访结果"), required=False, widget=forms.RadioSelect,
                                  choices=[("yes", _("满意")), ("no", _("不满意"))])
    note = forms.CharField(label=_("回访意见"), required=False,
                           max_length=TEXT_LIMITS["followup_note"], widget=_textarea())

    def clean_satisfied(self):
        return {"yes": True, "no": False}.get(self.cleaned_data.get("satisfied"))


class ReopenForm(forms.Form):
    note = forms.CharField(label=_("重新办理说明"), required=False, max_length=TEXT_LIMITS["note"], widget=_textarea())


class MergeForm(forms.Form):
    into = forms.CharField(label=_("合并至(查询码或编号)"), required=False, max_length=40)


class EmptyForm(forms.Form):
    """Moves with nothing to type (claim)."""
