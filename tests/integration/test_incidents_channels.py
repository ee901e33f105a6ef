"""One card, one answer, however it arrives: one table of cards sent over HTTP one by one, in an
HTTP batch, over AMQP and in a CSV file, on SQLite with the in-process broker and on PostgreSQL
with RabbitMQ, the answers compared; a correction (PUT) is refused for the same reasons."""
import csv
import json
import os
import subprocess
import sys
import uuid
from datetime import datetime, timezone

import pytest

from safecommunity.broker import connect
from safecommunity.testing import wait_until
from services.incidents.amqp_intake import INTAKE_EXCHANGE
from tests.conftest import base_url
from tests.support import get, grid_created, http, publish

pytestmark = pytest.mark.integration

CARD = {"grid_code": "G1", "injury_time": "2026-11-20T08:10:00+08:00", "visit_time": "2026-11-20T09:00:00+08:00",
        "sex": "female", "age": 78, "residence_type": "permanent", "cause": "fall", "intent": "unintentional",
        "place": "home", "activity": "housework", "nature": "fracture", "body_part": "lower_limb",
        "severity": "mild", "outcome": "treated_and_left", "education": "primary"}
INJURED_AT = datetime(2026, 11, 20, 0, 10, tzinfo=timezone.utc)  # 08:10 in Shanghai

# name, external id, what differs from CARD, the answer: (status, {field: [reason]} or None), in CSV too
TABLE = [
    ("good", "A", {}, ("created", None), True),
    ("the same in UTC", "A", {"injury_time": "2026-11-20T00:10:00Z", "visit_time": "2026-11-20T01:00:00+00:00"},
     ("duplicate", None), True),
    ("the same on the site's clock", "A", {"injury_time": "2026-11-20T08:10:00", "visit_time": "2026-11-20 09:00"},
     ("duplicate", None), True),
    ("corrected", "A", {"severity": "moderate"}, ("amended", None), True),
    ("unknown grid", "B", {"grid_code": "NOPE"}, ("rejected", {"grid_code": ["no grid NOPE"]}), True),
    ("bad code", "C", {"cause": "teleport"}, ("rejected", {"cause"}), True),
    ("too long", "D", {"grid_code": "G" * 41, "description": "说" * 2001},
     ("rejected", {"grid_code": ["Longer than maximum length 40."],
                   "description": ["Longer than maximum length 2000."]}), True),
    ("age out of bounds", "E", {"age": 151}, ("rejected", {"age"}), True),
    ("NUL", "F", {"description": "wet\x00floor"}, ("rejected", {"description": ["contains a NUL character"]}), False),
    ("null", "G", {"sex": None}, ("rejected", {"sex": ["Field may not be null."]}), False),
    ("no offset, a year out of range", "H", {"injury_time": "1066-10-14T09:00:00"},
     ("rejected", {"injury_time": ["must be a time in the years 1900 to 2199"]}), True),
]


def cards(source):
    return [{**CARD, "source": source, "external_id": f"{source}-{key}", **changes}
            for _name, key, changes, _answer, _csv in TABLE]


def reasons(answer, expected):
    """The reasons, or only their fields where the table gives only those."""
    return set(answer) if isinstance(expected, set) else answer


@pytest.fixture(params=["embedded", "distributed"])
def platform(request, start_services):
    config = request.getfixturevalue(f"{request.param}_config")
    start_services(config, ["incidents"])
    publish(config["AMQP_URI"], [grid_created("G1")])
    url = base_url(config) + "/api/incidents"
    wait_until(lambda: get(f"{url}/grids")["grids"], message="incidents to learn the grid")
    return config, url


def by_http(url, source):
    answers = []
    for card in cards(source):
        response = http.post(f"{url}/injuries", json=card, timeout=10)
        body = response.json()
        answers.append(("rejected", body["fields"]) if response.status_code == 400 else (body["status"], None))
    return answers


def by_batch(url, source):
    response = http.post(f"{url}/injuries/batch", json={"cases": cards(source)}, timeout=30)
    assert response.status_code == 200, response.text
    return [(r["status"], r.get("errors")) for r in response.json()["results"]]


def by_amqp(config, url, source):
    with connect(config["AMQP_URI"]) as connection:
        producer = connection.Producer()
        for card in cards(source):
            producer.publish(json.dumps(card).encode(), exchange=INTAKE_EXCHANGE, routing_key=f"intake.{source}.injury",
                             content_type="application/json", message_id=uuid.uuid4().hex, delivery_mode=2)
    expected = sum(answer[0] == "rejected" for *_, answer, _csv in TABLE)
    found = wait_until(lambda: (r := get(f"{url}/intake/rejections", department=source)["rejections"])
                       and len(r) == expected and r, timeout=30, message="the rejections")
    refused = {row["external_id"]: row["reasons"] for row in found}
    return [("rejected", refused[card["external_id"]]) if card["external_id"] in refused else ("accepted", None)
            for card in cards(source)]


