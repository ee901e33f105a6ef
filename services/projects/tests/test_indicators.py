"""Indicators' rules, without I/O: what counts, where, in which month, and when a value is news."""
import itertools
import random

import pytest

from services.projects.indicators import Indicator, Matcher, accepts, age_band, below, within

PARENTS = {"G1": "C1", "G2": "C1", "C1": "ST", "C2": "ST", "G3": "C2", "ST": None, "OTHER": None}
FALLS = {"event": "injury.reported", "where": {"cause": ["fall"], "place": ["home"], "age": {"min": 60}}}


def case(**changes):
    return {"case_id": "c1", "grid_code": "G1", "injury_time": "2026-03-31T23:30:00+08:00", "cause": "fall",
            "place": "home", "age": 78, **changes}


def falls(**changes):
    definition = {"code": "falls", "name": "Falls", "counts": FALLS, "per": {"residents": {"age": {"min": 60}}},
                  "factor": 1000, "grids": ["C1"], "target": {"value": 8.5, "direction": "at_most"}, **changes}
    return Indicator.define("p1", "lead", **definition)


def test_a_condition_is_a_list_of_values_or_a_numeric_range():
    assert accepts(["fall", "cut_pierce"], "fall") and not accepts(["fall"], "burn_scald")
    assert accepts({"min": 60}, 60) and accepts({"max": 14}, 3) and not accepts({"min": 60, "max": 79}, 80)
    assert not accepts({"min": 60}, None) and not accepts({"min": 0}, True)


def test_a_grid_scope_holds_its_grids_and_every_grid_below_them():
    assert within("G1", {"C1"}, PARENTS) and within("G3", {"ST"}, PARENTS) and not within("G3", {"C1"}, PARENTS)
    assert within(None, set(), PARENTS) and not within(None, {"ST"}, PARENTS)
    assert below(["C1"], PARENTS) == {"C1", "G1", "G2"} and below([], PARENTS) is None
    assert within("LOOP", {"ST"}, {"LOOP": "LOOP"}) is False  # a cycle in bad data ends, never loops


def test_a_matching_case_counts_in_the_site_month_of_its_injury_not_the_utc_one():
    assert falls().counted_month(case(), PARENTS) == "2026-03"
    assert falls().counted_month(case(injury_time="2026-03-31T16:30:00+00:00"), PARENTS) == "2026-04"


@pytest.mark.parametrize("changes", [{"cause": "burn_scald"}, {"age": 59}, {"place": "road"}, {"grid_code": "G3"},
                                     {"grid_code": None}])
def test_a_case_outside_the_conditions_or_the_grids_does_not_count(changes):
    assert falls().counted_month(case(**changes), PARENTS) is None


def test_a_rate_is_cases_per_its_denominator_times_the_factor_and_none_over_nobody():
    indicator = falls()
    assert indicator.figure(3, 400) == 7.5 and indicator.figure(3, 0) is None and indicator.figure(3, None) is None
    plain = Indicator.define("p1", code="n", name="N", counts=FALLS)
    assert plain.figure(3, None) == 3 and plain.factor == 1


def test_a_share_is_a_percentage_unless_the_site_sets_a_factor():
    share = Indicator.define("p1", code="s", name="S", share={"of": "occurrences"})
    assert share.factor == 100 and share.figure(3, 4) == 75 and share.kind == "share_of_occurrences"
    assert Indicator.define("p1", code="s", name="S", share={"of": "occurrences"}, factor=1).figure(3, 4) == 0.75


def test_a_ceiling_is_met_at_or_below_it_and_a_floor_at_or_above_it():
    assert falls().on_target(8.5) and not falls().on_target(8.6) and falls().on_target(None) is None
    floor = falls(target={"value": 95, "direction": "at_least"})
    assert floor.on_target(95) and not floor.on_target(94.9)
    assert falls(target=None).on_target(1) is None


def test_a_new_value_records_indicator_updated_and_the_same_value_records_nothing():
    indicator = falls()
    first = indicator.revalue(None, "2026-03", 3.0, 400.0)
    [(type_, data)] = indicator.collect_events()
    assert type_ == "indicator.updated" and data["value"] == 7.5 and data["on_target"] is True
    assert data["month"] == "2026-03" and data["target"] == 8.5 and data["direction"] == "at_most"
    assert indicator.revalue(first, "2026-03", 3.0, 400.0) is first and indicator.collect_events() == []
    moved = indicator.revalue(first, "2026-03", 4.0, 400.0)
    assert moved.value == 10 and indicator.collect_events()[0][1]["on_target"] is False


def test_an_age_band_is_birth_years_for_the_months_year():
    assert age_band({"min": 60}, "2026-05") == (None, 1966)
    assert age_band({"min": 60, "max": 79}, "2027-01") == (1948, 1967)
    assert age_band(None, "2026-05") is None



def test_the_matcher_finds_exactly_the_indicators_that_count_an_event_as_each_would_alone():
    rng = random.Random(7)
    causes, places, scopes = ("fall", "burn_scald", "animal"), ("home", "road"), ([], ["C1"], ["ST"], ["G3"], ["OTHER"])
    indicators = []
    for n, (cause, scope) in enumerate(itertools.product(causes + (None,), scopes)):
        where = {"place": [rng.choice(places)]} if n % 2 else {"age": {"min": 60}}
        if cause:
            where["cause"] = [cause, "cut_pierce"] if n % 3 else [cause]
        indicators.append(Indicator.define("p", code=f"i{n}", name="I", grids=scope,
                                           counts={"event": "injury.reported", "where": where}))
    matcher = Matcher("injury.reported", indicators, PARENTS)
    assert matcher.key == "cause" and matcher.rest
    for _ in range(300):
        data = case(cause=rng.choice(causes + ("cut_pierce",)), place=rng.choice(places), age=rng.randint(50, 70),
                    grid_code=rng.choice(list(PARENTS) + [None, "UNKNOWN"]))
        expected = {(i.id, i.counted_month(data, PARENTS)) for i in indicators if i.counted_month(data, PARENTS)}
        assert {(i.id, month) for i, month in matcher.counting(data)} == expected
