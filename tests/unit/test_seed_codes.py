"""The demo seed's credit codes are ones the registry accepts (the seed holds them as data)."""
from safecommunity.seed import CREDIT_CODES
from services.registry.codes import credit_check_char


def test_every_seeded_credit_code_has_its_check_character_and_none_is_repeated():
    assert all(len(code) == 18 and credit_check_char(code[:17]) == code[17] for code in CREDIT_CODES)
    assert len(set(CREDIT_CODES)) == len(CREDIT_CODES)
