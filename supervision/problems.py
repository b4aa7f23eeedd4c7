"""The words of a problem in a letter's 问题清单 or a referral package: one clock of one clue, breached."""

from django.utils import timezone
from django.utils.translation import gettext as _

from clues.clocks import CLOCK_LABELS


def problem_text(deadline_kind, deadline_at):
    """“办结期限(03月17日)已超期”."""
    return _("%(deadline)s(%(when)s)已超期") % {
        "deadline": CLOCK_LABELS[deadline_kind], "when": timezone.localtime(deadline_at).strftime("%m月%d日")}
