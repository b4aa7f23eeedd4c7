"""Validation, normalisation and masking of resident IDs, unified social credit codes and phone numbers."""

import datetime
import re
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

# Lazy messages: this module must be importable (and its validators callable) before settings exist,
# e.g. in pure unit tests; the text is only translated when someone renders it.
RESIDENT_ID_FORMAT_MESSAGE = _("身份证号码应为18位,最后一位可以是数字或X")
RESIDENT_ID_BIRTH_DATE_MESSAGE = _("身份证号码中的出生日期无效")
RESIDENT_ID_BIRTH_DATE_RANGE_MESSAGE = _("身份证号码中的出生日期不在合理范围内(不能早于1900年或晚于今天)")
RESIDENT_ID_CHECKSUM_MESSAGE = _("身份证号码校验位不正确,请核对")

CREDIT_CODE_FORMAT_MESSAGE = _("统一社会信用代码应为18位数字或大写字母(不含I、O、Z、S、V)")
CREDIT_CODE_CHECKSUM_WARNING = _("统一社会信用代码校验位不符,请核对(部分早期试点代码可能如此)")

MOBILE_MESSAGE = _("请输入11位手机号码,例如 13800138000")
LANDLINE_MESSAGE = _("请输入带区号的固定电话,例如 0474-8123456")
PHONE_MESSAGE = _("请输入手机号码或带区号的固定电话")

# Error codes, so callers (and tests) can branch without comparing translated text.
CODE_FORMAT = "format"
CODE_BIRTH_DATE = "birth_date"
CODE_BIRTH_DATE_RANGE = "birth_date_range"
CODE_CHECKSUM = "checksum"


def _clean(value) -> str:
    # Form fields hand over None for blank input and spreadsheets hand over ints; treat both as text.
    if value is None:
        return ""
    return str(value).strip()


# --- Resident ID (GB 11643-1999) -------------------------------------------------------------------

_RESIDENT_ID_RE = re.compile(r"^\d{17}[\dX]$")
_RESIDENT_ID_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
_RESIDENT_ID_CHECK_CHARS = "10X98765432"
# Nobody alive and owed wages was born earlier; older dates are typing errors.
_EARLIEST_BIRTH_DATE = datetime.date(1900, 1, 1)


@dataclass(frozen=True)
class ResidentId:
    number: str
    region_code: str
    birth_date: datetime.date
    sex: str  # "male" / "female"


def resident_id_check_char(first17: str) -> str:
    """Check character (0-9 or X) for the first 17 digits of a resident ID."""
    if not (len(first17) == 17 and first17.isascii() and first17.isdigit()):
        raise ValueError("resident ID body must be exactly 17 ASCII digits")
    total = sum(int(digit) * weight for digit, weight in zip(first17, _RESIDENT_ID_WEIGHTS, strict=True))
    return _RESIDENT_ID_CHECK_CHARS[total % 11]


def parse_resident_id(value) -> ResidentId:
    """Parse an 18-character resident ID; raise ValidationError (code format/birth_date/...) if invalid."""
    number = _clean(value).upper()
    # Only 18-character IDs: the 15-digit first-generation cards expired in 2013.
    if not _RESIDENT_ID_RE.match(number):
        raise ValidationError(RESIDENT_ID_FORMAT_MESSAGE, code=CODE_FORMAT)

    # The date is checked before the check digit so a typo in the date part gets the more precise message.
    try:
        birth_date = datetime.date(int(number[6:10]), int(number[10:12]), int(number[12:14]))
    except ValueError:
        raise ValidationError(RESIDENT_ID_BIRTH_DATE_MESSAGE, code=CODE_BIRTH_DATE) from None
    if birth_date < _EARLIEST_BIRTH_DATE or birth_date > datetime.date.today():
        raise ValidationError(RESIDENT_ID_BIRTH_DATE_RANGE_MESSAGE, code=CODE_BIRTH_DATE_RANGE)

    if resident_id_check_char(number[:17]) != number[17]:
        raise ValidationError(RESIDENT_ID_CHECKSUM_MESSAGE, code=CODE_CHECKSUM)

    return ResidentId(
        number=number,
        region_code=number[:6],
        birth_date=birth_date,
        sex="male" if int(number[16]) % 2 else "female",
    )


def validate_resident_id(value) -> None:
    """Django validator: raise ValidationError unless `value` is a valid resident ID."""
    parse_resident_id(value)


def mask_resident_id(value) -> str:
    """Show only the first 4 and last 4 characters, e.g. 1509**********1234."""
    text = _clean(value).upper()
    if not text:
        return ""
    # At 8 characters or fewer, keeping 4 at each end would reveal the whole value.
    if len(text) <= 8:
        return "*" * len(text)
    return text[:4] + "*" * (len(text) - 8) + text[-4:]


# --- Unified social credit code (GB 32100-2015) ----------------------------------------------------

# I, O, Z, S and V are excluded by the standard because they are easily confused with 1, 0, 2, 5 and U.
CREDIT_CODE_ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
_CREDIT_CODE_VALUES = {char: index for index, char in enumerate(CREDIT_CODE_ALPHABET)}
_CREDIT_CODE_WEIGHTS = tuple(pow(3, i, 31) for i in range(17))
_CREDIT_CODE_RE = re.compile(rf"^[{CREDIT_CODE_ALPHABET}]{{18}}$")


