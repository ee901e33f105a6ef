"""Intake of accidents, public-order events and hazards (HTTP single and batch, AMQP), placed by the
unit they name, on the real repositories over an in-memory SQLite database."""
import json
from datetime import datetime, timedelta, timezone
from types import SimpleNamespace

import pytest
from sqlalchemy import create_engine, func, select
from sqlalchemy.orm import Session

from safecommunity.runner import declare_broker
from safecommunity.tables import outbox
from services.incidents.amqp_intake import IntakeConsumer, declare_intake, intake_queue, read_message
from services.incidents.intake import INTAKE_KINDS, take_in_messages, take_in_records
from services.incidents.policy import HazardPolicy
from services.incidents.service import IncidentsService
from services.incidents.storage import IncidentsUnitOfWork, accidents, hazards, intake_rejections, metadata

NOW = datetime.now(timezone.utc)
POLICY = HazardPolicy()
LOTUS = {"unit_id": "u-lotus", "credit_code": "91120116MA05K1234X", "name": "Lotus Mall", "type": "market",
         "grid_code": "G2", "as_of": NOW - timedelta(days=1)}


@pytest.fixture
def store():
    engine = create_engine("sqlite://")
    metadata.create_all(engine)
    uow = IncidentsUnitOfWork(Session(engine), "incidents")
    uow.grids.add_many([{"code": code, "name": code, "level": "grid"} for code in ("G1", "G2")])
    uow.units.apply([dict(LOTUS)])
    uow.commit()
    yield uow
    uow.close()


def accident(external_id="T-1", **overrides):
    return {"source": "traffic-police", "external_id": external_id, "kind": "traffic", "grid_code": "G1",
            "occurred_at": (NOW - timedelta(hours=3)).isoformat(), "deaths": 0, "injuries": 2, **overrides}


def hazard(**overrides):
    return {"source": "grid-app", "found_by": "patrol", "category": "fire", "severity": "general",
            "description": "fire exit blocked", "reported_by": "inspector wang", **overrides}


def public_order(external_id="P-1", **overrides):
    return {"source": "police", "external_id": external_id, "kind": "dispute",
            "occurred_at": (NOW - timedelta(hours=1)).isoformat(), **overrides}


def count(store, table):
    return store.session.scalar(select(func.count()).select_from(table))


def told(store, type_):
    rows = store.session.scalars(select(outbox.c.envelope).where(outbox.c.type == type_))
    return [json.loads(row)["data"] for row in rows]


def test_a_batch_stores_the_good_accidents_and_says_why_each_bad_one_was_refused(store):
    results = take_in_records(store, "accident", [
        accident("T-1"), accident("T-2", deaths=-1), accident("T-3", grid_code="NOPE"), accident("T-1"),
        accident("T-4", colour="red"), "not an object"])
    store.commit()
    assert [r["status"] for r in results] == ["created", "rejected", "rejected", "duplicate", "rejected", "rejected"]
    assert results[3]["accident_id"] == results[0]["accident_id"]  # the same key twice in a batch: stored once
    assert "deaths" in results[1]["errors"] and results[2]["errors"] == {"grid_code": ["no grid NOPE"]}
    assert results[4]["errors"] == {"colour": ["Unknown field."]} and "_schema" in results[5]["errors"]
    assert count(store, accidents) == 1 and len(told(store, "accident.reported")) == 1
    [again] = take_in_records(store, "accident", [accident("T-1", injuries=5)])
    assert again == {"index": 0, "status": "duplicate", "accident_id": results[0]["accident_id"]}
    assert count(store, accidents) == 1


def test_a_record_naming_its_unit_by_credit_code_is_tied_to_it_and_takes_its_grid(store):
    [result] = take_in_records(store, "accident", [accident(grid_code=None, unit_credit_code=LOTUS["credit_code"])])
    store.commit()
    stored = store.accidents.get(result["accident_id"])
    assert (stored.unit_id, stored.grid_code, stored.unit_name) == ("u-lotus", "G2", "Lotus Mall")
    assert told(store, "accident.reported")[0]["unit_id"] == "u-lotus"


def test_a_hazard_naming_its_unit_by_id_keeps_the_grid_and_name_it_gives(store):
    [result] = take_in_records(store, "hazard", [hazard(unit_id="u-lotus", grid_code="G1", unit_name="Lotus B1")],
                               POLICY)
    store.commit()
    stored = store.hazards.get(result["hazard_id"])
    assert (stored.unit_id, stored.grid_code, stored.unit_name) == ("u-lotus", "G1", "Lotus B1")
    assert told(store, "hazard.reported")[0]["unit_id"] == "u-lotus"


@pytest.mark.parametrize("named, reasons", [
    ({"unit_credit_code": "911201160000000000"}, {"unit_credit_code": ["no unit with credit code 911201160000000000"]}),
    ({"unit_id": "u-ghost"}, {"unit_id": ["no unit u-ghost"]}),
    ({"unit_id": "u-ghost", "unit_credit_code": LOTUS["credit_code"]},
     {"unit_id": [f"is not the unit with credit code {LOTUS['credit_code']}"]}),
    ({"unit_id": "u-ghost", "grid_code": "NOPE"}, {"unit_id": ["no unit u-ghost"], "grid_code": ["no grid NOPE"]}),
])
def test_an_unknown_unit_is_refused_with_the_field_and_the_reason_and_nothing_is_stored(store, named, reasons):
    [result] = take_in_records(store, "hazard", [hazard(**named)], POLICY)
    store.commit()
    assert result == {"index": 0, "status": "rejected", "errors": reasons}
    assert count(store, hazards) == 0 and told(store, "hazard.reported") == []


