"""Responsibility letters: signed once, within their period, and the share signed per level."""
from datetime import date

import pytest

from safecommunity.errors import FieldInvalid, IllegalTransition
from services.projects.letters import Letter, shares


def letter(level="community", party="C1", period=(date(2026, 1, 1), date(2026, 12, 31)), **details):
    return Letter.issue(kind="safety_responsibility", level=level, issuer="S1", party=party, period_from=period[0],
                        period_to=period[1], targets=["零死亡 zero deaths"], **details)


def test_a_letter_is_signed_once_within_its_period_with_an_event_naming_no_one():
    signed = letter()
    signed.sign(date(2026, 3, 1), actor="wang.office")
    assert (signed.signed_on, signed.signed_by) == (date(2026, 3, 1), "wang.office")
    [(type_, data)] = signed.collect_events()
    assert type_ == "letter.signed"
    assert (data["level"], data["party_code"], data["target_count"]) == ("community", "C1", 1)
    assert "wang" not in str(data) and "零死亡" not in str(data)
    with pytest.raises(IllegalTransition):
        signed.sign(date(2026, 3, 2))
    with pytest.raises(FieldInvalid, match="signed_on"):
        letter().sign(date(2027, 1, 1))
    with pytest.raises(FieldInvalid, match="period_to"):
        letter(period=(date(2026, 6, 1), date(2026, 5, 1)))


def test_the_share_signed_is_counted_per_level_for_the_letters_whose_period_touches_the_year():
    streets = [letter("street", f"S{n}") for n in range(4)]
    for street in streets[:3]:
        street.sign(date(2026, 2, 1))
    units = [letter("unit", "U1"), letter("unit", "U2", period=(date(2025, 1, 1), date(2025, 12, 31)))]
    found = {row["level"]: row for row in shares(streets + units, 2026)["levels"]}
    assert (found["street"]["issued"], found["street"]["signed"], found["street"]["share"]) == (4, 3, 75.0)
    assert (found["unit"]["issued"], found["unit"]["share"]) == (1, 0.0)  # last year's letter does not count
    assert found["district"] == {"level": "district", "issued": 0, "signed": 0, "share": None}
