from datetime import datetime, timedelta, timezone

from services.incidents.domain import InjuryCase, check_case

NOW = datetime(2026, 11, 1, 12, 0, tzinfo=timezone.utc)
CARD = {"source": "h1", "external_id": "A-1", "grid_code": "G1", "injury_time": NOW - timedelta(hours=2),
        "visit_time": NOW - timedelta(hours=1), "sex": "female", "age": 81, "residence_type": "permanent",
        "cause": "fall", "intent": "unintentional", "place": "home", "activity": "housework",
        "nature": "fracture", "body_part": "lower_limb", "severity": "severe", "outcome": "admitted",
        "description": "fell in the bathroom"}


def test_a_sound_card_passes_the_rules():
    assert check_case(CARD, now=NOW) == {}


def test_an_injury_after_the_visit_is_refused():
    card = {**CARD, "injury_time": CARD["visit_time"] + timedelta(minutes=1)}
    assert check_case(card, now=NOW) == {"injury_time": ["must not be after visit_time"]}


def test_a_visit_in_the_future_is_refused_beyond_a_little_clock_skew():
    assert check_case({**CARD, "visit_time": NOW + timedelta(minutes=2)}, now=NOW) == {}
    assert "visit_time" in check_case({**CARD, "visit_time": NOW + timedelta(hours=1)}, now=NOW)


def test_a_death_must_be_severe():
    card = {**CARD, "outcome": "died", "severity": "moderate"}
    assert check_case(card, now=NOW) == {"severity": ["a case that died is severe"]}


def test_the_reported_event_carries_no_identity_or_free_text():
    case = InjuryCase.report(**CARD)
    [(type_, data)] = case.collect_events()
    assert type_ == "injury.reported"
    assert data["case_id"] == case.id and data["cause"] == "fall" and data["grid_code"] == "G1"
    assert "external_id" not in data and "description" not in data
