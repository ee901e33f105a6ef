from datetime import date

import pytest

from services.registry.codes import (
    CodeInvalid,
    check_credit_code,
    check_phone,
    id_check_char,
    mask_id_number,
    mask_name,
    mask_phone,
    parse_id_number,
)


def test_a_valid_id_number_gives_its_birth_date_and_sex():
    assert parse_id_number("11010519491231002x") == ("11010519491231002X", date(1949, 12, 31), "female")
    assert parse_id_number("11010519491231001" + id_check_char("11010519491231001"))[2] == "male"


@pytest.mark.parametrize("number, reason", [
    ("11010519491231002", "18 characters"),
    ("110105194912310021", "check digit"),
    ("110105194913310020", "check digit"),
    ("11010519491331002A", "18 characters"),
])
def test_a_bad_id_number_says_why(number, reason):
    with pytest.raises(CodeInvalid, match=reason):
        parse_id_number(number)


def test_an_id_number_with_an_impossible_birth_date_is_refused():
    first17 = "11010519490230003"  # 30 February
    with pytest.raises(CodeInvalid, match="birth date"):
        parse_id_number(first17 + id_check_char(first17))


def test_credit_codes_are_checked_per_gb_32100():
    assert check_credit_code("91350100m000100y43") == "91350100M000100Y43"
    with pytest.raises(CodeInvalid, match="GB 32100"):
        check_credit_code("91350100M000100Y44")
    with pytest.raises(CodeInvalid, match="18 characters"):
        check_credit_code("91350100M000100Z43")  # Z is not in the code's alphabet


def test_phones_are_normalised_or_refused():
    assert check_phone("+86 138 1234 5678") == "13812345678"
    assert check_phone("025-84561234") == "025-84561234"
    with pytest.raises(CodeInvalid):
        check_phone("12345")


def test_masks_keep_too_little_to_identify_anyone():
    assert mask_id_number("11010519491231002X") == "11**************2X"
    assert mask_phone("13812345678") == "138****5678"
    assert mask_name("欧阳娜娜") == mask_name("欧阳") == "欧**"
