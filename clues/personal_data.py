"""Complainants' ID and mobile numbers (个人信息保护法): masked everywhere, full only on a recorded request.

Pages, the API and exports all go through this module, so what counts as "seen in full" is decided once.
"""

from dataclasses import dataclass

from django.utils.translation import gettext_lazy as _

from core.identity import mask_mobile, mask_resident_id

from .models import PersonalDataView
from .selectors import can_see_personal_data

PHONE = "complainant_phone"
ID_NUMBER = "complainant_id_number"
PERSONAL_FIELDS = (PHONE, ID_NUMBER)

VIA_PAGE = "page"
VIA_API = "api"
VIA_EXPORT = "export"

FIELD_LABELS = {PHONE: _("手机号"), ID_NUMBER: _("身份证号")}


def masked_phone(value):
    return mask_mobile(value)


def masked_id_number(value):
    return mask_resident_id(value)


def masked_values(clue):
    """{field: masked value} for one clue; what every list and a default detail shows."""
    return {PHONE: masked_phone(clue.complainant_phone), ID_NUMBER: masked_id_number(clue.complainant_id_number)}


@dataclass(frozen=True)
class PersonalData:
    complainant_phone: str
    complainant_id_number: str
    revealed: bool  # True: the values are in full and the view was recorded
    can_reveal: bool  # whether this user may ask for the full values

    def as_dict(self):
        return {PHONE: self.complainant_phone, ID_NUMBER: self.complainant_id_number}


def personal_data_for(clue, user, *, reveal=False, via=VIA_PAGE):
    """The complainant's phone and ID number as `user` may see them now.

    Masked unless `reveal` is asked for and the user may see the clue; a full view is recorded as a
    PersonalDataView row naming the fields that actually held something.
    """
    allowed = bool(user and user.is_authenticated) and can_see_personal_data(user, clue)
    if reveal and allowed:
        record_view(user, clue, via=via)
        return PersonalData(complainant_phone=clue.complainant_phone,
                            complainant_id_number=clue.complainant_id_number, revealed=True, can_reveal=True)
    masked = masked_values(clue)
    return PersonalData(complainant_phone=masked[PHONE], complainant_id_number=masked[ID_NUMBER],
                        revealed=False, can_reveal=allowed)


def record_view(user, clue, *, via=VIA_PAGE, fields=None):
    """Write down that `user` saw `fields` of `clue` in full (default: the fields that are not blank)."""
    if fields is None:
        fields = [name for name in PERSONAL_FIELDS if getattr(clue, name)]
    if not fields:
        return None
    return PersonalDataView.objects.create(clue=clue, user=user, fields=",".join(fields), via=via)


def record_views(user, clues, *, via=VIA_EXPORT):
    """One row per clue for a bulk full view (an export with personal data), in one query."""
    rows = []
    for clue in clues:
        fields = [name for name in PERSONAL_FIELDS if getattr(clue, name)]
        if fields:
            rows.append(PersonalDataView(clue=clue, user=user, fields=",".join(fields), via=via))
    PersonalDataView.objects.bulk_create(rows)
    return len(rows)
