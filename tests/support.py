"""Small tools the integration and end-to-end tests share."""
import itertools
import time
import uuid
from datetime import date, datetime, timedelta, timezone

import eventlet
import requests
from kombu import Connection

from safecommunity.broker import EVENTS_EXCHANGE, SINGLE, Publisher
from safecommunity.envelope import new_event
from safecommunity.testing import free_port, wait_until

_numbers = itertools.count(1)

# The tests' HTTP client: log_in(token) makes every get/post below (and http.get, http.post...)
# carry the token; tests/conftest.py logs out after each test. Plain `requests` stays anonymous.
http = requests.Session()


def log_in(token):
    http.headers["Authorization"] = f"Bearer {token}"


def log_out():
    http.headers.pop("Authorization", None)


def injury_card(grid_code=None, severity="mild", source="city-hospital", **overrides):
    visit = datetime.now(timezone.utc) - timedelta(hours=2)
    card = {"source": source, "external_id": f"CASE-{next(_numbers)}-{uuid.uuid4().hex[:6]}",
            "grid_code": grid_code, "injury_time": (visit - timedelta(hours=1)).isoformat(),
            "visit_time": visit.isoformat(), "sex": "female", "age": 78, "residence_type": "permanent",
            "cause": "fall", "intent": "unintentional", "place": "home", "activity": "housework",
            "nature": "fracture", "body_part": "lower_limb", "severity": severity,
            "outcome": "admitted" if severity == "severe" else "treated_and_left"}
    return {**card, **overrides}


def injury_event(grid_code=None, severity="mild", source="city-hospital"):
    card = injury_card(grid_code, severity, source)
    data = {key: value for key, value in card.items() if key != "external_id"}
    for key in ("injury_time", "visit_time"):
        data[key] = datetime.fromisoformat(data[key])
    return new_event("injury.reported", {"case_id": str(uuid.uuid4()), **data},
                     source="/safecommunity/incidents")


def grid_created(code):
    return new_event("grid.created", {"code": code, "name": f"Grid {code}", "level": "grid",
                                      "parent_code": None}, source="/safecommunity/registry")


def unit_registered(unit_id, grid_code, credit_code=None, name="Lotus Mall", changed=None):
    """unit.registered as registry tells it (unit.updated with the names of the fields changed)."""
    data = {"unit_id": unit_id, "name": name, "type": "market", "grid_code": grid_code, "credit_code": credit_code,
            "hazardous_chemicals": False, "major_hazard_source": False, "special_workers": 0,
            "certified_special_workers": 0}
    if changed is not None:
        return new_event("unit.updated", {**data, "changed": changed}, source="/safecommunity/registry")
    return new_event("unit.registered", {**data, "registered_on": date(2026, 1, 1)}, source="/safecommunity/registry")


def accident_report(source="traffic-police", **overrides):
    occurred = datetime.now(timezone.utc) - timedelta(hours=3)
    return {"source": source, "external_id": f"ACC-{next(_numbers)}-{uuid.uuid4().hex[:6]}", "kind": "traffic",
            "occurred_at": occurred.isoformat(), "deaths": 0, "injuries": 1, **overrides}


def hazard_report(source="grid-app", **overrides):
    return {"source": source, "found_by": "patrol", "category": "fire", "severity": "general",
            "description": "fire exit blocked by boxes", "reported_by": "inspector wang", **overrides}


def resident_registered(grid_code):
    return new_event("resident.registered", {
        "resident_id": str(uuid.uuid4()), "grid_code": grid_code, "sex": "male", "birth_year": 1960,
        "residence_type": "permanent", "registered_on": date(2026, 1, 1)}, source="/safecommunity/registry")


def publish(amqp_uri, events):
    """Publish events as a producer's relay would, with broker confirms."""
    publisher = Publisher(amqp_uri)
    try:
        publisher.publish([(event.type, event.to_json(), event.id) for event in events])
    finally:
        publisher.close()


def publish_raw(amqp_uri, body, routing_key="injury.reported", content_type=SINGLE):
    """Put any bytes on the events exchange, as a broken or hostile producer might."""
    with Connection(amqp_uri) as connection:
        connection.Producer().publish(body, exchange=EVENTS_EXCHANGE, routing_key=routing_key,
                                      content_type=content_type, delivery_mode=2)


def get(url, **params):
    response = http.get(url, params=params, timeout=10)
    assert response.status_code == 200, (url, response.status_code, response.text)
    return response.json()


def post(url, body, expect):
    response = http.post(url, json=body, timeout=30)
    assert response.status_code == expect, (url, response.status_code, response.text)
    return response.json()


def summary(base_url):
    return get(f"{base_url}/api/reports/summary")


class TcpProxy:
    """A TCP relay to the broker that the test can cut, as a broker outage looks to a service."""

    def __init__(self, target_port):
        self.port, self.target_port = free_port(), target_port
        self.server, self.threads, self.sockets = None, [], []

    def start(self):
        self.server = eventlet.listen(("127.0.0.1", self.port))
        self.threads.append(eventlet.spawn(self._accept))
        return self

    def stop(self):
        """Cut every connection, and stop listening, as a dead broker would."""
        for thread in self.threads:  # first, so no greenthread is left reading a closed socket
            thread.kill()
        for sock in [self.server] + self.sockets:
            sock.close()
        self.threads, self.sockets = [], []

    def _accept(self):
        while True:
            client, _ = self.server.accept()
            upstream = eventlet.connect(("127.0.0.1", self.target_port))
            self.sockets += [client, upstream]
            self.threads += [eventlet.spawn(self._pump, client, upstream),
                             eventlet.spawn(self._pump, upstream, client)]

    @staticmethod
    def _pump(source, target):
        try:
            while data := source.recv(65536):
                target.sendall(data)
        except OSError:
            pass
        finally:
            for sock in (source, target):
                sock.close()


def wait_until_quiet(base_url, settle=0.6, timeout=30):
    """Until reports has stopped taking events: two looks `settle` seconds apart agree."""
    def unchanged():
        before = summary(base_url)["events_kept"]
        time.sleep(settle)
        return summary(base_url)["events_kept"] == before

    wait_until(unchanged, timeout=timeout, message="reports to take every event")
