"""Pages of 统一督办: the supervisor's board, the letters of a unit, one letter and its downloads."""

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_POST

from accounts.roles import CITY_WIDE_ROLES, Role, has_any_role
from clues.lifecycle import clue_url
from clues.selectors import can_see_all_clues
from core.api import ApplicationError
from units.models import Unit

from . import digests, letters, referrals
from .models import Letter, ReferralPackage

CONTENT_TYPES = {"pdf": "application/pdf",
                 "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document"}


def _may_see_board(user):
    return has_any_role(user, CITY_WIDE_ROLES)


def _forbidden(request, message):
    return render(request, "clues/forbidden.html", {"message": message}, status=403)


class LetterFilterForm(forms.Form):
    """The letters filter of the board: kind and addressed unit (unit code)."""

    kind = forms.ChoiceField(label=gettext_lazy("函件类别"), required=False,
                             choices=[("", gettext_lazy("全部类别")), *Letter.Kind.choices])
    unit = forms.ChoiceField(label=gettext_lazy("主送单位"), required=False)

    def __init__(self, *args, units, **kwargs):
        super().__init__(*args, **kwargs)
        self.units_by_code = {u.code: u for u in units}
        self.fields["unit"].choices = [("", _("全部单位"))] + [(u.code, u.name) for u in units]
        self.fields["unit"].error_messages["invalid_choice"] = _("没有这个单位,请从列表中选择。")
        self.fields["kind"].error_messages["invalid_choice"] = _("没有这种函件类别,请从列表中选择。")

    def filters(self):
        """{"kind", "unit"} of the valid fields; an invalid one is shown as an error and ignored."""
        if not self.is_bound:
            return {"kind": "", "unit": None}
        self.is_valid()
        data = getattr(self, "cleaned_data", {})
        return {"kind": data.get("kind", ""), "unit": self.units_by_code.get(data.get("unit") or "")}


@login_required
@require_GET
def board(request):
    """督办看板: overdue clues by unit and rung, 认领不及时, letters issued, deliveries to look at."""
    if not _may_see_board(request.user):
        return _forbidden(request, _("督办看板仅供督办员、受理员和管理员查看。"))
    units = list(Unit.objects.exclude(kind=Unit.Kind.CITY).order_by("sort_order", "code"))
    form = LetterFilterForm(request.GET or None, units=units)
    chosen = form.filters()
    matrix = digests.overdue_matrix()
    return render(request, "supervision/board.html", {
        "matrix": matrix,
        "matrix_totals": digests.matrix_totals(matrix),
        "matrix_steps": [digests.MATRIX_LABELS[step] for step in digests.MATRIX_STEPS],
        "all_overdue_url": digests.clue_list_url(overdue="1"),
        "unclaimed": digests.unclaimed_by_unit(),
        "letter_form": form,
        "letters": digests.latest_letters(kind=chosen["kind"], unit=chosen["unit"]),
        "referrals": digests.referrals_needing_attention(),
        "referral_counts": digests.referral_counts(),
        "outbox_failed": digests.outbox_failed_count(),
        "outbox_admin_url": reverse("admin:notifications_outboxmessage_changelist") + "?state__exact=failed",
    })


@login_required
@require_POST
def referral_resend(request, pk):
    """重新发送: deliver one referral package now, then back to the board with the outcome."""
    if not _may_see_board(request.user):
        return _forbidden(request, _("只有督办员、受理员和管理员可以重新发送移交包。"))
    package = get_object_or_404(ReferralPackage.objects.select_related("letter"), pk=pk)
    try:
        package = referrals.referral_resend(package)
    except ApplicationError as exc:
        messages.error(request, exc.message)
    else:
        if package.state == ReferralPackage.State.DELIVERED:
            messages.success(request, _("移交包 %(number)s 已送达。") % {"number": package.letter.number})
        else:
            messages.error(request, _("移交包 %(number)s 发送未成功:%(error)s") % {
                "number": package.letter.number, "error": package.last_error})
    return redirect(reverse("supervision:board") + "#referrals")


def _may_see_unit(user, unit):
    return can_see_all_clues(user) or (user.has_role(Role.OFFICER) and user.unit_id == unit.pk)


@login_required
@require_GET
def unit_letters(request, code):
    """The letters addressed to one unit: city staff, and that unit's officers (anyone else: not found)."""
    unit = get_object_or_404(Unit, code=code)
    if not _may_see_unit(request.user, unit):
        raise Http404
    return render(request, "supervision/letters/unit_letters.html", {
        "unit": unit, "letters": letters.letters_for_unit(unit)})


def _visible_letter(request, pk):
    return get_object_or_404(letters.letters_visible_to(request.user, Letter.objects.select_related("unit")),
                             pk=pk)


@login_required
@require_GET
def letter_detail(request, pk):
    letter = _visible_letter(request, pk)
    rows = letters.letter_rows(letter)
    for row in rows:
        row["url"] = clue_url(row["clue"]) if row["clue"] else ""
    referral = ReferralPackage.objects.filter(letter=letter).first()
    return render(request, "supervision/letters/detail.html", {
        "letter": letter, "rows": rows, "referral": referral, "issuer": letters.issuer(),
        "may_see_board": _may_see_board(request.user)})


@login_required
@require_GET
def letter_download(request, pk, fmt):
    """The letter's PDF or DOCX, rendered now if the background task has not (yet) stored it."""
    if fmt not in CONTENT_TYPES:
        raise Http404
    letter = _visible_letter(request, pk)
    field = letters.ensure_letter_file(letter, fmt)
    response = FileResponse(field.open("rb"), content_type=CONTENT_TYPES[fmt], as_attachment=True,
                            filename=f"{letter.number}.{fmt}")
    response["Cache-Control"] = "private, no-store"
    return response


@login_required
@require_GET
def referral_xlsx(request, pk):
    """The XLSX of a referral package (board viewers only)."""
    if not _may_see_board(request.user):
        raise Http404
    package = get_object_or_404(ReferralPackage.objects.select_related("letter"), pk=pk)
    if not package.xlsx:
        raise Http404
    try:
        handle = package.xlsx.open("rb")
    except FileNotFoundError:
        raise Http404 from None
    response = FileResponse(handle, as_attachment=True, filename=f"{package.letter.number}.xlsx",
                            content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
    response["Cache-Control"] = "private, no-store"
    return response
