"""Events of the types reports has no read model of its own for: counted once each by type, site
month and grid, shown on the dashboard with what the catalogue says of them, small counts kept from
the public, and the same after a rebuild of the journal."""
import pytest
from sqlalchemy import create_engine
from sqlalchemy.orm import Session

from safecommunity import sitetime
from safecommunity.catalogue import CATALOGUE
from safecommunity.envelope import Event
from services.reports.dashboard import Selection, dashboard
from services.reports.other_events import other_event_figures
from services.reports.projections import PROJECTIONS, Changes, Hierarchy, project, project_into
from services.reports.storage import ReadModels, rebuild_read_models
from services.reports.suppression import DASHBOARD, Audience, shown
from services.reports.tables import metadata, other_events


@pytest.fixture(autouse=True)
def shanghai():
    sitetime.configure({"SITE_TIMEZONE": "Asia/Shanghai"})
    yield
    sitetime.configure({})


def grid(code, parent=None):
    return Event(type="grid.created", source="/t", data={"code": code, "name": f"Grid {code}", "level": "grid",
                                                          "parent_code": parent})


def other(type_, at, **data):
    return Event(type=type_, source="/t", time=at, data=data)


CLUSTER = "dogbite.cluster_detected"   # a new service's type, which reports has never heard of
EVENTS = [grid("S1"), grid("G1", "S1"), grid("S2"),
          other(CLUSTER, "2026-03-10T09:00:00+08:00", grid_code="G1", month="2026-03", bites=7, threshold=5),
          other(CLUSTER, "2026-03-31T17:00:00Z", grid_code="G1", bites=6),           # 1 April in Shanghai
          other(CLUSTER, "2026-04-02T10:00:00+08:00", grid_code="S2", bites=9),
          other("intake.rejected", "2026-03-05T10:00:00+08:00", rejection_id="r-1", channel="http", reasons={}),
          other("report.generated", "2026-03-06T10:00:00+08:00", report_id="p-1", kind="monthly", year=2026,
                grid_code="S1")]


def engine_with(events):
    engine = create_engine("sqlite://")
    metadata.create_all(engine)
    with Session(engine) as session:
        models = ReadModels(session)
        models.journal(events)
        project(models, events)
        session.commit()
    return engine


def other_events_of(engine, month=None, grid_code=None, audience=None):
    with Session(engine) as session:
        models = ReadModels(session)
        answer = dashboard(models, Selection(models, 2026, month, grid_code), *([audience] if audience else []))
        return {row["type"]: row for row in answer["other_events"]}


def test_an_event_of_a_type_with_no_read_model_counts_once_by_its_site_month_and_grid():
    changes = Changes()
    project_into(changes, Hierarchy({}), EVENTS)
    assert changes.increments[other_events] == {
        (CLUSTER, "2026-03", "G1"): 1, (CLUSTER, "2026-04", "G1"): 1, (CLUSTER, "2026-04", "S2"): 1,
        ("intake.rejected", "2026-03", ""): 1, ("report.generated", "2026-03", "S1"): 1}


def test_a_type_reports_projects_itself_is_not_counted_again_as_another_event():
    changes = Changes()
    project_into(changes, Hierarchy({}), [grid("G1"), other("notification.sent", "2026-03-01T10:00:00+08:00",
                                                            channel="sms", notification_id="n-1")])
    assert "grid.created" in PROJECTIONS and "notification.sent" in PROJECTIONS
    assert not changes.increments[other_events]


@pytest.mark.parametrize("grid_code", [None, 7, "", "G" * 41, ["G1"]])
def test_a_payload_grid_code_that_is_not_a_grid_code_string_counts_under_no_grid(grid_code):
    changes = Changes()
    project_into(changes, Hierarchy({}), [other(CLUSTER, "2026-03-10T09:00:00+08:00", grid_code=grid_code)])
    assert changes.increments[other_events] == {(CLUSTER, "2026-03", ""): 1}


