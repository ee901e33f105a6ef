"""The injury card: code tables, the rule table, amendments, accidents, disputes. No I/O."""
from datetime import datetime, timedelta, timezone

import pytest

from safecommunity.errors import IllegalTransition
from services.incidents.codes import CODE_TABLES, CONTRACT_LISTS, codes, from_card_number
from services.incidents.domain import Accident, InjuryCase, PublicOrderEvent
from services.incidents.rules import RULES, check_case, rule_table, warnings_for

NOW = datetime(2026, 11, 1, 12, 0, tzinfo=timezone.utc)
CARD = {"source": "h1", "external_id": "A-1", "grid_code": "G1", "injury_time": NOW - timedelta(hours=2),
        "visit_time": NOW - timedelta(hours=1), "sex": "female", "age": 81, "residence_type": "permanent",
        "cause": "fall", "intent": "unintentional", "place": "home", "activity": "housework",
        "nature": "fracture", "body_part": "lower_limb", "severity": "severe", "outcome": "admitted",
        "description": "fell in the bathroom", "education": "primary"}


def test_every_code_list_the_events_use_has_labels_in_both_languages():
    for name, contract in CONTRACT_LISTS.items():
        assert codes(name) == contract, name
    for name, rows in CODE_TABLES.items():
        assert all(row["zh"] and row["en"] for row in rows), name
        assert len(codes(name)) == len(set(codes(name))), name


def test_a_hospital_export_may_use_the_card_numbers():
    assert from_card_number("cause", "3") == "fall" and from_card_number("cause", "fall") == "fall"
    assert from_card_number("place", 5) == "road" and from_card_number("place", "99") == "99"


@pytest.mark.parametrize("changes, field, reason", [
    ({"injury_time": NOW}, "injury_time", "must not be after visit_time"),
    ({"visit_time": NOW + timedelta(hours=1), "injury_time": NOW}, "visit_time", "must not be in the future"),
    ({"report_time": NOW - timedelta(hours=3)}, "visit_time", "must not be after report_time"),
    ({"cause": "drowning"}, "body_part", "must be whole_body for suffocation, drowning or poisoning"),
    ({"cause": "burn_scald"}, "nature", "must be burn for a burn or scald"),
    ({"transport_mode": "e_bike"}, "cause", "transport_mode only for traffic causes"),
    ({"cause": "cut_pierce", "fall_type": "stairs"}, "cause", "fall_type only for fall causes"),
    ({"outcome": "died", "severity": "moderate"}, "severity", "a case that died is severe"),
])
def test_each_error_rule_names_its_field_and_reason(changes, field, reason):
    assert check_case({**CARD, **changes}, now=NOW) == {field: [reason]}


def test_a_sound_card_passes_and_warnings_never_block():
    assert check_case(CARD, now=NOW) == {} and warnings_for(CARD, now=NOW) == {}
    traffic = {**CARD, "cause": "motor_vehicle", "transport_mode": "e_bike", "education": None}
    assert check_case(traffic, now=NOW) == {}
    assert warnings_for(traffic, now=NOW) == {
        "place": ["a traffic injury is usually on a road while driving or riding"],
        "education": ["expected for a patient aged 6 or more"]}


def test_the_rule_table_lists_every_rule_once():
    assert len({row["id"] for row in rule_table()}) == len(RULES)
    assert {row["level"] for row in rule_table()} == {"error", "warning"}


def test_the_reported_event_carries_no_identity_or_free_text():
    case = InjuryCase.report(**CARD)
    [(type_, data)] = case.collect_events()
    assert type_ == "injury.reported"
    assert data["case_id"] == case.id and data["cause"] == "fall" and data["grid_code"] == "G1"
    assert {"external_id", "description", "education"}.isdisjoint(data)
    assert case.details == {"education": "primary"}


def test_a_correction_is_a_new_version_of_the_same_case_with_the_old_one_kept():
    case = InjuryCase.report(**CARD)
    case.collect_events()
    changed = case.amend({**CARD, "severity": "moderate", "education": "junior"}, "h1", "typo")
    assert changed == ["severity", "education"] and case.version == 2
    [(type_, data)] = case.collect_events()
    assert type_ == "injury.amended" and data["version"] == 2 and data["severity"] == "moderate"
    [step] = case.collect_history()
    assert step.details["previous"]["severity"] == "severe" and step.reason == "typo"
    assert case.amend({**CARD, "severity": "moderate", "education": "junior"}, "h1", "again") == []


def test_an_accident_with_three_deaths_is_mass_casualty():
    fields = {"source": "police", "external_id": "T-1", "kind": "traffic", "occurred_at": NOW, "injuries": 1}
    assert Accident.report(deaths=3, **fields).mass_casualty
    assert not Accident.report(deaths=0, **fields).mass_casualty
    assert Accident.report(deaths=0, mass_casualty=True, **fields).mass_casualty


def test_a_dispute_goes_warned_investigated_mediated_in_order():
    fields = {"source": "police", "external_id": "D-1", "occurred_at": NOW}
    dispute = PublicOrderEvent.report(kind="dispute", **fields)
    assert dispute.stage == "warned"
    with pytest.raises(IllegalTransition):
        dispute.advance("mediated", "li")
    dispute.advance("investigated", "li")
    dispute.advance("mediated", "li", note="agreement signed")
    assert dispute.stage == "mediated" and len(dispute.collect_history()) == 2
    told = [(type_, data.get("stage")) for type_, data in dispute.collect_events()]
    assert told == [("public_order.reported", None), ("public_order.advanced", "investigated"),
                    ("public_order.advanced", "mediated")]
    with pytest.raises(IllegalTransition):
        PublicOrderEvent.report(kind="burglary", **fields).advance("investigated", "li")


def test_a_csv_row_becomes_a_card_with_codes_and_offsets():
    from services.incidents.cli import card_from_row
    row = {"external_id": " H-1 ", "age": "70", "cause": "3", "place": "5", "visit_time": "2026-11-01 09:00",
           "education": "", "injury_time": "yesterday"}
    card = card_from_row(row, "city-hospital", timezone(timedelta(hours=8)))
    assert card == {"external_id": "H-1", "age": 70, "cause": "fall", "place": "road", "source": "city-hospital",
                    "visit_time": datetime(2026, 11, 1, 9, 0, tzinfo=timezone(timedelta(hours=8))),
                    "injury_time": "yesterday"}  # left for the schema to name and refuse
