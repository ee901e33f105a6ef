"""Project indicators in the read models: the latest indicator.updated of an indicator and month wins
by the event's time, whatever order events arrive in; the dashboard shows each project's indicators,
the latest month against its target and the 12 months up to the selection, to everyone alike; a
rebuild of the journal ends in the same place."""
import pytest
from sqlalchemy import create_engine, select
from sqlalchemy.orm import Session

from safecommunity import sitetime
from safecommunity.envelope import Event
from services.reports.dashboard import Selection, dashboard
from services.reports.indicators import months_up_to, utc_text
from services.reports.projections import project
from services.reports.storage import ReadModels, rebuild_read_models
from services.reports.suppression import DASHBOARD, Audience, shown
from services.reports.tables import indicator_values, metadata


@pytest.fixture(autouse=True)
def shanghai():
    sitetime.configure({"SITE_TIMEZONE": "Asia/Shanghai"})
    yield
    sitetime.configure({})


def created(project_id="p-falls", name="Elderly falls 老年人跌倒预防"):
    return Event(type="project.created", source="/t", data={
        "project_id": project_id, "name": name, "intervention_area": "elderly", "status": "continuing",
        "lifecycle": "active"})


def updated(month, value, at, indicator_id="i-falls", **overrides):
    data = {"indicator_id": indicator_id, "project_id": "p-falls", "code": "falls_home_60", "month": month,
            "numerator": value or 0.0, "denominator": 1000.0, "value": value, "target": 8.5, "direction": "at_most",
            "on_target": None if value is None else value <= 8.5, **overrides}
    return Event(type="indicator.updated", source="/t", time=at, data=data)


def engine_with(*batches):
    """A read model fed the batches one after another, each in its own transaction."""
    engine = create_engine("sqlite://")
    metadata.create_all(engine)
    for events in batches:
        with Session(engine) as session:
            models = ReadModels(session)
            models.journal(events)
            project(models, events)
            session.commit()
    return engine


def kept(engine):
    with Session(engine) as session:
        rows = session.execute(select(indicator_values.c.indicator_id, indicator_values.c.month,
                                      indicator_values.c.value)).all()
    return {(indicator_id, month): value for indicator_id, month, value in rows}


def projects_of(engine, year=2025, month=None, audience=None):
    with Session(engine) as session:
        models = ReadModels(session)
        answer = dashboard(models, Selection(models, year, month))
    return (shown(answer, DASHBOARD, audience) if audience else answer)["projects"]


def test_the_latest_event_of_an_indicator_and_month_wins_by_its_time_not_by_its_arrival():
    engine = engine_with([created(), updated("2025-03", 9.0, "2025-04-01T10:00:00+00:00"),
                          updated("2025-03", 7.0, "2025-04-01T09:00:00+00:00"),      # older: arrived late
                          updated("2025-04", 6.0, "2025-05-01T09:00:00+00:00")])
    assert kept(engine) == {("i-falls", "2025-03"): 9.0, ("i-falls", "2025-04"): 6.0}
    with Session(engine) as session:
        project(ReadModels(session), [updated("2025-03", 5.0, "2025-03-31T00:00:00+00:00"),    # older still
                                      updated("2025-04", 8.0, "2025-05-02T09:00:00+00:00")])   # newer
        session.commit()
    assert kept(engine) == {("i-falls", "2025-03"): 9.0, ("i-falls", "2025-04"): 8.0}


def test_event_times_are_compared_as_instants_whatever_their_offset():
    assert utc_text("2025-04-01T09:00:00+08:00") == "2025-04-01T01:00:00.000000Z"
    assert utc_text("2025-04-01T01:00:00") == utc_text("2025-04-01T01:00:00+00:00")
    # 02:00 UTC is later than 09:00 in Shanghai (01:00 UTC), though it reads as earlier
    engine = engine_with([updated("2025-03", 9.0, "2025-04-01T02:00:00+00:00")],
                         [updated("2025-03", 7.0, "2025-04-01T09:00:00+08:00")])
    assert kept(engine) == {("i-falls", "2025-03"): 9.0}