def test_the_dashboard_names_each_type_with_its_producer_and_summary_and_counts_it_by_month():
    rows = other_events_of(engine_with(EVENTS))
    rejected = rows["intake.rejected"]
    spec = CATALOGUE["intake.rejected"]
    assert (rejected["producer"], rejected["summary"], rejected["events"]) == (spec.producer, spec.summary, 1)
    assert rows[CLUSTER]["events"] == 3    # dogbites' type: what the catalogue says, if it has it by now
    assert rows[CLUSTER]["summary"] == getattr(CATALOGUE.get(CLUSTER), "summary", None)
    assert rows[CLUSTER]["by_month"]["2026-03"] == 1 and rows[CLUSTER]["by_month"]["2026-04"] == 2
    assert len(rows[CLUSTER]["by_month"]) == 12 and rows[CLUSTER]["by_month"]["2026-01"] == 0
    assert set(rows) == {CLUSTER, "intake.rejected", "report.generated"}       # grid.created is its own


def test_a_grid_counts_the_events_of_its_own_and_of_the_grids_below_it_in_the_months_asked():
    engine = engine_with(EVENTS)
    assert {t: row["events"] for t, row in other_events_of(engine, grid_code="S1").items()} == {
        CLUSTER: 2, "report.generated": 1}
    assert {t: row["events"] for t, row in other_events_of(engine, grid_code="S2").items()} == {CLUSTER: 1}
    assert {t: row["events"] for t, row in other_events_of(engine, month=4).items()} == {CLUSTER: 2}
    assert other_events_of(engine, month=1) == {}


def test_the_public_sees_small_counts_of_other_events_as_less_than_five():
    rows = other_events_of(engine_with(EVENTS + [other("intake.rejected", "2026-03-07T10:00:00+08:00",
                                                         rejection_id=f"r-{n}", channel="http", reasons={})
                                                   for n in range(5)]), audience=Audience(5))
    assert rows[CLUSTER]["events"] == "<5" and rows[CLUSTER]["by_month"]["2026-04"] == "<5"
    assert rows[CLUSTER]["by_month"]["2026-01"] == 0
    assert rows["intake.rejected"]["events"] == 6 and rows["intake.rejected"]["by_month"]["2026-03"] == 6


def test_a_rebuild_counts_the_other_events_the_journal_kept():
    engine = engine_with(EVENTS)
    before = other_events_of(engine)
    with Session(engine) as session:
        session.execute(other_events.delete())
        session.commit()
    assert other_events_of(engine) == {}
    assert rebuild_read_models(engine) == len(EVENTS)
    assert other_events_of(engine) == before


def test_a_type_the_catalogue_does_not_list_is_shown_with_no_producer_or_summary():
    [row] = other_event_figures({("kite.flown", "2026-01"): 2}, ["2026-01"], CATALOGUE)
    assert (row["type"], row["producer"], row["summary"], row["events"]) == ("kite.flown", None, None, 2)


def test_other_event_figures_put_the_most_frequent_type_first_and_leave_out_those_of_other_months():
    counts = {("b.done", "2026-01"): 1, ("a.done", "2026-01"): 2, ("a.done", "2025-12"): 9, ("c.done", "2025-12"): 1}
    rows = other_event_figures(counts, ["2026-01"], {})
    assert [(row["type"], row["events"], row["by_month"]) for row in rows] == [
        ("a.done", 2, {"2026-01": 2}), ("b.done", 1, {"2026-01": 1})]


def test_the_dashboard_table_of_counts_covers_other_events():
    answer = {"other_events": [{"type": "x.y", "events": 3, "by_month": {"2026-01": 3}, "summary": "s"}]}
    public = shown(answer, DASHBOARD, Audience(5))
    assert public["other_events"] == [{"type": "x.y", "events": "<5", "by_month": {"2026-01": "<5"}, "summary": "s"}]
