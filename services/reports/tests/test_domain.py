from collections import Counter

from safecommunity.envelope import Event
from services.reports.domain import injury_rates, rate_per_1000
from services.reports.projections import project
from services.reports.storage import injury_counts, population


def test_a_rate_is_per_thousand_residents_and_undefined_without_residents():
    assert rate_per_1000(3, 1500) == 2.0
    assert rate_per_1000(3, 0) is None


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
        self.added.append((table.name, counter, dict(increments)))

    def put(self, table, rows):
        self.added.append((table.name, rows))


def injury(grid, month, cause="fall"):
    return Event(type="injury.reported", source="/t", data={
        "grid_code": grid, "injury_time": f"{month}-03T10:00:00+00:00", "cause": cause, "severity": "mild"})


def test_injuries_are_counted_by_grid_month_cause_and_severity_in_one_write_per_run():
    models = FakeReadModels()
    project(models, [injury("G1", "2026-01"), injury("G1", "2026-01"), injury(None, "2026-02")])
    assert models.added == [(injury_counts.name, "injuries", Counter({
        ("G1", "2026-01", "fall", "mild"): 2, ("", "2026-02", "fall", "mild"): 1}))]


def test_residents_count_towards_their_grid_and_unknown_types_are_only_kept():
    models = FakeReadModels()
    resident = Event(type="resident.registered", source="/t", data={"grid_code": "G2"})
    sent = Event(type="notification.sent", source="/t", data={})
    project(models, [resident, sent, resident])
    assert models.added == [(population.name, "residents", Counter({("G2",): 1})),
                            (population.name, "residents", Counter({("G2",): 1}))]
