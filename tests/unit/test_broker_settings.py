"""AMQP_QUEUE_TYPE: classic queues are declared as before (no argument), quorum ones say so, and an
unknown type stops start-up."""
import pytest

from safecommunity import broker


@pytest.fixture(autouse=True)
def classic_afterwards():
    yield
    broker.configure({})


def test_classic_queues_are_declared_without_a_type_argument_as_before():
    broker.configure({"AMQP_QUEUE_TYPE": "classic"})
    assert broker.service_queue("reports", ["injury.reported"]).queue_arguments is None


def test_quorum_queues_are_declared_as_quorum_queues():
    broker.configure({"AMQP_QUEUE_TYPE": "Quorum"})
    queue = broker.service_queue("reports", ["injury.reported"])
    assert queue.queue_arguments == {"x-queue-type": "quorum"} and queue.durable


def test_an_unknown_queue_type_stops_start_up_with_its_name():
    with pytest.raises(SystemExit, match="stream"):
        broker.configure({"AMQP_QUEUE_TYPE": "stream"})
