"""AMQP intake from departments, on the real broker: the permissions script, good records stored,
bad ones rejected where the sender can see them, poison never blocking the queue, a parked message
replayed, and the queue there before incidents first starts."""
import json
import os
import subprocess
import sys
import uuid
from pathlib import Path

import amqp
import pytest
import requests
from kombu import Connection
from sqlalchemy import text

import services.incidents.service as incidents_service
from safecommunity.testing import RABBIT_HOST, RABBIT_MANAGEMENT, wait_until
from tests.conftest import base_url
from tests.support import (
    accident_report,
    get,
    grid_created,
    hazard_report,
    http,
    injury_card,
    publish,
    unit_registered,
)

pytestmark = pytest.mark.integration

SCRIPT = Path(__file__).resolve().parents[2] / "deploy" / "rabbitmq-departments.sh"


@pytest.fixture
def department(vhost):
    """A department user made by deploy/rabbitmq-departments.sh in the test's vhost; deleted after."""
    name, password = f"hosp-{uuid.uuid4().hex[:8]}", uuid.uuid4().hex
    made = subprocess.run([str(SCRIPT), "-p", vhost.name, f"{name}:{password}"], capture_output=True, text=True,
                          timeout=60, env={**os.environ})
    assert made.returncode == 0, made.stderr
    yield name, password
    requests.delete(f"{RABBIT_MANAGEMENT}/api/users/{name}", auth=vhost.auth, timeout=10)


def connect_as(vhost, name, password):
    # confirm_publish: without it py-amqp's basic_publish ignores confirm_timeout and returns at once,
    # and closing the connection right after may lose what was still on its way.
    connection = amqp.Connection(host=f"{RABBIT_HOST}:5672", userid=name, password=password,
                                 virtual_host=vhost.name, confirm_publish=True)
    connection.connect()
    return connection, connection.channel()


def send(channel, routing_key, body):
    body = body if isinstance(body, bytes) else json.dumps(body).encode()
    channel.basic_publish(amqp.Message(body, content_type="application/json", message_id=uuid.uuid4().hex),
                          exchange="safecommunity.intake", routing_key=routing_key, confirm_timeout=10)


def test_departments_publish_their_own_cards_and_see_why_bad_ones_were_refused(
        distributed_config, start_services, vhost, databases, department):
    start_services(distributed_config, ["incidents"])  # declares the intake exchange and queue
    url = base_url(distributed_config) + "/api/incidents"
    name, password = department
    key = f"intake.{name}.injury"
    connection, channel = connect_as(vhost, name, password)
    try:
        good = injury_card(source=name)
        send(channel, key, good)
        send(channel, key, b"{not json")                              # poison
        send(channel, key, [good])                                    # not one card
        send(channel, key, injury_card(source=name, age=130))         # a bad field
        send(channel, key, injury_card(source="someone-else"))        # another's source
        send(channel, key, injury_card(source=name, grid_code="NOPE"))
        second = {k: v for k, v in injury_card().items() if k != "source"}  # source: the department
        send(channel, key, second)
        send(channel, key, good)                                      # a duplicate
        with pytest.raises(amqp.exceptions.AccessRefused):
            send(channel, "intake.city-hospital.injury", injury_card(source="city-hospital"))
            channel.basic_qos(0, 1, False)  # the broker's refusal closes the channel; the next call sees it
    finally:
        connection.collect()

    cases = wait_until(lambda: (found := get(f"{url}/injuries", source=name)["cases"]) and len(found) == 2
                       and found, message="the two good cards")
    assert {case["external_id"] for case in cases} == {good["external_id"], second["external_id"]}
    rejections = wait_until(lambda: (r := get(f"{url}/intake/rejections", department=name)["rejections"])
                            and len(r) == 5 and r, message="five rejections")
    reasons = [r["reasons"] for r in rejections]
    assert [r for r in reasons if r.get("_message", [""])[0].startswith("not JSON")], reasons
    for expected in ({"_message": ["must be one JSON object (one card per message)"]},
                     {"age": ["Must be greater than or equal to 0 and less than or equal to 120."]},
                     {"source": [f"must be {name}, the department sending"]}, {"grid_code": ["no grid NOPE"]}):
        assert expected in reasons
    assert all(r["channel"] == "amqp" and r["routing_key"] == key for r in rejections)
    with databases.engine("incidents").connect() as db:
        told = [json.loads(row.envelope)["data"] for row in
                db.execute(text("SELECT envelope FROM outbox WHERE type = 'intake.rejected' ORDER BY id"))]
        stored = db.scalar(text("SELECT count(*) FROM injury_cases"))
    assert len(told) == 5 and {t["department"] for t in told} == {name} and stored == 2
    assert get(f"{url}/intake/rejections", department="nobody")["rejections"] == []
    wait_until(lambda: vhost.queue("incidents.intake").get("messages") == 0, timeout=20,
               message="the intake queue to drain (nothing stuck behind the poison)")


def told(databases, type_):
    with databases.engine("incidents").connect() as db:
        return [json.loads(row.envelope)["data"] for row in
                db.execute(text("SELECT envelope FROM outbox WHERE type = :t ORDER BY id"), {"t": type_})]


