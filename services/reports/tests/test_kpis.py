from collections import Counter

import pytest

from safecommunity.errors import FieldInvalid
from services.reports import kpis


def figures(**overrides):
    base = {"injuries": {("all", ""): 30, ("age_band", "60-79"): 6, ("age_band", "80+"): 4,
                         ("age_band", "0-6"): 1, ("residence_type", "migrant"): 3, ("outcome", "died"): 0},
            "population": {"total": 10000, "age_band": Counter({"60-79": 1500, "80+": 500, "0-6": 400}),
                           "residence_type": Counter({"migrant": 1000})},
            "injury_rate": 3.0, "injury_rate_last_year": 2.5,
            "hazards": {"rectification_rate": 92.0, "on_time_rate": 80.0},
            "accidents": {"deaths": 1, "mass_casualty": 0}, "facilities": {"in_order_rate": 97.0},
            "volunteers": {"per_100_residents": 21.5}, "rentals": {"letter_signed_rate": None},
            "notices": {"major_hazards": {"acknowledged": 7, "median_minutes": 42.0}}}
    return {**base, **overrides}


def values(rows):
    return {row["code"]: (row["value"], row["status"]) for row in rows}


def test_the_seeded_kpis_are_computed_from_the_figures():
    result = values(kpis.evaluate(kpis.CATALOGUE, figures()))
    assert result["injury_rate"] == (3.0, kpis.NO_TARGET)
    assert result["injury_rate_change"] == (20.0, kpis.RED)          # +20 % against a target of 0
    assert result["elderly_injury_rate"] == (5.0, kpis.NO_TARGET)    # 10 per 2,000
    assert result["child_injury_rate"] == (2.5, kpis.NO_TARGET)
    assert result["migrant_injury_rate"] == (3.0, kpis.NO_TARGET)
    assert result["injury_deaths"] == (0, kpis.GREEN)
    assert result["hazard_rectification_rate"] == (92.0, kpis.RED)   # 8 short of 100, amber within 5
    assert result["hazard_on_time_rate"] == (80.0, kpis.RED)
    assert result["accident_deaths"] == (1, kpis.RED)
    assert result["mass_casualty_accidents"] == (0, kpis.GREEN)
    assert result["facilities_in_order"] == (97.0, kpis.AMBER)
    assert result["volunteers_per_resident"] == (21.5, kpis.GREEN)
    assert result["landlord_letters_signed"] == (None, kpis.NO_DATA)      # no rentals registered
    assert result["census_coverage"] == (None, kpis.NO_DATA)
    assert result["major_hazard_ack_minutes"] == (42.0, kpis.AMBER)  # 12 past 30 minutes, amber within 30


def test_status_is_green_at_target_amber_within_the_margin_and_red_beyond():
    change = next(kpi for kpi in kpis.CATALOGUE if kpi.code == "injury_rate_change")
    assert [change.status(v) for v in (-3, 0, 4, 6)] == [kpis.GREEN, kpis.GREEN, kpis.AMBER, kpis.RED]
    coverage = next(kpi for kpi in kpis.CATALOGUE if kpi.code == "census_coverage")
    assert [coverage.status(v) for v in (99, 95, 91, 80)] == [kpis.GREEN, kpis.GREEN, kpis.AMBER, kpis.RED]


def test_a_site_sets_its_own_targets():
    catalogue = kpis.with_targets(kpis.CATALOGUE, {"injury_rate": {"target": 2.0, "amber": 1.5}})
    assert values(kpis.evaluate(catalogue, figures()))["injury_rate"] == (3.0, kpis.AMBER)


def kpi(code):
    return next(kpi for kpi in kpis.CATALOGUE if kpi.code == code)


def test_every_kpi_of_the_catalogue_has_a_span_its_target_must_lie_in():
    assert all(kpis.target_range(kpi)[0] < kpis.target_range(kpi)[1] for kpi in kpis.CATALOGUE)


def test_a_target_outside_what_the_kpis_unit_allows_is_refused_naming_the_span():
    for code, target in (("hazard_rectification_rate", 101), ("hazard_rectification_rate", -1),
                         ("injury_rate", 10 ** 30), ("injury_deaths", -1), ("injury_rate_change", -101)):
        with pytest.raises(FieldInvalid) as refused:
            kpis.check_target(kpi(code), target, 0)
        assert "target" in refused.value.messages, code
    with pytest.raises(FieldInvalid) as refused:
        kpis.check_target(kpi("hazard_rectification_rate"), 95, 500)
    assert refused.value.messages == {"amber": ["hazard_rectification_rate is in %: a margin of at most 100"]}


def test_a_target_within_the_span_or_none_at_all_is_taken():
    assert kpis.check_target(kpi("hazard_rectification_rate"), 100, 5) == (100, 5)
    assert kpis.check_target(kpi("injury_rate_change"), -10, 5) == (-10, 5)
    assert kpis.check_target(kpi("injury_rate"), None, 0) == (None, 0)
