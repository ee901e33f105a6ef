from collections import Counter

from safecommunity.envelope import Event
from services.reports.domain import age_band, injury_rates, population_figures, rate_per_1000
from services.reports.projections import Changes, Hierarchy, project_into
from services.reports.storage import grid_injuries, grid_residents, injury_facts, injury_rollups, population_stats


def test_a_rate_is_per_thousand_residents_and_undefined_without_residents():
    assert rate_per_1000(3, 1500) == 2.0
    assert rate_per_1000(3, 0) is None


def test_age_bands_follow_the_programmes_target_groups():
    assert [age_band(age) for age in (0, 6, 7, 59, 60, 79, 80, 120)] == [
        "0-6", "0-6", "7-14", "45-59", "60-79", "60-79", "80+", "80+"]


def test_population_is_banded_by_age_in_the_year_asked_for():
    figures = population_figures([(1950, "female", "permanent", 3), (2024, "male", "migrant", 2)], 2026)
    assert figures["total"] == 5
    assert figures["age_band"] == Counter({"60-79": 3, "0-6": 2})
    assert figures["residence_type"] == Counter({"permanent": 3, "migrant": 2})


def test_rates_cover_every_grid_with_residents_or_injuries():
    rows, district = injury_rates({"G1": 2, "": 1}, {"G1": 1000, "G2": 500}, {"G1": {"name": "One"}})
    assert rows == [
        {"grid_code": None, "grid_name": None, "residents": 0, "injuries": 1, "rate_per_1000": None},
        {"grid_code": "G1", "grid_name": "One", "residents": 1000, "injuries": 2, "rate_per_1000": 2.0},
        {"grid_code": "G2", "grid_name": None, "residents": 500, "injuries": 0, "rate_per_1000": 0.0},
    ]
    assert district == {"residents": 1500, "injuries": 3, "rate_per_1000": 2.0}


CARD = {"intent": "unintentional", "place": "home", "activity": "leisure", "nature": "fracture",
        "body_part": "lower_limb", "severity": "mild", "outcome": "admitted", "sex": "female",
        "residence_type": "permanent"}
HIERARCHY = Hierarchy({"D": None, "S": "D", "G1": "S", "G2": "S"})


def injury(grid, month, cause="fall", age=81):
    return Event(type="injury.reported", source="/t", data={
        **CARD, "grid_code": grid, "injury_time": f"{month}-03T10:00:00+00:00", "cause": cause, "age": age})


def test_a_grid_knows_the_grids_above_it_and_the_district():
    assert HIERARCHY.above("G1") == ["S", "D", "*"]
    assert HIERARCHY.above("unknown") == ["*"]


def test_an_injury_is_a_fact_of_its_grid_and_counts_in_every_grid_above_it_once_per_field():
    changes = Changes()
    project_into(changes, HIERARCHY, [injury("G1", "2026-01"), injury("G1", "2026-01"),
                                      injury(None, "2026-02", "animal", 5)])
    facts = changes.rows[injury_facts]
    assert [(f["grid_code"], f["month"], f["cause"], f["age_band"]) for f in facts] == [
        ("G1", "2026-01", "fall", "80+"), ("G1", "2026-01", "fall", "80+"), ("", "2026-02", "animal", "0-6")]
    assert changes.increments[grid_injuries] == Counter({("G1", "2026-01"): 2, ("", "2026-02"): 1})
    rollups = changes.increments[injury_rollups]
    for scope in ("S", "D", "*"):
        assert rollups[(scope, "2026-01", "all", "")] == 2
        assert rollups[(scope, "2026-01", "age_band*cause", "80+*fall")] == 2
    assert not any(scope == "G1" for scope, *_ in rollups)             # its own cases are facts
    assert rollups[("*", "2026-02", "cause", "animal")] == 1 and rollups[("*", "2026-02", "age_band", "0-6")] == 1
    assert sum(n for (scope, _, dim, _), n in rollups.items() if scope == "*" and dim == "all") == 3


def test_a_resident_counts_in_the_grid_and_every_grid_above_it_and_other_types_are_only_kept():
    changes = Changes()
    resident = Event(type="resident.registered", source="/t", data={
        "grid_code": "G2", "birth_year": 1950, "sex": "male", "residence_type": "migrant"})
    sent = Event(type="notification.sent", source="/t", data={})
    project_into(changes, HIERARCHY, [resident, sent, resident])
    assert changes.increments[population_stats] == Counter(
        {(scope, 1950, "male", "migrant"): 2 for scope in ("G2", "S", "D", "*")})
    assert changes.increments[grid_residents] == Counter({("G2",): 2})


def test_a_grid_created_in_the_same_batch_places_what_follows_it():
    changes, hierarchy = Changes(), Hierarchy({})
    grid = Event(type="grid.created", source="/t", data={"code": "G9", "name": "Nine", "level": "grid",
                                                         "parent_code": "S9"})
    project_into(changes, hierarchy, [grid, injury("G9", "2026-03")])
    assert changes.increments[injury_rollups][("S9", "2026-03", "all", "")] == 1