def test_departments_send_accidents_public_order_events_and_hazards_checked_as_over_http(
        distributed_config, start_services, vhost, databases, department):
    start_services(distributed_config, ["incidents"])
    url = base_url(distributed_config) + "/api/incidents"
    publish(vhost.uri, [grid_created("G1"), unit_registered("u-lotus", "G1", credit_code="91120116MA05K1234X")])
    wait_until(lambda: get(f"{url}/units")["units"] and get(f"{url}/grids")["grids"], message="grid and unit")
    name, password = department
    accident = accident_report(source=name, grid_code="G1")
    connection, channel = connect_as(vhost, name, password)
    try:
        send(channel, f"intake.{name}.accident", accident)
        send(channel, f"intake.{name}.accident", accident)                           # a duplicate
        send(channel, f"intake.{name}.accident", accident_report(source=name, deaths=-1))
        send(channel, f"intake.{name}.public_order", {"external_id": "PO-1", "kind": "petition",
                                                      "occurred_at": "2026-11-02T10:00:00+08:00"})
        send(channel, f"intake.{name}.hazard", hazard_report(source=name, unit_credit_code="91120116MA05K1234X"))
        send(channel, f"intake.{name}.hazard", hazard_report(source=name, unit_id="u-ghost"))
    finally:
        connection.collect()

    rejections = wait_until(lambda: (found := get(f"{url}/intake/rejections", department=name)["rejections"])
                            and len(found) >= 2 and found, message="two rejections")
    assert sorted((r["kind"], list(r["reasons"])) for r in rejections) == [("accident", ["deaths"]),
                                                                          ("hazard", ["unit_id"])]
    assert {r["kind"] for r in told(databases, "intake.rejected")} == {"accident", "hazard"}
    assert [a["external_id"] for a in get(f"{url}/accidents")["accidents"]] == [accident["external_id"]]
    assert [e["source"] for e in get(f"{url}/public-order", kind="petition")["events"]] == [name]
    [hazard] = get(f"{url}/hazards", unit_id="u-lotus")["hazards"]
    assert hazard["grid_code"] == "G1" and hazard["source"] == name
    assert len(told(databases, "accident.reported")) == 1 and len(told(databases, "hazard.reported")) == 1
    wait_until(lambda: vhost.queue("incidents.intake").get("messages") == 0, timeout=20, message="queue drained")


def test_a_message_parked_after_a_transient_fault_is_stored_when_replayed(
        distributed_config, start_services, vhost, databases, department, monkeypatch):
    real, faults = incidents_service.take_in_messages, []

    def flaky(store, messages, policy=None):  # the fault lasts until the test mends it
        if not faults or faults[-1] != "mended":
            faults.append("failed")
            raise RuntimeError("disk full for a moment")
        return real(store, messages, policy)

    monkeypatch.setattr(incidents_service, "take_in_messages", flaky)
    start_services(distributed_config, ["incidents"])
    url = base_url(distributed_config) + "/api/incidents"
    name, password = department
    accident = accident_report(source=name)
    connection, channel = connect_as(vhost, name, password)
    try:
        send(channel, f"intake.{name}.accident", accident)
    finally:
        connection.collect()

    [parked] = wait_until(lambda: get(f"{url}/dead-letters", status="rejected")["dead_letters"],
                          message="the message to be parked")
    assert parked["consumer"] == "incidents.intake" and "disk full" in parked["reason"]
    assert parked["event_type"] == f"intake.{name}.accident"
    assert get(f"{url}/accidents")["accidents"] == []
    wait_until(lambda: vhost.queue("incidents.intake").get("messages") == 0, timeout=20, message="queue drained")

    faults.append("mended")
    response = http.post(f"{url}/dead-letters/{parked['id']}/replay", timeout=10)
    assert response.status_code == 202, response.text
    [stored] = wait_until(lambda: get(f"{url}/accidents")["accidents"], message="the replayed accident")
    assert (stored["external_id"], stored["source"]) == (accident["external_id"], name)
    assert wait_until(lambda: get(f"{url}/dead-letters/{parked['id']}")["status"] == "resolved",
                      message="the dead letter resolved")
    assert len(told(databases, "accident.reported")) == 1


def test_a_record_published_before_incidents_first_starts_is_taken_in_once_it_starts(
        distributed_config, start_services, vhost, databases, department):
    env = {**os.environ, "AMQP_URI": vhost.uri, "DATABASE_URL": databases.url, "PYTHONWARNINGS": "ignore"}
    for _ in range(2):  # the deploy's first step, run twice: idempotent
        done = subprocess.run([sys.executable, "-m", "safecommunity.cli", "migrate", "--service", "incidents"],
                              env=env, capture_output=True, text=True, timeout=180)
        assert done.returncode == 0, done.stderr
    name, password = department
    cards = [injury_card(source=name), injury_card(source=name)]
    connection, channel = connect_as(vhost, name, password)
    try:
        for card in cards:
            send(channel, f"intake.{name}.injury", card)
        send(channel, f"intake.{name}.hazard", hazard_report(source=name, external_id="EARLY-1"))
    finally:
        connection.collect()
    with Connection(vhost.uri) as guest:
        assert guest.default_channel.queue_declare("incidents.intake", passive=True).message_count == 3

    start_services(distributed_config, ["incidents"])
    url = base_url(distributed_config) + "/api/incidents"
    found = wait_until(lambda: (cases := get(f"{url}/injuries", source=name)["cases"]) and len(cases) == 2 and cases,
                       message="the two early cards")
    assert {case["external_id"] for case in found} == {card["external_id"] for card in cards}
    assert [h["external_id"] for h in get(f"{url}/hazards", source=name)["hazards"]] == ["EARLY-1"]
