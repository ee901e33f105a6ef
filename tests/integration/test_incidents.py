"""Incidents over HTTP against real PostgreSQL and RabbitMQ: hazards and their timer, amendments,
accidents, public-order events, filters and history."""
import json
import stat
from datetime import datetime, timedelta, timezone

import eventlet
import pytest
from sqlalchemy import text

from safecommunity.testing import wait_until
from tests.conftest import base_url
from tests.support import (
    accident_report,
    get,
    grid_created,
    hazard_report,
    http,
    injury_card,
    post,
    publish,
    unit_registered,
)

pytestmark = pytest.mark.integration

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64
FAST_POLICY = {"deadline_hours": {"default": {"general": 0.0005, "major": 0.0005},  # about 2 seconds
                                  "fire": {"general": 48, "major": 12}},
               "escalate_major_to": "district-fire", "remind_before_hours": 1, "remind_every_hours": 1}


@pytest.fixture
def incidents(distributed_config, start_services, tmp_path, vhost):
    policy = tmp_path / "policy.json"
    policy.write_text(json.dumps(FAST_POLICY))
    config = {**distributed_config, "HAZARD_CHECK_INTERVAL": 0.2, "HAZARD_POLICY_FILE": str(policy),
              "ATTACHMENTS_DIR": str(tmp_path / "files")}
    start_services(config, ["incidents"])
    publish(vhost.uri, [grid_created("G1"), grid_created("G2")])
    url = base_url(config) + "/api/incidents"
    wait_until(lambda: len(get(f"{url}/grids")["grids"]) == 2, message="incidents to learn the grids")
    return url


def outbox(databases, type_):
    with databases.engine("incidents").connect() as connection:
        rows = connection.execute(text("SELECT envelope FROM outbox WHERE type = :t ORDER BY id"), {"t": type_})
        return [json.loads(row.envelope)["data"] for row in rows]


def hazard(url, **overrides):
    body = {"source": "grid-app", "found_by": "patrol", "category": "fire", "severity": "general",
            "description": "fire exit blocked by boxes", "reported_by": "inspector wang", "grid_code": "G1",
            "responsible_party": "Lotus Mall", **overrides}
    return post(f"{url}/hazards", body, expect=201)["hazard"]


def act(url, hazard_id, action, expect=200, **body):
    return post(f"{url}/hazards/{hazard_id}/{action}", {"actor": "wang", **body}, expect=expect)


def upload(url, hazard_id, data=PNG, content_type="image/png", expect=201):
    response = http.post(f"{url}/hazards/{hazard_id}/attachments", data=data, timeout=10,
                             params={"uploaded_by": "mall", "filename": "after.png"},
                             headers={"Content-Type": content_type})
    assert response.status_code == expect, response.text
    return response.json()


def test_a_hazard_is_rectified_with_evidence_verified_and_closed_and_illegal_steps_are_409(
        incidents, databases, tmp_path):
    found = hazard(incidents)
    assert found["status"] == "reported" and found["history"][0]["actor"] == "inspector wang"
    assert act(incidents, found["id"], "rectify", expect=409, evidence=[])["error"] == "conflict"
    act(incidents, found["id"], "notify", reason="notice 2026-17 served")
    act(incidents, found["id"], "start_rectification")
    assert "evidence" in act(incidents, found["id"], "rectify", expect=400)["fields"]
    assert "file" in upload(incidents, found["id"], data=b"GIF89a", expect=400)["fields"]
    assert "content_type" in upload(incidents, found["id"], content_type="text/html", expect=400)["fields"]
    photo = upload(incidents, found["id"])
    assert photo["size"] == len(PNG) and photo["content_type"] == "image/png"
    assert http.get(f"{incidents}/attachments/{photo['id']}", timeout=10).content == PNG
    [stored] = [path for path in (tmp_path / "files").rglob("*") if path.is_file()]
    assert stat.S_IMODE(stored.stat().st_mode) == 0o600  # evidence is readable by the service's user only
    act(incidents, found["id"], "rectify", evidence=[photo["id"]], reason="boxes removed")
    reopened = act(incidents, found["id"], "verify", passed=False, reason="still blocked at night")
    assert reopened["status"] == "rectifying"
    act(incidents, found["id"], "rectify", evidence=[photo["id"]])
    act(incidents, found["id"], "verify", passed=True)
    closed = act(incidents, found["id"], "close", reason="checked")
    assert closed["status"] == "closed" and closed["on_time"] is True
    assert [h["action"] for h in closed["history"]] == ["report", "notify", "start_rectification", "rectify",
                                                         "reopen", "rectify", "verify", "close"]
    assert closed["history"][3]["evidence"] == [photo["id"]] and closed["attachments"][0]["id"] == photo["id"]
    assert act(incidents, found["id"], "escalate", expect=409, to_department="city", reason="x")
    assert "passed" in act(incidents, found["id"], "verify", expect=400)["fields"]
    assert act(incidents, found["id"], "fly", expect=404)
    types = [e["status"] for e in outbox(databases, "hazard.reopened")]
    assert types == ["rectifying"] and len(outbox(databases, "hazard.closed")) == 1


