"""Tests for core.identity: resident IDs, credit codes and phone numbers."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from hypothesis import assume, given
from hypothesis import strategies as st

from core import identity
from core.identity import (
    CREDIT_CODE_ALPHABET,
    CREDIT_CODE_CHECKSUM_WARNING,
    check_credit_code,
    credit_code_check_char,
    mask_mobile,
    mask_resident_id,
    normalize_landline,
    normalize_mobile,
    normalize_phone,
    parse_resident_id,
    validate_credit_code,
    validate_mobile,
    validate_phone,
    validate_resident_id,
)

# Error messages are lazy and these tests run without Django settings, so they compare
# error codes and never render a message.

ID_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)


def with_id_check_digit(first17):
    """Independent implementation of the GB 11643 check, so the tests do not trust the module's own."""
    total = sum(int(d) * w for d, w in zip(first17, ID_WEIGHTS, strict=True))
    return first17 + "10X98765432"[total % 11]


def error_code(func, value):
    with pytest.raises(ValidationError) as info:
        func(value)
    return info.value.code


# --- Resident ID ----------------------------------------------------------------------------------


def test_valid_resident_id_built_in_test():
    number = with_id_check_digit("15090219900101123")
    parsed = parse_resident_id(number)
    assert parsed.number == number
    assert parsed.region_code == "150902"
    assert parsed.birth_date == datetime.date(1990, 1, 1)
    assert parsed.sex == "male"  # 17th digit 3 is odd
    assert validate_resident_id(number) is None


def test_real_format_example_is_female_born_1949():
    parsed = parse_resident_id("11010519491231002X")
    assert parsed.number == "11010519491231002X"
    assert parsed.region_code == "110105"
    assert parsed.birth_date == datetime.date(1949, 12, 31)
    assert parsed.sex == "female"


def test_lowercase_x_and_whitespace_accepted():
    parsed = parse_resident_id("  11010519491231002x\n")
    assert parsed.number == "11010519491231002X"


def test_wrong_check_digit():
    assert error_code(parse_resident_id, "110105194912310021") == "checksum"
    assert error_code(validate_resident_id, "110105194912310021") == "checksum"


def test_impossible_birth_date():
    assert error_code(parse_resident_id, with_id_check_digit("15090219900230123")) == "birth_date"
    assert error_code(parse_resident_id, with_id_check_digit("15090219901301123")) == "birth_date"


def test_birth_date_out_of_range():
    assert error_code(parse_resident_id, with_id_check_digit("15090218991231123")) == "birth_date_range"
    assert error_code(parse_resident_id, with_id_check_digit("15090229990101123")) == "birth_date_range"


@pytest.mark.parametrize(
    "value",
    [
        "",
        None,
        "11010519491231002",  # 17
        "11010519491231002X1",  # 19
        "110105491231002",  # old 15-digit card
        "1101051949123100X2",  # X not last
        "11010519491231002Y",
        "110105 19491231002X",  # inner whitespace
        "１１０１０５１９４９１２３１００２Ｘ",  # full-width digits
    ],
)
def test_resident_id_format_errors(value):
    assert error_code(parse_resident_id, value) == "format"


@given(
    region=st.text(alphabet="0123456789", min_size=6, max_size=6),
    birth=st.dates(min_value=datetime.date(1900, 1, 1), max_value=datetime.date.today()),
    sequence=st.text(alphabet="0123456789", min_size=3, max_size=3),
)
def test_any_body_with_valid_date_and_check_digit_validates(region, birth, sequence):
    number = with_id_check_digit(region + birth.strftime("%Y%m%d") + sequence)
    parsed = parse_resident_id(number)
    assert parsed.birth_date == birth
    assert parsed.region_code == region
    assert parsed.sex == ("male" if int(sequence[-1]) % 2 else "female")


@given(
    birth=st.dates(min_value=datetime.date(1900, 1, 1), max_value=datetime.date.today()),
    wrong=st.sampled_from("0123456789X"),
)
def test_any_other_check_digit_is_rejected(birth, wrong):
    number = with_id_check_digit("150902" + birth.strftime("%Y%m%d") + "123")
    assume(wrong != number[-1])
    assert error_code(parse_resident_id, number[:17] + wrong) == "checksum"


@pytest.mark.parametrize(
    ("value", "masked"),
    [
        ("150902199001011234", "1509**********1234"),
        ("11010519491231002x", "1101**********002X"),
        ("123456789", "1234*6789"),
        ("12345678", "********"),
        ("1234567", "*******"),
        ("", ""),
        (None, ""),
    ],
)
def test_mask_resident_id(value, masked):
    assert mask_resident_id(value) == masked


# --- Unified social credit code ---------------------------------------------------------------------


def test_credit_code_weights_match_standard():
    assert identity._CREDIT_CODE_WEIGHTS == (1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28)


def test_public_credit_code_example_is_valid():
    result = check_credit_code("91350100M000100Y43")
    assert result.code == "91350100M000100Y43"
    assert result.checksum_ok is True
    assert result.warning == ""
    assert credit_code_check_char("91350100M000100Y4") == "3"
    assert validate_credit_code("91350100M000100Y43") is None


