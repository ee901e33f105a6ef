"""Events on the wire: runs of one type share a broker message, and a consumer reads each back."""
import json
from types import SimpleNamespace

from safecommunity.broker import BATCH, EVENTS_HEADER, SINGLE, as_messages
from safecommunity.consumer import Batch, read_message
from safecommunity.envelope import MalformedEvent, new_event
from tests.support import grid_created

PROJECT = {"project_id": "p-1", "name": "Falls", "intervention_area": "elderly", "status": "new",
           "start_date": None}


def project_event(**changes):
    return new_event("project.created", {**PROJECT, **changes}, source="/safecommunity/projects", subject="p-1")


def as_wire(events, per_message):
    """What the consumer receives for these events: kombu-like messages."""
    return [SimpleNamespace(body=body.encode(), content_type=content_type, headers={EVENTS_HEADER: count},
                            routing_key=routing_key, message_id=message_id)
            for routing_key, body, message_id, content_type, count
            in as_messages([(e.type, e.to_json(), e.id) for e in events], per_message)]


def test_runs_of_one_type_share_messages_in_order_and_a_lone_event_travels_alone():
    created = [project_event() for _ in range(5)]
    events = created[:3] + [grid_created("G-1")] + created[3:]
    messages = as_wire(events, per_message=2)

    assert [(m.routing_key, m.content_type, m.headers[EVENTS_HEADER]) for m in messages] == [
        ("project.created", BATCH, 2), ("project.created", SINGLE, 1),
        ("grid.created", SINGLE, 1), ("project.created", BATCH, 2)]
    assert [m.message_id for m in messages] == [events[0].id, events[2].id, events[3].id, events[4].id]
    read = [event for message in messages for _, event in read_message(message)]
    assert read == events  # every event, once, in the order committed
    # One to a message, as consumers of an older version expect (deploy/README.md, upgrading).
    assert {m.content_type for m in as_wire(events, per_message=1)} == {SINGLE}


def test_one_broken_envelope_in_a_batch_spoils_only_itself():
    good, bad = project_event(), json.loads(project_event().to_json())
    bad["data"]["status"] = "abandoned"
    message = SimpleNamespace(body=json.dumps([json.loads(good.to_json()), bad, 7]).encode(), content_type=BATCH,
                              headers={EVENTS_HEADER: 3})
    (_, first), (body, second), (_, third) = read_message(message)
    assert first == good
    assert isinstance(second, MalformedEvent) and "status" in str(second) and body["id"] == bad["id"]
    assert isinstance(third, MalformedEvent)


def test_a_batch_that_is_not_an_array_of_envelopes_is_one_malformed_message():
    for body, reason in ((b"[oops", "not JSON"), (b"{}", "JSON array"), (b"[]", "JSON array")):
        [(kept, event)] = read_message(SimpleNamespace(body=body, content_type=BATCH, headers={}))
        assert kept == body and isinstance(event, MalformedEvent) and reason in str(event)


def test_a_consumer_batch_counts_events_not_messages():
    batch = Batch()
    for message in as_wire([project_event() for _ in range(45)], per_message=20):
        batch.add(message)
    assert len(batch.messages) == 3 and batch.events == 45
    assert batch.due(size=45, wait=60) and not batch.due(size=46, wait=60)
    batch.add(SimpleNamespace(headers={EVENTS_HEADER: "lots"}))  # a header we did not write counts as one
    assert batch.events == 46
