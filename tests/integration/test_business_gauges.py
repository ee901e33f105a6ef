"""The business gauges' values, read from the services' real tables on SQLite (embedded mode) and
PostgreSQL (distributed mode); a scrape that meets a database away or hanging still answers, within
the budget; and in embedded mode each service's gauges come from its own database."""
import socket
import time
from datetime import datetime, timedelta, timezone

import pytest
from prometheus_client import REGISTRY, generate_latest
from prometheus_client.parser import text_string_to_metric_families
from sqlalchemy import text

from safecommunity import gauges, metrics, migrate
from safecommunity.database import make_engine
from safecommunity.gauges import Reading
from safecommunity.testing import wait_until
from services.incidents.domain import Hazard, InjuryCase
from services.incidents.policy import HazardPolicy
from services.incidents.storage import IncidentsUnitOfWork
from services.incidents.storage.gauges import read_gauges as incidents_gauges
from services.notifications.domain import Notification
from services.notifications.escalation import Escalation
from services.notifications.gauges import read_gauges as notifications_gauges
from services.notifications.storage import NotificationsUnitOfWork, deliveries
from services.notifications.subscriptions import EscalationPolicy
from tests.conftest import base_url
from tests.support import hazard_report, http, injury_card, post

pytestmark = pytest.mark.integration

SITE = timezone(timedelta(hours=8))  # Asia/Shanghai, the default SITE_TIMEZONE
NOW = datetime(2026, 2, 1, 12, 0, tzinfo=SITE)


@pytest.fixture(params=["sqlite", "postgresql"])
def database_of(request, tmp_path):
    """database_of(service): an engine on that service's migrated database."""
    engines = []

    def make(service):
        if request.param == "sqlite":
            url = f"sqlite:///{tmp_path}/{service}.db"
        else:
            url = request.getfixturevalue("databases").url.format(service=service)
        migrate.upgrade(service, url)
        engines.append(make_engine(url))
        return engines[-1]

    yield make
    for engine in engines:
        engine.dispose()


def stored(engine, uow_class, service, add):
    with engine.connect() as connection:
        uow = uow_class(connection, service)
        add(uow)
        uow.commit()


def read(engine, read_gauges, now=NOW):
    with engine.connect() as connection:
        return {(gauge.name, labels): value for gauge, labels, value in read_gauges(connection, now)}


def hazard(reported_at, severity="general"):
    return Hazard.report(HazardPolicy(), at=reported_at, **hazard_report(severity=severity),
                         responsible_party="Lotus Mall")


def case(injury_time, visit_time):
    card = {key: value for key, value in injury_card().items() if key not in ("injury_time", "visit_time")}
    return InjuryCase.report(**card, injury_time=injury_time, visit_time=visit_time)


def test_two_open_hazards_one_of_them_overdue_and_a_closed_one(database_of):
    engine = database_of("incidents")
    late = hazard(NOW - timedelta(days=30))  # a general fire hazard has 72 hours
    on_time, closed = hazard(NOW - timedelta(hours=1)), hazard(NOW - timedelta(days=30))
    for step in ("notify", "start_rectification"):
        getattr(closed, step)("wang", at=NOW - timedelta(days=29))
    closed.attachment_ids = {"photo"}
    closed.rectify("mall", evidence=["photo"], at=NOW - timedelta(days=28))
    closed.verify("wang", passed=True, at=NOW - timedelta(days=27))
    closed.close("wang", at=NOW - timedelta(days=27))
    stored(engine, IncidentsUnitOfWork, "incidents", lambda uow: uow.hazards.add_many([late, on_time, closed]))
    values = read(engine, incidents_gauges)
    assert (values["safecommunity_hazards_open", ("general",)], values["safecommunity_hazards_overdue", ("general",)]) \
        == (2, 1)
    assert (values["safecommunity_hazards_open", ("major",)], values["safecommunity_hazards_overdue", ("major",)]) \
        == (0, 0), "a severity with none has a sample of 0, not none"


def test_injuries_today_are_those_injured_on_the_sites_day(database_of):
    engine = database_of("incidents")
    cases = [
        case(datetime(2026, 2, 1, 7, 0, tzinfo=SITE), datetime(2026, 2, 1, 8, 0, tzinfo=SITE)),  # 31 Jan 23:00 UTC
        case(datetime(2026, 2, 1, 0, 0, tzinfo=SITE), datetime(2026, 2, 1, 11, 0, tzinfo=SITE)),  # the day's start
        case(datetime(2026, 1, 31, 23, 30, tzinfo=SITE), datetime(2026, 2, 1, 0, 30, tzinfo=SITE)),  # visited today
        case(datetime(2026, 1, 31, 12, 0, tzinfo=SITE), datetime(2026, 1, 31, 13, 0, tzinfo=SITE)),  # yesterday
    ]
    stored(engine, IncidentsUnitOfWork, "incidents", lambda uow: uow.cases.add_many(cases))
    assert read(engine, incidents_gauges)["safecommunity_injuries_today", ()] == 2
    assert read(engine, incidents_gauges, NOW + timedelta(days=1))["safecommunity_injuries_today", ()] == 0


