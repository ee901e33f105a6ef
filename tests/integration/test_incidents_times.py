"""A time with an offset is stored as that instant, on SQLite (which keeps a clock reading and drops
the offset) and on PostgreSQL: cards, accidents, public-order events and hazards, the columns read
raw, the filters, the records read back and the events told."""
import json
from datetime import datetime, timedelta, timezone

import pytest
from sqlalchemy import create_engine, text

from safecommunity.testing import migrate
from services.incidents.intake import take_in, take_in_records
from services.incidents.policy import HazardPolicy
from services.incidents.storage import IncidentsUnitOfWork
from tests.support import accident_report, hazard_report, injury_card

pytestmark = pytest.mark.integration

SHANGHAI = timezone(timedelta(hours=8))
AT = datetime(2026, 11, 20, 0, 10, tzinfo=timezone.utc)  # 2026-11-20T08:10:00+08:00


@pytest.fixture(params=["sqlite", "postgresql"])
def engine(request, tmp_path):
    if request.param == "sqlite":
        url = f"sqlite:///{tmp_path}/{{service}}.db"
    else:
        url = request.getfixturevalue("databases").url
    migrate(url, ["incidents"])
    engine = create_engine(url.format(service="incidents"))
    yield engine
    engine.dispose()


def unit_of_work(engine):
    return IncidentsUnitOfWork(engine.connect(), "incidents")


def raw(engine, table, column):
    """The column as the database holds it, in UTC: SQLite's text, PostgreSQL's timestamptz."""
    with engine.connect() as connection:
        value = connection.scalar(text(f"SELECT {column} FROM {table}"))
    moment = datetime.fromisoformat(value) if isinstance(value, str) else value
    return moment if moment.tzinfo else moment.replace(tzinfo=timezone.utc)


def told(engine, type_):
    with engine.connect() as connection:
        rows = connection.execute(text("SELECT envelope FROM outbox WHERE type = :t"), {"t": type_})
        return [json.loads(row.envelope)["data"] for row in rows]


def test_times_with_an_offset_are_stored_read_and_told_as_the_same_instant(engine):
    uow = unit_of_work(engine)
    uow.grids.add_many([{"code": "G1", "name": "G1", "level": "grid"}])
    eight_ten = "2026-11-20T08:10:00+08:00"
    [card] = take_in(uow, [injury_card("G1", injury_time=eight_ten, visit_time="2026-11-20T09:00:00+08:00")])
    [accident] = take_in_records(uow, "accident", [accident_report(grid_code="G1", occurred_at=eight_ten)])
    [event] = take_in_records(uow, "public_order", [{"source": "police", "external_id": "PO-1", "kind": "burglary",
                                                     "occurred_at": "2026-11-20T08:10:00", "grid_code": "G1"}])
    [hazard] = take_in_records(uow, "hazard", [hazard_report(grid_code="G1")], HazardPolicy())
    uow.commit()
    uow.close()

    assert raw(engine, "injury_cases", "injury_time") == AT  # not 08:10 UTC
    assert raw(engine, "accidents", "occurred_at") == AT
    assert raw(engine, "public_order_events", "occurred_at") == AT  # no offset: on the site's clock
    assert told(engine, "accident.reported")[0]["occurred_at"] == "2026-11-20T00:10:00+00:00"
    assert datetime.fromisoformat(told(engine, "injury.reported")[0]["injury_time"]) == AT

    uow = unit_of_work(engine)
    try:
        stored = uow.accidents.get(accident["accident_id"])
        assert stored.occurred_at == AT and stored.occurred_at.utcoffset() == timedelta(0)
        case = uow.cases.get(card["case_id"])
        assert (case.injury_time, case.visit_time) == (AT, AT + timedelta(minutes=50))
        just_before, just_after = (AT - timedelta(minutes=1)).astimezone(SHANGHAI), AT.astimezone(SHANGHAI)
        for repository, filters, found in ((uow.accidents, {"since": just_before}, 1),
                                           (uow.accidents, {"since": just_after + timedelta(seconds=1)}, 0),
                                           (uow.public_order, {"until": just_after}, 0),
                                           (uow.public_order, {"until": just_after + timedelta(seconds=1)}, 1),
                                           (uow.cases, {"since": just_before, "until": just_after}, 0)):
            assert len(repository.list(filters, 10, 0)) == found, filters  # compared as instants
        reported = uow.hazards.get(hazard["hazard_id"])
        assert reported.deadline - reported.reported_at == timedelta(hours=72)
        assert abs(reported.reported_at - datetime.now(timezone.utc)) < timedelta(minutes=1)
        late_evening = datetime.now(SHANGHAI) - timedelta(minutes=5)  # an offset far from UTC's clock
        assert [h.id for h in uow.hazards.list({"since": late_evening}, 10, 0)] == [hazard["hazard_id"]]
    finally:
        uow.close()


def test_a_card_sent_again_with_another_offset_for_the_same_times_is_a_duplicate(engine):
    card = injury_card(injury_time="2026-11-20T08:10:00+08:00", visit_time="2026-11-20T09:00:00+08:00")
    in_utc = {**card, "injury_time": "2026-11-20T00:10:00Z", "visit_time": "2026-11-20T01:00:00+00:00"}
    later = {**card, "injury_time": "2026-11-20T08:10:00+09:00"}  # an hour earlier: a correction
    statuses = []
    for sent in (card, in_utc, card, later):
        uow = unit_of_work(engine)
        try:
            [result] = take_in(uow, [sent])
            uow.commit()
        finally:
            uow.close()
        statuses.append(result["status"])
    assert statuses == ["created", "duplicate", "duplicate", "amended"]
    assert raw(engine, "injury_cases", "injury_time") == AT - timedelta(hours=1)