def test_a_major_hazard_is_escalated_at_once_and_an_overdue_one_is_told_once(incidents, databases):
    major = hazard(incidents, severity="major", category="gas", external_id="GAS-1")
    assert major["escalated_to"] == "district-fire" and major["escalation_level"] == 1
    assert post(f"{incidents}/hazards", {"source": "grid-app", "external_id": "GAS-1", "found_by": "patrol",
                                         "category": "gas", "severity": "major", "description": "again",
                                         "reported_by": "x"}, expect=200)["status"] == "duplicate"
    late = hazard(incidents, category="electrical")  # deadline in about 2 seconds
    done = hazard(incidents, category="electrical", external_id="E-2")
    act(incidents, done["id"], "notify")
    act(incidents, done["id"], "start_rectification")
    act(incidents, done["id"], "rectify", evidence=[upload(incidents, done["id"])["id"]])
    wait_until(lambda: len(outbox(databases, "hazard.overdue")) >= 2, timeout=15, message="overdue hazards")
    eventlet.sleep(1.0)  # several more timer ticks: nothing is told twice
    told = sorted(e["hazard_id"] for e in outbox(databases, "hazard.overdue"))
    assert told == sorted([major["id"], late["id"]])
    assert {e["hazard_id"] for e in outbox(databases, "hazard.reminded")} >= {late["id"]}
    overdue = get(f"{incidents}/hazards", overdue="true")["hazards"]
    assert {h["id"] for h in overdue} == {major["id"], late["id"]}
    assert [h["id"] for h in get(f"{incidents}/hazards", status="rectified")["hazards"]] == [done["id"]]
    assert get(f"{incidents}/hazards/{late['id']}")["history"][-1]["action"] == "overdue"
    assert "status" in http.get(f"{incidents}/hazards", params={"status": "lost"}, timeout=10).json()["fields"]
    assert "grid_code" in post(f"{incidents}/hazards", {"source": "a", "found_by": "patrol", "category": "gas",
                                                        "severity": "general", "description": "d",
                                                        "reported_by": "x", "grid_code": "NOPE"}, expect=400)["fields"]


def test_a_corrected_card_amends_the_case_and_keeps_its_history(incidents, databases):
    card = injury_card("G1", severity="severe")
    created = post(f"{incidents}/injuries", card, expect=201)
    assert created["warnings"] == {"education": ["expected for a patient aged 6 or more"]}
    corrected = {**card, "severity": "moderate", "outcome": "observed", "education": "primary"}
    amended = post(f"{incidents}/injuries", corrected, expect=200)
    assert amended["status"] == "amended" and amended["case"]["version"] == 2
    assert post(f"{incidents}/injuries", corrected, expect=200)["status"] == "duplicate"
    case_id = created["case"]["id"]
    by_put = http.put(f"{incidents}/injuries/{case_id}", timeout=10, json={
        **{k: v for k, v in corrected.items() if k not in ("source", "external_id")}, "age": 79,
        "reason": "age misread", "amended_by": "dr li"}).json()
    assert by_put["changed"] == ["age"] and by_put["case"]["version"] == 3
    history = get(f"{incidents}/injuries/{case_id}/history")["history"]
    assert [(h["action"], h["details"]["version"]) for h in history] == [("amended", 2), ("amended", 3)]
    assert history[0]["details"]["previous"]["severity"] == "severe"
    events = outbox(databases, "injury.amended")
    assert [(e["version"], e["changed"]) for e in events] == [(2, ["severity", "outcome", "education"]),
                                                             (3, ["age"])]
    assert all("education" not in e and "description" not in e for e in events)
    assert len(outbox(databases, "injury.reported")) == 1
    bad = post(f"{incidents}/injuries", injury_card("G1", cause="drowning", transport_mode="bus"), expect=400)
    assert set(bad["fields"]) == {"transport_mode"}
    tables = get(f"{incidents}/code-tables")
    assert {"code": "fall", "number": 3, "zh": "跌倒/坠落", "en": "Fall"} in tables["tables"]["cause"]