@dataclass(frozen=True)
class CreditCodeCheck:
    code: str
    checksum_ok: bool
    warning: str  # "" when the check character matches


def credit_code_check_char(first17: str) -> str:
    """Check character for the first 17 characters of a unified social credit code."""
    body = first17.upper()
    if len(body) != 17 or any(char not in _CREDIT_CODE_VALUES for char in body):
        raise ValueError("credit code body must be 17 characters from the GB 32100 alphabet")
    pairs = zip(body, _CREDIT_CODE_WEIGHTS, strict=True)
    total = sum(_CREDIT_CODE_VALUES[char] * weight for char, weight in pairs)
    return CREDIT_CODE_ALPHABET[(31 - total % 31) % 31]


def check_credit_code(value) -> CreditCodeCheck:
    """Normalise a credit code; raise only if malformed, report a bad check character as a warning."""
    code = _clean(value).upper()
    if not _CREDIT_CODE_RE.match(code):
        raise ValidationError(CREDIT_CODE_FORMAT_MESSAGE, code=CODE_FORMAT)
    # Some codes issued during the early pilots do not satisfy the check, yet they are real and
    # printed on business licences; refusing them would block genuine employers.
    checksum_ok = credit_code_check_char(code[:17]) == code[17]
    warning = "" if checksum_ok else CREDIT_CODE_CHECKSUM_WARNING
    return CreditCodeCheck(code=code, checksum_ok=checksum_ok, warning=warning)


def validate_credit_code(value) -> None:
    """Django validator: raise ValidationError only for a malformed credit code (bad check is allowed)."""
    check_credit_code(value)


# --- Phone numbers ---------------------------------------------------------------------------------

_SEPARATORS_RE = re.compile(r"[\s\-]+")
_MOBILE_RE = re.compile(r"^1[3-9]\d{9}$")
# People paste numbers typed with a Chinese input method, so accept full-width brackets and dashes too.
_FULL_WIDTH = str.maketrans({"（": "(", "）": ")", "－": "-", "—": "-", "＋": "+", "\u3000": " "})

# 010 and 020-029 are the only 3-digit area codes and no 4-digit code starts with 01 or 02,
# so the area code can be split off unambiguously even when no separator was typed.
_AREA = r"0(?:10|2\d|[3-9]\d\d)"
_LANDLINE_RE = re.compile(
    rf"""^
    (?:\(\s*(?P<area_paren>{_AREA})\s*\)|(?P<area>{_AREA}))
    \s*-?\s*
    (?P<number>[2-9]\d{{6,7}})
    (?:\s*(?:-|转)\s*(?P<ext>\d{{1,6}}))?
    $""",
    re.VERBOSE,
)


def normalize_mobile(value) -> str:
    """Return a mainland mobile number as 11 digits, dropping separators and a +86/86/0086 prefix."""
    digits = _SEPARATORS_RE.sub("", _clean(value).translate(_FULL_WIDTH))
    if digits.startswith("+86"):
        digits = digits[3:]
    elif digits.startswith("0086"):
        digits = digits[4:]
    elif digits.startswith("86") and len(digits) == 13:
        # A bare 86 is only a country code when it leaves exactly 11 digits behind.
        digits = digits[2:]
    if not _MOBILE_RE.match(digits):
        raise ValidationError(MOBILE_MESSAGE, code=CODE_FORMAT)
    return digits


def validate_mobile(value) -> None:
    """Django validator: raise ValidationError unless `value` is a mainland mobile number."""
    normalize_mobile(value)


def mask_mobile(value) -> str:
    """Show the first 3 and last 4 digits of a mobile number, e.g. 138****8000."""
    try:
        text = normalize_mobile(value)
    except ValidationError:
        # Still mask malformed input: it is most likely a mistyped number and just as personal.
        text = _clean(value)
    if not text:
        return ""
    if len(text) < 8:
        return "*" * len(text)
    return text[:3] + "*" * (len(text) - 7) + text[-4:]


def normalize_landline(value) -> str:
    """Return a landline as 0474-8123456 (or 0474-8123456-802 with an extension)."""
    match = _LANDLINE_RE.match(_clean(value).translate(_FULL_WIDTH))
    if not match:
        raise ValidationError(LANDLINE_MESSAGE, code=CODE_FORMAT)
    area = match["area_paren"] or match["area"]
    result = f"{area}-{match['number']}"
    if match["ext"]:
        result += f"-{match['ext']}"
    return result


def validate_landline(value) -> None:
    """Django validator: raise ValidationError unless `value` is a landline with area code."""
    normalize_landline(value)


def normalize_phone(value) -> str:
    """Return the normalised mobile or landline number; raise ValidationError if it is neither."""
    for normalize in (normalize_mobile, normalize_landline):
        try:
            return normalize(value)
        except ValidationError:
            pass
    raise ValidationError(PHONE_MESSAGE, code=CODE_FORMAT)


def validate_phone(value) -> None:
    """Django validator: raise ValidationError unless `value` is a mobile or a landline."""
    normalize_phone(value)
