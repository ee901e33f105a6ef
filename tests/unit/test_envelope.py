import json

import pytest

from safecommunity.envelope import MalformedEvent, new_event, read_envelope

PROJECT = {"project_id": "p-1", "name": "Falls", "intervention_area": "elderly", "status": "new",
           "start_date": None}


def test_an_event_survives_the_trip_through_its_envelope():
    event = new_event("project.created", PROJECT, source="/safecommunity/projects", subject="p-1")
    read = read_envelope(event.to_json().encode())
    assert read == event
    assert json.loads(event.to_json())["specversion"] == "1.0"


def test_a_producer_cannot_publish_a_payload_that_breaks_its_contract():
    with pytest.raises(ValueError, match="status"):
        new_event("project.created", {**PROJECT, "status": "abandoned"}, source="/x")


@pytest.mark.parametrize("body, reason", [
    (b"not json at all", "not JSON"),
    (b"[1, 2]", "envelope"),
    (json.dumps({"specversion": "1.0", "id": "1", "source": "/x", "time": "t", "data": {}}), "type"),
    (json.dumps({"specversion": "0.3", "id": "1", "source": "/x", "type": "project.created",
                 "time": "t", "data": PROJECT}), "specversion"),
    (json.dumps({"specversion": "1.0", "id": "1", "source": "/x", "type": "hazard.teleported",
                 "time": "t", "data": {}}), "unknown event type"),
    (json.dumps({"specversion": "1.0", "id": "1", "source": "/x", "type": "project.created",
                 "time": "t", "dataversion": 9, "data": PROJECT}), "dataversion 9"),
    (json.dumps({"specversion": "1.0", "id": "1", "source": "/x", "type": "project.created",
                 "time": "t", "data": {**PROJECT, "status": "abandoned"}}), "status"),
])
def test_an_unreadable_message_is_malformed_with_its_reason(body, reason):
    with pytest.raises(MalformedEvent, match=reason):
        read_envelope(body)


def test_a_reader_ignores_fields_it_does_not_know():
    event = new_event("project.created", PROJECT, source="/x")
    envelope = {**event.to_dict(), "traceparent": "00-abc", "data": {**PROJECT, "budget": 10}}
    assert read_envelope(json.dumps(envelope)).id == event.id