def test_injuries_are_filtered_by_time_grid_cause_and_severity(incidents):
    now = datetime.now(timezone.utc)
    old = {"injury_time": (now - timedelta(days=40)).isoformat(), "visit_time": (now - timedelta(days=40)).isoformat()}
    post(f"{incidents}/injuries/batch", {"cases": [
        injury_card("G1"), injury_card("G1", severity="severe"), injury_card("G2", **old),
        injury_card("G2", cause="animal", nature="open_wound")]}, expect=200)
    assert len(get(f"{incidents}/injuries", grid_code="G1")["cases"]) == 2
    assert len(get(f"{incidents}/injuries", severity="severe")["cases"]) == 1
    assert len(get(f"{incidents}/injuries", cause="animal")["cases"]) == 1
    since = (now - timedelta(days=7)).isoformat()
    assert len(get(f"{incidents}/injuries", since=since)["cases"]) == 3
    assert len(get(f"{incidents}/injuries", limit=1, offset=3)["cases"]) == 1
    assert "cause" in http.get(f"{incidents}/injuries", params={"cause": "meteor"}, timeout=10).json()["fields"]


def test_accidents_and_public_order_events_are_reported_once_and_disputes_are_mediated(incidents, databases):
    accident = {"source": "traffic-police", "external_id": "T-9", "kind": "traffic", "grid_code": "G2",
                "occurred_at": "2026-11-01T08:00:00+08:00", "deaths": 3, "injuries": 2, "economic_loss": 12000.5}
    first = post(f"{incidents}/accidents", accident, expect=201)["accident"]
    assert first["mass_casualty"] is True
    assert post(f"{incidents}/accidents", accident, expect=200)["status"] == "duplicate"
    wrong = {**accident, "external_id": "T-10", "deaths": -1, "kind": "ufo"}
    assert {"deaths", "kind"} <= set(post(f"{incidents}/accidents", wrong, expect=400)["fields"])
    assert [a["id"] for a in get(f"{incidents}/accidents", kind="traffic", mass_casualty="true")["accidents"]] \
        == [first["id"]]
    dispute = post(f"{incidents}/public-order", {"source": "police", "external_id": "D-1", "kind": "dispute",
                                                 "occurred_at": "2026-11-02T10:00:00+08:00", "grid_code": "G1"},
                   expect=201)["event"]
    assert dispute["stage"] == "warned"
    steps = f"{incidents}/public-order/{dispute['id']}/steps"
    assert post(steps, {"step": "mediated", "actor": "li"}, expect=409)["error"] == "conflict"
    post(steps, {"step": "investigated", "actor": "li"}, expect=200)
    done = post(steps, {"step": "mediated", "actor": "li", "note": "agreement signed"}, expect=200)
    assert done["stage"] == "mediated" and [h["to_status"] for h in done["history"]] == ["investigated", "mediated"]
    assert [e["deaths"] for e in outbox(databases, "accident.reported")] == [3]
    assert [e["kind"] for e in outbox(databases, "public_order.reported")] == ["dispute"]