def test_notices_unacknowledged_are_the_in_app_notices_delivered(database_of):
    engine = database_of("notifications")
    notices = [Notification.deliver_in_app(event_id, "committee-office", "重度伤害", "正文")
               for event_id in ("e-1", "e-2")]
    stored(engine, NotificationsUnitOfWork, "notifications", lambda uow: uow.deliveries.add_many(notices))
    with engine.begin() as connection:  # a channel that is not in-app (none yet) is not counted
        connection.execute(deliveries.insert().values(
            id="x", trigger_event_id="e-3", channel="sms", recipient="r", subject="s", body="b", status="delivered",
            created_at=NOW))
    assert read(engine, notifications_gauges)["safecommunity_notices_unacknowledged", ()] == 2


def test_events_awaiting_acknowledgement_are_counted_by_how_long_they_have_waited(database_of):
    engine = database_of("notifications")
    policy = EscalationPolicy(after_minutes=(30,))
    waiting = [Escalation.open(f"e-{n}", "major-hazard-at-once", "hazard.reported", {"grid_code": "G1"}, policy, None,
                               NOW, triggered_at=(NOW - age).astimezone(timezone.utc)) for n, age in enumerate(
        (timedelta(minutes=5), timedelta(minutes=50), timedelta(hours=3), timedelta(days=2)))]
    waiting.append(Escalation.open("e-1", "another-rule", "hazard.reported", {}, policy, None, NOW,
                                   triggered_at=(NOW - timedelta(minutes=50)).astimezone(timezone.utc)))  # once
    done = Escalation.open("e-9", "major-hazard-at-once", "hazard.reported", {}, policy, None, NOW,
                           triggered_at=NOW.astimezone(timezone.utc))
    done.acknowledge(NOW)
    stored(engine, NotificationsUnitOfWork, "notifications", lambda uow: uow.escalations.add_many(waiting + [done]))
    found = read(engine, notifications_gauges)
    assert {age: found["safecommunity_notices_awaiting_acknowledgement", (age,)]
            for age in ("under_1h", "1h_to_24h", "over_24h")} == {"under_1h": 2, "1h_to_24h": 1, "over_24h": 1}


def test_a_database_away_leaves_the_gauges_out_at_once(caplog):
    with socket.socket() as closed:
        closed.bind(("127.0.0.1", 0))
        port = closed.getsockname()[1]  # bound, never listening: connections are refused
        engine = make_engine(f"postgresql+psycopg2://postgres@127.0.0.1:{port}/nothing")
        started = time.monotonic()
        assert Reading("incidents", engine, incidents_gauges, ()).samples() == []
    assert time.monotonic() - started < 1 and "refused" in caplog.text
    engine.dispose()


def test_a_database_that_accepts_and_never_answers_is_cut_at_the_budget():
    with socket.socket() as silent:
        silent.bind(("127.0.0.1", 0))
        silent.listen(8)  # the kernel completes the handshake; nobody ever answers the start-up
        engine = make_engine(f"postgresql+psycopg2://postgres@127.0.0.1:{silent.getsockname()[1]}/nothing")
        started = time.monotonic()
        assert Reading("incidents", engine, incidents_gauges, ()).samples() == []
        assert time.monotonic() - started < gauges.BUDGET + 0.5
    engine.dispose()


def test_a_slow_query_is_cancelled_on_the_server_at_the_budget(databases):
    url = databases.url.format(service="incidents")
    migrate.create_database_if_missing(url)
    engine = make_engine(url)

    def slow(connection, now):
        connection.execute(text("SELECT pg_sleep(30) /* a slow gauge */"))
        yield metrics.INJURIES_TODAY, (), 1

    started = time.monotonic()
    assert Reading("incidents", engine, slow, ()).samples() == []
    assert time.monotonic() - started < gauges.BUDGET + 0.5
    with engine.connect() as connection:
        still = connection.execute(text("SELECT count(*) FROM pg_stat_activity WHERE query LIKE '%a slow gauge%'"
                                        " AND state = 'active' AND pid <> pg_backend_pid()")).scalar()
    assert still == 0, "the server kept running the query"
    engine.dispose()


def scraped(exposition):
    return {(s.name, s.labels.get("service"), s.labels.get("severity")): s.value
            for family in text_string_to_metric_families(exposition) for s in family.samples
            if s.name in {gauge.name for gauge in metrics.SCRAPED_GAUGES}}


def test_in_embedded_mode_each_service_reads_its_own_sqlite_database(embedded_config, start_services):
    start_services(embedded_config, ["incidents", "notifications"])
    url = base_url(embedded_config)
    post(f"{url}/api/incidents/hazards", hazard_report(severity="major"), 201)
    post(f"{url}/api/incidents/injuries", injury_card(severity="severe"), 201)

    def notice_counted():  # the severe injury's, to the office; the major hazard's, to the department
        return scraped(generate_latest(REGISTRY).decode()).get(  # incidents escalated it to at once
            ("safecommunity_notices_unacknowledged", "notifications", None)) == 2
    wait_until(notice_counted, timeout=15, message="the severe injury's and the escalated hazard's notices")
    answer = http.get(f"{url}/metrics", timeout=10)  # the public port's route, with an ops token
    assert answer.status_code == 200
    values = scraped(answer.text)
    assert values["safecommunity_hazards_open", "incidents", "major"] == 1
    assert values["safecommunity_hazards_open", "incidents", "general"] == 0
    assert {service for _, service, _ in values} == {"incidents", "notifications"}
