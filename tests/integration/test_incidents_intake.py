"""AMQP intake from departments, on the real broker: the permissions script, good cards stored,
bad ones rejected where the sender can see them, poison never blocking the queue."""
import json
import os
import subprocess
import uuid
from pathlib import Path

import amqp
import pytest
import requests
from sqlalchemy import text

from safecommunity.testing import RABBIT_HOST, RABBIT_MANAGEMENT, wait_until
from tests.conftest import base_url
from tests.support import get, injury_card

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
    connection = amqp.Connection(host=f"{RABBIT_HOST}:5672", userid=name, password=password,
                                 virtual_host=vhost.name)
    connection.connect()
    channel = connection.channel()
    channel.confirm_select()
    return connection, channel


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
