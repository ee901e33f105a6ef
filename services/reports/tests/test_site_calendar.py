"""The site's calendar (SITE_TIMEZONE, default Asia/Shanghai) decides the month and year a case,
accident, hazard or public-order event counts in; never the UTC date of its instant."""
import uuid
from datetime import date

import pytest
from sqlalchemy import create_engine
from sqlalchemy.orm import Session

from safecommunity import sitetime
from safecommunity.envelope import Event
from services.reports.dashboard import Selection, dashboard, trend
from services.reports.projections import Changes, Hierarchy, project, project_into
from services.reports.storage import ReadModels
from services.reports.tables import accident_rollups, injury_facts, metadata, public_order

CARD = {"intent": "unintentional", "place": "home", "activity": "leisure", "nature": "fracture",
        "body_part": "lower_limb", "severity": "mild", "outcome": "admitted", "sex": "female",
        "residence_type": "permanent", "cause": "fall", "age": 70, "grid_code": None}


@pytest.fixture(autouse=True)
def shanghai():
    sitetime.configure({"SITE_TIMEZONE": "Asia/Shanghai"})
    yield
    sitetime.configure({})


def injury(at):
    return Event(type="injury.reported", source="/t", data={**CARD, "case_id": str(uuid.uuid4()), "injury_time": at})


def accident(at):
    return Event(type="accident.reported", source="/t", data={
        "accident_id": str(uuid.uuid4()), "kind": "fire", "occurred_at": at, "grid_code": None, "deaths": 0,
        "injuries": 1, "economic_loss": None, "mass_casualty": False})


def disorder(at, kind="burglary"):
    return Event(type="public_order.reported", source="/t", data={
        "public_order_id": str(uuid.uuid4()), "source": "police", "kind": kind, "occurred_at": at, "grid_code": None})


def hazard(at):
    return Event(type="hazard.reported", source="/t", data={
        "hazard_id": str(uuid.uuid4()), "category": "fire", "severity": "general", "grid_code": None,
        "status": "reported", "deadline": "2027-03-01T00:00:00+00:00", "at": at, "found_by": "patrol",
        "source": "grid-app"})


def months_of_the_rows(events):
    changes = Changes()
    project_into(changes, Hierarchy({}), events)
    return ([fact["month"] for fact in changes.rows[injury_facts]],
            sorted({month for _scope, month, *_ in changes.increments[accident_rollups]}),
            [row["month"] for row in changes.rows[public_order]])


def test_a_case_at_seven_in_the_morning_of_the_first_of_february_in_shanghai_counts_in_february():
    same_instant = ["2026-02-01T07:00:00+08:00", "2026-01-31T23:00:00+00:00", "2026-01-31T23:00:00Z"]
    cases, _, _ = months_of_the_rows([injury(at) for at in same_instant])
    assert cases == ["2026-02", "2026-02", "2026-02"]


def test_a_case_just_before_midnight_on_the_last_of_january_in_shanghai_stays_in_january():
    cases, _, _ = months_of_the_rows([injury("2026-01-31T15:59:59+00:00"), injury("2026-01-31T23:59:00+08:00")])
    assert cases == ["2026-01", "2026-01"]


def test_accidents_and_public_order_events_count_in_the_site_month_too():
    _, accidents, disorders = months_of_the_rows([accident("2026-01-31T23:00:00+00:00"),
                                                  disorder("2026-01-31T23:00:00+00:00")])
    assert accidents == ["2026-02"] and disorders == ["2026-02"]


def test_a_time_without_an_offset_is_taken_as_utc():
    cases, _, _ = months_of_the_rows([injury("2026-01-31T23:00:00")])
    assert cases == ["2026-02"]


def test_a_site_behind_utc_counts_by_its_own_calendar():
    sitetime.configure({"SITE_TIMEZONE": "America/New_York"})
    cases, _, _ = months_of_the_rows([injury("2026-02-01T03:00:00+00:00")])
    assert cases == ["2026-01"]


def read_models_with(events):
    engine = create_engine("sqlite://")
    metadata.create_all(engine)
    session = Session(engine)
    models = ReadModels(session)
    project(models, events)
    session.commit()
    return models


def test_new_years_eve_after_half_past_four_utc_counts_in_the_next_year_on_the_dashboard():
    at = "2026-12-31T16:30:00+00:00"            # 2027-01-01 00:30 in Shanghai
    models = read_models_with([injury(at), accident(at), disorder(at), hazard(at)])
    for year, expected in ((2026, 0), (2027, 1)):
        figures = dashboard(models, Selection(models, year))
        assert figures["totals"]["injuries"] == expected, year
        assert figures["accidents"]["accidents"] == expected, year
        assert figures["hazards"]["found"] == expected, year
        assert figures["public_order"]["total"] == expected, year
    january = dashboard(models, Selection(models, 2027, 1))
    assert january["public_order"]["by_month"] == {"2027-01": 1}
    assert dashboard(models, Selection(models, 2026, 12))["totals"]["injuries"] == 0


def test_the_trend_leaves_out_the_months_still_to_come_on_the_sites_calendar():
    models = read_models_with([injury("2026-01-31T23:00:00+00:00")])
    # 1 March in Shanghai: March is here, April is not
    shown = trend(models, "*", 2026, today=date(2026, 3, 1))
    assert shown["this_year"][:4] == [0, 1, 0, None]