def by_csv(config, url, source, tmp_path):
    rows = [card for card, (*_, in_csv) in zip(cards(source), TABLE, strict=True) if in_csv]
    path = tmp_path / f"{source}.csv"
    with open(path, "w", newline="", encoding="utf-8") as file:
        writer = csv.DictWriter(file, fieldnames=["external_id"] + list(CARD) + ["description"])
        writer.writeheader()
        writer.writerows({k: v for k, v in row.items() if k != "source"} for row in rows)
    done = subprocess.run([sys.executable, "-m", "safecommunity.cli", "incidents", "import-injuries", str(path),
                           "--source", source], capture_output=True, text=True, timeout=120,
                          env={**os.environ, "DATABASE_URL": config["DATABASE_URL"], "PYTHONWARNINGS": "ignore"})
    assert done.returncode == 1, done.stderr  # some rows refused
    with open(f"{path}.errors.csv", newline="", encoding="utf-8") as file:
        refused = {}
        for error in csv.DictReader(file):
            refused.setdefault(error["external_id"], {}).setdefault(error["field"], []).append(error["reason"])
    return [("rejected", refused[row["external_id"]]) if row["external_id"] in refused else ("accepted", None)
            for row in rows], done.stdout


def stored(url, source):
    return {case["external_id"].split("-")[-1]: case for case in get(f"{url}/injuries", source=source)["cases"]}


def test_every_channel_gives_one_card_the_same_answer(platform, tmp_path):
    config, url = platform
    answers = {"http": by_http(url, "hosp-http"), "batch": by_batch(url, "hosp-batch"),
               "amqp": by_amqp(config, url, "hosp-amqp")}
    csv_answers, summary = by_csv(config, url, "hosp-csv", tmp_path)
    in_csv = [row for row in TABLE if row[-1]]
    assert summary.startswith(f"{len(in_csv)} rows: 1 created, 1 amended, 2 duplicate, {len(in_csv) - 4} rejected")

    for channel in ("http", "batch"):  # these two answer each card
        for (name, _key, _changes, (status, why), _csv), (got, got_why) in zip(TABLE, answers[channel], strict=True):
            assert got == status, (channel, name, got_why)
            assert (got_why is None) if why is None else reasons(got_why, why) == why, (channel, name, got_why)
    for index, (name, *_rest) in enumerate(TABLE):  # the other channels keep the reasons they refused for
        assert answers["batch"][index] == answers["http"][index], name
        accepted = answers["http"][index][0] != "rejected"
        assert answers["amqp"][index] == (("accepted", None) if accepted else answers["http"][index]), name
    http_in_csv = [answer for answer, row in zip(answers["http"], TABLE, strict=True) if row[-1]]
    for (name, *_rest), answer, expected in zip(in_csv, csv_answers, http_in_csv, strict=True):
        assert answer == (("accepted", None) if expected[0] != "rejected" else expected), name

    for source in ("hosp-http", "hosp-batch", "hosp-amqp", "hosp-csv"):
        cases = wait_until(lambda source=source: (found := stored(url, source)) and found["A"]["version"] == 2
                           and found, timeout=20, message=f"the case from {source}")
        assert set(cases) == {"A"}, source  # one case, amended once: the other offsets were duplicates
        case = cases["A"]
        assert datetime.fromisoformat(case["injury_time"]) == INJURED_AT, case["injury_time"]
        assert case["injury_time"].endswith("+00:00") and case["severity"] == "moderate"


def test_a_correction_is_refused_for_what_a_new_card_is_refused_for(platform):
    _config, url = platform
    case = http.post(f"{url}/injuries", json={**CARD, "source": "hosp-put", "external_id": "P-1"}, timeout=10).json()
    correction = f"{url}/injuries/{case['case']['id']}"
    for name, _key, changes, (status, why), _csv in TABLE:
        body = {**CARD, **changes, "reason": "typed again", "amended_by": "dr li"}
        response = http.put(correction, json=body, timeout=10)
        if status == "rejected":
            assert response.status_code == 400 and reasons(response.json()["fields"], why) == why, (name, response.text)
        else:
            assert response.status_code == 200, (name, response.text)
    huge = http.put(correction, json={**CARD, "grid_code": "G" * 1_000_000, "reason": "r", "amended_by": "x"},
                    timeout=30)
    assert huge.status_code == 400 and huge.json()["fields"] == {"grid_code": ["Longer than maximum length 40."]}
    assert get(correction)["version"] == 2 and get(correction)["severity"] == "moderate"
