"""The backbone's delivery guarantees, against real RabbitMQ and PostgreSQL."""
import json
import os
import subprocess
import sys

import pytest
import requests
from sqlalchemy import Column, MetaData, String, Table, func, insert, select

from safecommunity.broker import BATCH
from safecommunity.consumer import event_handler
from safecommunity.deadletters import DeadLetters
from safecommunity.migrate import create_database_if_missing
from safecommunity.scopes import PUBLIC
from safecommunity.storage import Store
from safecommunity.tables import add_backbone_tables, dead_letters, inbox, outbox
from safecommunity.testing import wait_until
from safecommunity.web import http
from tests.conftest import base_url
from tests.support import TcpProxy, get, injury_card, injury_event, post, publish, publish_raw, summary

pytestmark = pytest.mark.integration


def test_the_same_event_delivered_twice_has_one_effect(distributed_config, databases, start_services):
    start_services(distributed_config, ["reports"])
    url = base_url(distributed_config)
    event = injury_event()
    publish(distributed_config["AMQP_URI"], [event, event])
    publish(distributed_config["AMQP_URI"], [event, injury_event()])
    wait_until(lambda: summary(url)["events_kept"] == 2, message="both distinct events kept")
    assert summary(url)["injuries"] == 2
    with databases.engine("reports").connect() as connection:
        handled = connection.scalar(select(func.count()).select_from(inbox).where(inbox.c.event_id == event.id))
    assert handled == 1


def test_malformed_messages_are_rejected_with_their_reason_and_never_stop_the_consumer(
        distributed_config, databases, start_services):
    start_services(distributed_config, ["reports"])
    url, uri = base_url(distributed_config), distributed_config["AMQP_URI"]
    good, bad_payload = injury_event(), injury_event().to_dict()
    bad_payload["data"]["severity"] = "catastrophic"
    publish_raw(uri, b"\x00\xffnot json")
    publish_raw(uri, b'{"hello": "world"}')
    publish_raw(uri, '{"specversion": "1.0", "id": "x1", "source": "/s", "type": "hazard.teleported", '
                     '"time": "2026-01-01T00:00:00Z", "data": {}}', routing_key="hazard.teleported")
    publish_raw(uri, json.dumps(bad_payload))
    # A batch is read envelope by envelope: the good one in it counts, the bad one alone is rejected.
    in_batch = injury_event()
    publish_raw(uri, json.dumps([in_batch.to_dict(), {**bad_payload, "id": "bad-in-batch"}]),
                content_type=BATCH)
    publish_raw(uri, b'{"not": "an array"}', content_type=BATCH)
    publish(uri, [good])

    wait_until(lambda: summary(url)["injuries"] == 2, message="the good events behind and among the bad ones")
    rejected = wait_until(lambda: len(rejects := get(f"{url}/api/reports/dead-letters",
                                                    status="rejected")["dead_letters"]) == 6 and rejects)
    reasons = " | ".join(row["reason"] for row in rejected)
    for expected in ("not JSON", "envelope", "unknown event type 'hazard.teleported'", "severity",
                     "a batch must be a JSON array"):
        assert expected in reasons
    assert any("bad-in-batch" in get(f"{url}/api/reports/dead-letters/{row['id']}")["body"] for row in rejected)
    assert get(f"{url}/ready")["ready"] is True

    # The operator's command line sees the same rows, with the message itself.
    env = {**os.environ, "DATABASE_URL": databases.url, "PYTHONWARNINGS": "ignore"}
    listing = cli(env, "dead-letters", "list", "--service", "reports")
    assert listing.count("rejected") == 6
    shown = cli(env, "dead-letters", "show", "reports", str(rejected[0]["id"]))
    assert rejected[0]["reason"][:30] in shown and '"body"' in shown


