from collections import Counter

from safecommunity.envelope import Event
from services.reports.domain import age_band, descendants, injury_rates, population_figures, rate_per_1000
from services.reports.projections import project
from services.reports.storage import injury_stats, population_stats


def test_a_rate_is_per_thousand_residents_and_undefined_without_residents():
    assert rate_per_1000(3, 1500) == 2.0
    assert rate_per_1000(3, 0) is None


def test_age_bands_follow_the_programmes_target_groups():
    assert [age_band(age) for age in (0, 6, 7, 59, 60, 79, 80, 120)] == [
        "0-6", "0-6", "7-14", "45-59", "60-79", "60-79", "80+", "80+"]


def test_a_grid_covers_itself_and_every_grid_below_it():
    grids = {"D": {"parent_code": None}, "S": {"parent_code": "D"}, "G1": {"parent_code": "S"},
             "G2": {"parent_code": "S"}, "X": {"parent_code": None}}
    assert sorted(descendants("S", grids)) == ["G1", "G2", "S"]
    assert sorted(descendants("D", grids)) == ["D", "G1", "G2", "S"]


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


class FakeReadModels:
    def __init__(self):
        self.added = []

    def add_to(self, table, counter, increments):
        self.added.append((table.name, counter, Counter(increments)))

    def put(self, table, rows):
        self.added.append((table.name, rows))


CARD = {"intent": "unintentional", "place": "home", "activity": "leisure", "nature": "fracture",
        "body_part": "lower_limb", "severity": "mild", "outcome": "admitted", "sex": "female",
        "residence_type": "permanent"}


def injury(grid, month, cause="fall", age=81):
    return Event(type="injury.reported", source="/t", data={
        **CARD, "grid_code": grid, "injury_time": f"{month}-03T10:00:00+00:00", "cause": cause, "age": age})


def test_an_injury_counts_in_its_grid_and_the_district_once_per_dimension():
    models = FakeReadModels()
    project(models, [injury("G1", "2026-01"), injury("G1", "2026-01"), injury(None, "2026-02", "animal", 5)])
    [(table, counter, counts)] = models.added
    assert (table, counter) == (injury_stats.name, "injuries")
    assert counts[("G1", "2026-01", "all", "")] == 2
    assert counts[("*", "2026-01", "all", "")] == 2 and counts[("*", "2026-02", "all", "")] == 1
    assert counts[("", "2026-02", "cause", "animal")] == 1          # no grid: counted as such
    assert counts[("G1", "2026-01", "age_band", "80+")] == 2
    assert counts[("*", "2026-01", "age_band*cause", "80+*fall")] == 2
    assert counts[("*", "2026-02", "age_band", "0-6")] == 1
    assert sum(n for (scope, _, dim, _), n in counts.items() if scope == "*" and dim == "all") == 3


def test_residents_count_in_their_grid_and_the_district_and_unknown_types_are_only_kept():
    models = FakeReadModels()
    resident = Event(type="resident.registered", source="/t", data={
        "grid_code": "G2", "birth_year": 1950, "sex": "male", "residence_type": "migrant"})
    sent = Event(type="notification.sent", source="/t", data={})
    project(models, [resident, sent, resident])
    expected = Counter({("G2", 1950, "male", "migrant"): 1, ("*", 1950, "male", "migrant"): 1})
    assert models.added == [(population_stats.name, "residents", expected)] * 2