def test_hazards_are_de_duplicated_on_source_and_external_id_and_never_without_one(store):
    results = take_in_records(store, "hazard", [hazard(), hazard(), hazard(external_id="H-1"),
                                                hazard(external_id="H-1", severity="major")], POLICY)
    store.commit()
    assert [r["status"] for r in results] == ["created", "created", "created", "duplicate"]
    assert count(store, hazards) == 3 and len(told(store, "hazard.escalated")) == 0


def test_a_newer_unit_event_wins_and_an_older_one_arriving_late_changes_nothing(store):
    moved = {**LOTUS, "grid_code": "G1", "as_of": NOW}
    store.units.apply([moved])
    store.units.apply([{**LOTUS, "name": "Old Lotus", "as_of": NOW - timedelta(days=2)}])
    store.units.apply([{**LOTUS, "unit_id": "u-other", "credit_code": "91120116MA05K9999Y", "name": "Other",
                        "as_of": NOW}])
    store.commit()
    [unit] = store.units.find({"u-lotus"}, set())
    assert (unit["name"], unit["grid_code"], unit["credit_code"]) == ("Lotus Mall", "G1", LOTUS["credit_code"])
    store.units.apply([{**LOTUS, "unit_id": "u-new", "name": "New owner", "as_of": NOW}])  # the code moves
    store.commit()
    assert [u["unit_id"] for u in store.units.find(set(), {LOTUS["credit_code"]})] == ["u-new"]
    assert [u["name"] for u in store.units.list(10, 0)] == ["Lotus Mall", "New owner", "Other"]


def test_the_amqp_intake_takes_every_kind_and_keeps_what_it_refused_for_the_sender(store):
    def message(kind, record, department="police"):
        return read_message(f"intake.{department}.{kind}", json.dumps(record).encode(), f"m-{kind}")

    injury = {"external_id": "C-1", "injury_time": (NOW - timedelta(hours=3)).isoformat(),
              "visit_time": (NOW - timedelta(hours=2)).isoformat(), "sex": "male", "age": 30,
              "residence_type": "permanent", "cause": "fall", "intent": "unintentional", "place": "home",
              "activity": "housework", "nature": "fracture", "body_part": "lower_limb", "severity": "mild",
              "outcome": "treated_and_left"}
    results = take_in_messages(store, [
        message("injury", injury), message("accident", {**accident(), "source": "police"}),
        message("public_order", {k: v for k, v in public_order().items() if k != "source"}),
        message("hazard", hazard(source="police", unit_credit_code=LOTUS["credit_code"])),
        message("hazard", hazard(source="police", unit_id="u-ghost")),
        message("accident", accident(source="traffic-police"))], POLICY)
    store.commit()
    assert [r["status"] for r in results] == ["created", "created", "created", "created", "rejected"]
    assert store.hazards.get(results[3]["hazard_id"]).grid_code == "G2"
    rejections = store.rejections.list("police", 10, 0)
    assert sorted((r["kind"], json.dumps(r["reasons"])) for r in rejections) == [
        ("accident", json.dumps({"source": ["must be police, the department sending"]})),
        ("hazard", json.dumps({"unit_id": ["no unit u-ghost"]}))]
    assert {t["kind"] for t in told(store, "intake.rejected")} == {"accident", "hazard"}
    assert count(store, intake_rejections) == 2


class FakeDeadLetters:
    def __init__(self):
        self.resolved_ids, self.failed = [], []

    def resolved(self, row_id):
        self.resolved_ids.append(row_id)

    def failed_again(self, row, reason):
        self.failed.append((row.id, reason))


class FakeEntrypoint:
    def __init__(self, fail=None):
        self.handed, self.fail = [], fail

    def handle(self, items):
        self.handed.append(items)
        return (RuntimeError, RuntimeError(self.fail), None) if self.fail else None


@pytest.mark.parametrize("fail, resolved, failed", [
    (None, [7], []), ("still broken", [], [(7, "RuntimeError: still broken")])])
def test_a_replayed_parked_message_goes_through_the_intake_again_as_it_first_came(fail, resolved, failed):
    consumer = IntakeConsumer()
    consumer.dead_letters, entrypoint = FakeDeadLetters(), FakeEntrypoint(fail)
    consumer.entrypoints = {"accident": entrypoint}
    body = json.dumps(accident(source="police"))
    consumer._replay(SimpleNamespace(id=7, event_type="intake.police.accident", body=body, event_id="m-1"))
    [[item]] = entrypoint.handed
    assert (item.department, item.kind, item.message_id, item.card, item.problem) == (
        "police", "accident", "m-1", json.loads(body), None)
    assert (consumer.dead_letters.resolved_ids, consumer.dead_letters.failed) == (resolved, failed)


def test_the_migrate_step_declares_the_intake_queue_bound_to_every_kind_taken():
    keys = sorted(binding.routing_key for binding in intake_queue(INTAKE_KINDS).bindings)
    assert keys == ["intake.*.accident", "intake.*.hazard", "intake.*.injury", "intake.*.public_order"]
    assert IncidentsService.broker_topology == (declare_intake,)
    declare_broker({"AMQP_URI": "memory://"}, ["incidents"])  # private to a process: nothing to declare