def test_accidents_public_order_events_and_hazards_come_in_batches_with_a_result_each(incidents, databases):
    single = post(f"{incidents}/accidents", accident_report(grid_code="G1"), expect=201)["accident"]
    again = {k: v for k, v in single.items() if k not in ("id", "mass_casualty", "unit_id")}
    batch = [accident_report(grid_code="G2"), accident_report(deaths=-1), accident_report(grid_code="NOPE"),
             again, accident_report(kind="ufo", colour="red"), 42]
    answer = post(f"{incidents}/accidents/batch", {"accidents": batch}, expect=200)
    assert answer["counts"] == {"created": 1, "duplicate": 1, "rejected": 4}
    results = answer["results"]
    assert [r["status"] for r in results] == ["created", "rejected", "rejected", "duplicate", "rejected", "rejected"]
    assert results[3]["accident_id"] == single["id"] and results[2]["errors"] == {"grid_code": ["no grid NOPE"]}
    assert set(results[4]["errors"]) == {"kind", "colour"} and "deaths" in results[1]["errors"]
    assert get(f"{incidents}/accidents/{results[0]['accident_id']}")["grid_code"] == "G2"
    assert len(outbox(databases, "accident.reported")) == 2  # the refused ones changed nothing

    events = [{"source": "police", "external_id": f"PO-{n}", "kind": "burglary", "grid_code": "G1",
               "occurred_at": "2026-11-02T10:00:00+08:00"} for n in range(3)]
    answer = post(f"{incidents}/public-order/batch", {"events": events + [events[0], {**events[1], "kind": "x"}]},
                  expect=200)
    assert answer["counts"] == {"created": 3, "duplicate": 1, "rejected": 1}
    assert len(get(f"{incidents}/public-order", kind="burglary")["events"]) == 3

    hazards = [hazard_report(grid_code="G1", external_id=f"H-{n}") for n in range(999)] + [hazard_report()]
    answer = post(f"{incidents}/hazards/batch", {"hazards": hazards}, expect=200)
    assert answer["counts"] == {"created": 1000, "duplicate": 0, "rejected": 0}
    assert len(outbox(databases, "hazard.reported")) == 1000
    assert post(f"{incidents}/hazards/batch", {"hazards": hazards + [hazard_report()]}, expect=400)["fields"] \
        == {"hazards": ["send 1 to 1000 hazards"]}
    assert "events" in post(f"{incidents}/public-order/batch", {"events": []}, expect=400)["fields"]
    assert "cases" in post(f"{incidents}/accidents/batch", {"cases": batch}, expect=400)["fields"]
    assert len(outbox(databases, "hazard.reported")) == 1000


def test_a_report_naming_a_registered_unit_is_tied_to_it_and_takes_its_grid(incidents, databases, vhost):
    publish(vhost.uri, [unit_registered("u-lotus", "G2", credit_code="91120116MA05K1234X")])
    wait_until(lambda: get(f"{incidents}/units")["units"], message="incidents to learn the unit")
    accident = post(f"{incidents}/accidents", accident_report(unit_credit_code="91120116MA05K1234X"),
                    expect=201)["accident"]
    assert (accident["unit_id"], accident["grid_code"], accident["unit_name"]) == ("u-lotus", "G2", "Lotus Mall")
    assert outbox(databases, "accident.reported")[0]["unit_id"] == "u-lotus"
    refused = post(f"{incidents}/hazards", hazard_report(unit_id="u-ghost", unit_credit_code="91120116MA05K1234X"),
                   expect=400)
    assert refused["fields"] == {"unit_id": ["is not the unit with credit code 91120116MA05K1234X"]}
    assert post(f"{incidents}/accidents", accident_report(unit_credit_code="911201160000000000"),
                expect=400)["fields"] == {"unit_credit_code": ["no unit with credit code 911201160000000000"]}
    assert outbox(databases, "hazard.reported") == [] and len(get(f"{incidents}/accidents")["accidents"]) == 1

    publish(vhost.uri, [unit_registered("u-lotus", "G1", credit_code="91120116MA05K1234X", changed=["grid_code"])])
    wait_until(lambda: get(f"{incidents}/units")["units"][0]["grid_code"] == "G1", message="the unit to move")
    hazard = post(f"{incidents}/hazards", hazard_report(unit_id="u-lotus"), expect=201)["hazard"]
    assert (hazard["unit_id"], hazard["grid_code"]) == ("u-lotus", "G1")
    assert [h["id"] for h in get(f"{incidents}/hazards", unit_id="u-lotus")["hazards"]] == [hazard["id"]]
    assert [a["id"] for a in get(f"{incidents}/accidents", unit_id="u-lotus")["accidents"]] == [accident["id"]]