def test_a_project_shows_each_indicators_latest_month_against_its_target_and_the_12_months_to_the_selection():
    engine = engine_with([created(), created("p-dogs", "Dog bites 犬伤预防"),
                          updated("2025-02", 9.5, "2025-03-01T00:00:00+00:00"),
                          updated("2025-05", 7.5, "2025-06-01T00:00:00+00:00"),
                          updated("2025-08", 6.0, "2025-09-01T00:00:00+00:00"),       # after the selection
                          updated("2025-04", 40.0, "2025-05-01T00:00:00+00:00", indicator_id="i-alarms",
                                  code="alarms_working", target=95.0, direction="at_least", on_target=False),
                          updated("2025-05", None, "2025-06-01T00:00:00+00:00", indicator_id="i-empty",
                                  code="a_share", denominator=0.0, target=None, direction=None)])
    projects = {p["project_id"]: p for p in projects_of(engine, month=6)}
    assert projects["p-dogs"]["indicators"] == []
    alarms, empty, falls = sorted(projects["p-falls"]["indicators"], key=lambda i: i["indicator_id"])
    assert {key: falls[key] for key in ("code", "month", "value", "target", "direction", "on_target")} == {
        "code": "falls_home_60", "month": "2025-05", "value": 7.5, "target": 8.5, "direction": "at_most",
        "on_target": True}
    assert [point["month"] for point in falls["series"]] == months_up_to("2025-06") == [
        "2024-07", "2024-08", "2024-09", "2024-10", "2024-11", "2024-12", "2025-01", "2025-02", "2025-03",
        "2025-04", "2025-05", "2025-06"]
    assert [point["value"] for point in falls["series"]][-5:] == [9.5, None, None, 7.5, None]
    assert falls["series"][7]["on_target"] is False and falls["series"][10]["on_target"] is True
    assert (alarms["code"], alarms["value"], alarms["on_target"]) == ("alarms_working", 40.0, False)
    assert (empty["value"], empty["on_target"], empty["target"]) == (None, None, None)   # grey: no value
    assert [i["code"] for i in projects["p-falls"]["indicators"]] == ["a_share", "alarms_working", "falls_home_60"]
    whole_year = {p["project_id"]: p for p in projects_of(engine)}["p-falls"]["indicators"]
    assert next(i for i in whole_year if i["code"] == "falls_home_60")["month"] == "2025-08"


def test_an_indicator_shows_once_its_project_is_known_whichever_event_came_first():
    engine = engine_with([updated("2025-05", 7.5, "2025-06-01T00:00:00+00:00")])
    assert projects_of(engine) == []
    with Session(engine) as session:
        project(ReadModels(session), [created()])
        session.commit()
    assert [i["value"] for i in projects_of(engine)[0]["indicators"]] == [7.5]


def test_a_rebuild_of_the_journal_keeps_the_latest_value_of_each_indicator_and_month():
    batches = [[created(), updated("2025-03", 9.0, "2025-04-01T10:00:00+00:00")],
               [updated("2025-03", 7.0, "2025-04-01T09:00:00+00:00"), updated("2025-04", 6.0, "2025-05-01T09:00Z")],
               [updated("2025-04", 8.0, "2025-05-02T09:00:00+00:00")]]
    engine = engine_with(*batches)
    before = projects_of(engine)
    assert rebuild_read_models(engine, chunk=2) == 5       # the older March event in a chunk of its own
    assert kept(engine) == {("i-falls", "2025-03"): 9.0, ("i-falls", "2025-04"): 8.0}
    assert projects_of(engine) == before


def test_the_public_sees_an_indicator_counting_few_cases_as_under_5_with_no_value_or_verdict():
    engine = engine_with([created(), updated("2025-05", 1.0, "2025-06-01T00:00:00+00:00", numerator=1.0),
                          updated("2025-05", 8.0, "2025-06-01T00:00:00+00:00", numerator=8.0, indicator_id="i-2",
                                  code="alarms")])
    exact = {i["code"]: i for i in projects_of(engine)[0]["indicators"]}
    public = {i["code"]: i for i in projects_of(engine, audience=Audience(5))[0]["indicators"]}
    few, many = public["falls_home_60"], public["alarms"]
    assert exact["falls_home_60"]["numerator"] == 1.0 and exact["falls_home_60"]["value"] == 1.0
    assert (few["numerator"], few["value"], few["on_target"]) == ("<5", None, None)
    [point] = [point for point in few["series"] if point["month"] == "2025-05"]
    assert (point["numerator"], point["value"], point["on_target"]) == ("<5", None, None)
    assert many == exact["alarms"]   # 8 cases: shown as the committee sees it


def test_twelve_months_run_back_across_a_new_year():
    assert months_up_to("2026-01", 3) == ["2025-11", "2025-12", "2026-01"]
    assert months_up_to("2026-12")[0] == "2026-01"
