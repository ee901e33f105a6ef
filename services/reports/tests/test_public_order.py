"""Public-order events in the read models: by kind, grid and month, disputes by mediation stage,
small counts kept from the public, and the same after a rebuild of the journal."""
import uuid

import pytest
from sqlalchemy import create_engine
from sqlalchemy.orm import Session

from safecommunity import sitetime
from safecommunity.envelope import Event
from services.reports.dashboard import Selection, dashboard
from services.reports.projections import project
from services.reports.storage import ReadModels, rebuild_read_models
from services.reports.suppression import PUBLIC_ORDER, Audience, shown
from services.reports.tables import metadata


@pytest.fixture(autouse=True)
def shanghai():
    sitetime.configure({"SITE_TIMEZONE": "Asia/Shanghai"})
    yield
    sitetime.configure({})


def grid(code, parent=None):
    return Event(type="grid.created", source="/t", data={"code": code, "name": f"Grid {code}", "level": "grid",
                                                          "parent_code": parent})


def disorder(kind, grid_code, at="2026-03-10T09:00:00+08:00", public_order_id=None):
    return Event(type="public_order.reported", source="/t", data={
        "public_order_id": public_order_id or str(uuid.uuid4()), "source": "police", "kind": kind,
        "occurred_at": at, "grid_code": grid_code})


EVENTS = [grid("D"), grid("S1", "D"), grid("S2", "D"), grid("G1", "S1"),
          disorder("burglary", "G1"), disorder("burglary", "S1"), disorder("dispute", "G1"),
          disorder("criminal_alert", "S2", at="2026-04-02T10:00:00+08:00"), disorder("petition", None),
          disorder("dispute", "S2", at="2025-03-10T09:00:00+08:00")]       # last year


def engine_with(events):
    engine = create_engine("sqlite://")
    metadata.create_all(engine)
    with Session(engine) as session:
        models = ReadModels(session)
        models.journal(events)
        project(models, events)
        session.commit()
    return engine


def public_order_of(engine, year=2026, month=None, grid_code=None):
    with Session(engine) as session:
        models = ReadModels(session)
        return dashboard(models, Selection(models, year, month, grid_code))["public_order"]


def test_public_order_events_count_by_kind_month_and_the_grids_one_level_down():
    figures = public_order_of(engine_with(EVENTS))
    assert figures["total"] == 5
    assert figures["by_kind"] == {"burglary": 2, "dispute": 1, "criminal_alert": 1, "petition": 1}
    assert figures["by_month"]["2026-03"] == 4 and figures["by_month"]["2026-04"] == 1
    assert len(figures["by_month"]) == 12 and figures["by_month"]["2026-01"] == 0
    assert [(row["grid_code"], row["grid_name"], row["events"]) for row in figures["by_grid"]] == [
        ("S1", "Grid S1", 3), ("S2", "Grid S2", 1)]     # the petition named no grid: district only


def test_a_grid_counts_its_own_events_and_those_of_the_grids_below_it():
    figures = public_order_of(engine_with(EVENTS), grid_code="S1")
    assert figures["total"] == 3 and figures["by_kind"] == {"burglary": 2, "dispute": 1}
    assert figures["by_grid"] == [{"grid_code": "G1", "grid_name": "Grid G1", "events": 2}]
    assert public_order_of(engine_with(EVENTS), month=4)["by_kind"] == {"criminal_alert": 1}


def test_a_dispute_counts_at_its_first_mediation_step_as_incidents_reports_it():
    figures = public_order_of(engine_with(EVENTS))
    assert figures["disputes"] == {"total": 1, "by_stage": {"warned": 1, "investigated": 0, "mediated": 0}}
    assert public_order_of(engine_with(EVENTS), year=2025)["disputes"]["total"] == 1


def advanced(public_order_id, stage):
    return Event(type="public_order.advanced", source="/t", data={
        "public_order_id": public_order_id, "source": "police", "kind": "dispute", "grid_code": "G1",
        "stage": stage, "at": "2026-03-12T09:00:00+08:00"})


def test_a_dispute_counts_at_the_mediation_step_it_has_reached_live_and_after_a_rebuild():
    steps = [disorder("dispute", "G1", public_order_id="d-1"), disorder("dispute", "G1", public_order_id="d-2"),
             advanced("d-1", "investigated"), advanced("d-1", "mediated"), advanced("d-2", "investigated")]
    engine = engine_with(EVENTS + steps)
    expected = {"total": 3, "by_stage": {"warned": 1, "investigated": 1, "mediated": 1}}
    assert public_order_of(engine)["disputes"] == expected
    rebuild_read_models(engine)
    assert public_order_of(engine)["disputes"] == expected


def test_the_same_event_delivered_twice_counts_once():
    again = disorder("burglary", "G1", public_order_id="p-1")
    engine = engine_with(EVENTS + [again])
    with Session(engine) as session:
        project(ReadModels(session), [again])
        session.commit()
    assert public_order_of(engine)["by_kind"]["burglary"] == 3


def test_the_public_sees_small_public_order_counts_as_less_than_five():
    figures = public_order_of(engine_with(EVENTS))
    public = shown({"public_order": figures}, PUBLIC_ORDER, Audience(5))["public_order"]
    assert public["total"] == 5 and public["by_kind"]["burglary"] == "<5"
    assert public["by_month"]["2026-01"] == 0 and public["by_month"]["2026-03"] == "<5"
    assert public["by_grid"][0] == {"grid_code": "S1", "grid_name": "Grid S1", "events": "<5"}
    assert public["disputes"]["by_stage"]["warned"] == "<5"


def test_a_rebuild_counts_the_public_order_events_the_journal_kept():
    engine = engine_with(EVENTS)
    before = public_order_of(engine)
    assert rebuild_read_models(engine) == len(EVENTS)
    assert public_order_of(engine) == before