def test_credit_code_lowercase_and_whitespace_normalised():
    result = check_credit_code(" 91350100m000100y43 ")
    assert result.code == "91350100M000100Y43"
    assert result.checksum_ok is True


def test_broken_credit_code_check_is_a_warning_not_an_error():
    result = check_credit_code("91350100M000100Y44")
    assert result.code == "91350100M000100Y44"
    assert result.checksum_ok is False
    assert result.warning is CREDIT_CODE_CHECKSUM_WARNING
    assert validate_credit_code("91350100M000100Y44") is None


@pytest.mark.parametrize(
    "value",
    [
        "",
        None,
        "91350100M000100Y4",  # 17
        "91350100M000100Y433",  # 19
        "91350100I000100Y43",
        "91350100O000100Y43",
        "91350100S000100Y43",
        "91350100V000100Y43",
        "91350100Z000100Y43",
        "91350100-000100Y43",
        "91350100M000100Y4 3",
    ],
)
def test_malformed_credit_codes_rejected(value):
    assert error_code(check_credit_code, value) == "format"
    assert error_code(validate_credit_code, value) == "format"


def test_credit_code_check_char_rejects_bad_body():
    with pytest.raises(ValueError):
        credit_code_check_char("91350100M000100Y")
    with pytest.raises(ValueError):
        credit_code_check_char("91350100I000100Y4")


def test_credit_code_check_value_31_maps_to_zero():
    # A body whose weighted sum is a multiple of 31 must get "0", not an out-of-range index.
    assert credit_code_check_char("0" * 17) == "0"


credit_bodies = st.text(alphabet=CREDIT_CODE_ALPHABET, min_size=17, max_size=17)


@given(body=credit_bodies, other=st.sampled_from(CREDIT_CODE_ALPHABET))
def test_computed_check_char_passes_and_any_other_fails(body, other):
    check = credit_code_check_char(body)
    assert check in CREDIT_CODE_ALPHABET
    assert check_credit_code(body + check).checksum_ok is True
    assume(other != check)
    result = check_credit_code(body + other)
    assert result.checksum_ok is False
    assert result.warning is CREDIT_CODE_CHECKSUM_WARNING


# --- Phones ---------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "value",
    [
        "13800138000",
        "+86 138-0013-8000",
        "+8613800138000",
        "86 13800138000",
        "0086 138 0013 8000",
        " 138 0013 8000 ",
    ],
)
def test_valid_mobiles(value):
    assert normalize_mobile(value) == "13800138000"
    assert validate_mobile(value) is None
    assert normalize_phone(value) == "13800138000"


@pytest.mark.parametrize(
    "value",
    [
        "",
        None,
        "12345678901",  # second digit 2
        "1380013800",  # 10 digits
        "138001380001",  # 12 digits
        "23800138000",
        "+87 13800138000",
        "1380013800a",
    ],
)
def test_invalid_mobiles(value):
    assert error_code(normalize_mobile, value) == "format"
    assert error_code(validate_mobile, value) == "format"


@pytest.mark.parametrize(
    ("value", "masked"),
    [
        ("13800138000", "138****8000"),
        ("+86 138-0013-8000", "138****8000"),
        ("0474-8123456", "047*****3456"),
        ("123", "***"),
        ("", ""),
        (None, ""),
    ],
)
def test_mask_mobile(value, masked):
    assert mask_mobile(value) == masked


@pytest.mark.parametrize(
    ("value", "normalised"),
    [
        ("0474-8123456", "0474-8123456"),
        ("(0474)8123456", "0474-8123456"),
        ("（0474）8123456", "0474-8123456"),
        ("0474 8123456", "0474-8123456"),
        ("04748123456", "0474-8123456"),
        ("010-62345678", "010-62345678"),
        ("01062345678", "010-62345678"),
        ("021-2345678", "021-2345678"),
        ("0755-82345678", "0755-82345678"),
        ("0474-8123456-802", "0474-8123456-802"),
        ("0474-8123456转802", "0474-8123456-802"),
        ("0474-8123456 转 802", "0474-8123456-802"),
    ],
)
def test_valid_landlines(value, normalised):
    assert normalize_landline(value) == normalised
    assert normalize_phone(value) == normalised
    assert validate_phone(value) is None


@pytest.mark.parametrize(
    "value",
    [
        "",
        "0474-0123456",  # subscriber number starts with 0
        "010-12345678",  # subscriber number starts with 1 (special-service range)
        "8123456",  # no area code
        "474-8123456",  # area code without leading 0
        "0474-812345",  # 6-digit subscriber number
        "0474-812345678",  # 9-digit subscriber number
        "(0474-8123456",
        "0474-8123456-",
    ],
)
def test_invalid_landlines(value):
    assert error_code(normalize_landline, value) == "format"


@pytest.mark.parametrize("value", ["", None, "12345678901", "0474-0123456", "hello"])
def test_invalid_phones(value):
    assert error_code(normalize_phone, value) == "format"
    assert error_code(validate_phone, value) == "format"