def cli(env, *args):
    done = subprocess.run([sys.executable, "-m", "safecommunity.cli", *args], env=env,
                          capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    return done.stdout


# A consumer that cannot digest some events, to watch retries and dead letters at work.
CURED = set()
flaky_metadata = add_backbone_tables(MetaData())
digested = Table("digested", flaky_metadata, Column("event_id", String(64), primary_key=True))


class FlakyService:
    name = "flaky"
    store = Store()

    @event_handler("injury.reported")
    def handle_injury_reported(self, events):
        for event in self.store.inbox.claim(events):
            if event.data["source"] == "poison" and event.id not in CURED:
                raise RuntimeError(f"cannot digest {event.id}")
            self.store.session.execute(insert(digested).values(event_id=event.id))
        self.store.commit()

    @http("GET", "/api/flaky/digested", scope=PUBLIC)
    def count_digested(self, request):
        return {"digested": self.store.session.scalar(select(func.count()).select_from(digested))}


def test_a_handler_that_always_raises_dead_letters_after_n_attempts_and_the_rest_still_flow(
        distributed_config, databases, start_services):
    flaky_url = databases.url.format(service="flaky")
    create_database_if_missing(flaky_url)
    flaky_metadata.create_all(databases.engine("flaky"))
    runner = start_services(distributed_config, [], extra_classes=[FlakyService])
    wait_until(lambda: get(f"{base_url(distributed_config)}/ready")["ready"], message="flaky ready")
    url = f"{base_url(distributed_config)}/api/flaky"
    poison = injury_event(source="poison")
    publish(distributed_config["AMQP_URI"], [poison] + [injury_event() for _ in range(20)])

    wait_until(lambda: get(f"{url}/digested")["digested"] == 20, message="the 20 behind the poison")
    [dead] = wait_until(lambda: get(f"{url}/dead-letters", status="dead")["dead_letters"], timeout=20)
    assert dead["event_id"] == poison.id and dead["consumer"] == "flaky.handle_injury_reported"
    assert dead["attempts"] == distributed_config["EVENT_RETRY_ATTEMPTS"] == 3
    assert f"RuntimeError: cannot digest {poison.id}" in dead["reason"]
    assert poison.id in get(f"{url}/dead-letters/{dead['id']}")["body"]

    CURED.add(poison.id)  # the bug is fixed; the operator replays the message
    post(f"{url}/dead-letters/{dead['id']}/replay", {}, expect=202)
    wait_until(lambda: get(f"{url}/digested")["digested"] == 21, message="the replayed message")
    assert get(f"{url}/dead-letters/{dead['id']}")["status"] == "resolved"
    assert runner  # still running: nothing crashed


def test_the_outbox_relay_publishes_what_was_committed_while_the_broker_was_down(
        distributed_config, vhost, databases, start_services):
    proxy = TcpProxy(5672).start()
    cut_off = {**distributed_config, "AMQP_URI": vhost.uri.replace(":5672/", f":{proxy.port}/")}
    start_services(cut_off, ["incidents"])
    start_services(distributed_config, ["reports"])
    url = base_url(distributed_config)
    wait_until(lambda: get(f"{url}/ready")["ready"], message="both services ready")

    proxy.stop()
    for _ in range(5):
        post(f"{url}/api/incidents/injuries", injury_card(), expect=201)
    with databases.engine("incidents").connect() as connection:
        def unpublished():
            return connection.scalar(select(func.count()).select_from(outbox)
                                     .where(outbox.c.published_at.is_(None)))
        wait_until(lambda: not get_ready(url), timeout=15, message="readiness to notice the outage")
        assert unpublished() == 5
    assert summary(url)["injuries"] == 0

    proxy.start()
    try:
        wait_until(lambda: summary(url)["injuries"] == 5, timeout=40, message="the relay to catch up")
        wait_until(lambda: get_ready(url), timeout=15, message="readiness to recover")
    finally:
        proxy.stop()


def get_ready(url):
    return requests.get(f"{url}/ready", timeout=5).status_code == 200


def test_dead_letter_rows_of_one_consumer_are_kept_per_event(databases):
    """Parking the same event twice (a redelivery after a crash) keeps one row."""
    create_database_if_missing(databases.url.format(service="flaky"))
    engine = databases.engine("flaky")
    flaky_metadata.create_all(engine)
    letters = DeadLetters(engine)
    event = injury_event()
    letters.park("flaky.handle", event, event.to_json(), "boom")
    letters.park("flaky.handle", event, event.to_json(), "boom again")
    with engine.connect() as connection:
        assert connection.scalar(select(func.count()).select_from(dead_letters)) == 1


def rabbitmqctl(*args):
    done = subprocess.run(["rabbitmqctl", *args], capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr


def test_a_real_broker_restart_loses_nothing(distributed_config, databases, start_services):
    """RabbitMQ itself stops and starts: committed events wait in the outbox, queued ones on disk."""
    start_services(distributed_config, ["incidents", "reports"])
    url = base_url(distributed_config)
    for _ in range(3):
        post(f"{url}/api/incidents/injuries", injury_card(), expect=201)
    wait_until(lambda: summary(url)["injuries"] == 3, message="the first three")

    rabbitmqctl("stop_app")
    try:
        for _ in range(3):  # accepted while the broker is away: they wait in the outbox
            post(f"{url}/api/incidents/injuries", injury_card(), expect=201)
    finally:
        rabbitmqctl("start_app")
    wait_until(lambda: summary(url)["injuries"] == 6, timeout=60, message="the three sent while it was down")
    wait_until(lambda: get_ready(url), timeout=30, message="readiness to recover")
