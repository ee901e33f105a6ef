"""RabbitMQ topology and publishing.

One topic exchange carries every event, routed by its type. Each consuming service has one durable
queue, `<service>.events`, bound to the types the catalogue says it consumes (a consumer of
everything, like reports, binds "#" too). Publishers declare this whole topology from the catalogue
before they publish, so an event published before its consumer ever started is not lost.

Consecutive events of one type travel together in one message, a CloudEvents JSON batch: the broker's
cost is per message (persisting one into each bound queue), so a thousand events from one commit
cost it fifty messages, not a thousand. A lone event travels as itself.
"""
import logging
from contextlib import contextmanager
from itertools import groupby
from operator import itemgetter

import amqp
from kombu import Connection, Exchange, Queue, binding

from .catalogue import CATALOGUE

log = logging.getLogger(__name__)

EVENTS_EXCHANGE = Exchange("safecommunity.events", type="topic", durable=True)
SINGLE, BATCH = "application/json", "application/cloudevents-batch+json"  # content types of messages
EVENTS_HEADER = "events"  # how many events a message carries


class PublishFailed(Exception):
    pass


def connect(uri, heartbeat=30):
    # memory:// polls its queues; the default second would add a second of latency per hop.
    return Connection(uri, heartbeat=heartbeat, transport_options={"polling_interval": 0.005})


# What every durable queue of ours is declared as (AMQP_QUEUE_TYPE, set once per process by
# configure): RabbitMQ's classic queues, or quorum queues, replicated over a cluster's nodes (Raft),
# which survive the loss of a node. A queue's type is fixed when it is first declared.
QUEUE_TYPES = ("classic", "quorum")
_queue_arguments = {}


def configure(config):
    """Take AMQP_QUEUE_TYPE from the config; an unknown type stops start-up with a clear message."""
    global _queue_arguments
    queue_type = (config.get("AMQP_QUEUE_TYPE") or "classic").strip().lower()
    if queue_type not in QUEUE_TYPES:
        raise SystemExit(f"AMQP_QUEUE_TYPE {queue_type!r} is not one of {', '.join(QUEUE_TYPES)}")
    # classic is declared without the argument, as queues made before the setting existed were
    _queue_arguments = {"x-queue-type": queue_type} if queue_type != "classic" else {}


def durable_queue(name, bindings):
    """A durable queue of the configured type."""
    return Queue(name, bindings=bindings, durable=True, queue_arguments=dict(_queue_arguments) or None)


def service_queue(service, types):
    return durable_queue(f"{service}.events", [binding(EVENTS_EXCHANGE, routing_key=t) for t in types])


def catalogue_queues():
    consumers = {}
    for spec in CATALOGUE.values():
        for consumer in spec.consumers:
            consumers.setdefault(consumer, []).append(spec.type)
    return [service_queue(service, types) for service, types in sorted(consumers.items())]


def declare_topology(connection):
    channel = connection.default_channel
    EVENTS_EXCHANGE(channel).declare()
    for queue in catalogue_queues():
        queue(channel).declare()


def as_messages(events, per_message):
    """(routing_key, body, message_id, content_type, count) for (routing_key, body, message_id) events:
    runs of one type as JSON arrays of up to per_message envelopes, in order; a lone event as itself."""
    for routing_key, run in groupby(events, key=itemgetter(0)):
        run = list(run)
        for start in range(0, len(run), per_message):
            chunk = run[start:start + per_message]
            if len(chunk) == 1:
                yield routing_key, chunk[0][1], chunk[0][2], SINGLE, 1
            else:
                body = "[" + ",".join(body for _, body, _ in chunk) + "]"
                yield routing_key, body, chunk[0][2], BATCH, len(chunk)


class Publisher:
    """Publishes a batch of events and returns only once the broker has confirmed all of them.

    Over AMQP the confirms are pipelined: the whole batch is written, then the acks are awaited,
    instead of one round trip per message. Over memory:// a plain publish is already final.
    """

    def __init__(self, uri, confirm_timeout=30, events_per_message=20):
        self.uri = uri
        self.confirm_timeout = confirm_timeout
        self.events_per_message = events_per_message
        self.connection = None
        self._channel = None

    def publish(self, events):
        """events: iterable of (routing_key, envelope as text, event id)."""
        if self.connection is None:
            self._connect()
        messages = list(as_messages(events, self.events_per_message))
        if self._channel is not None:
            self._publish_confirmed(messages)
        else:
            producer = self.connection.Producer()
            for routing_key, body, message_id, content_type, count in messages:
                producer.publish(body, exchange=EVENTS_EXCHANGE, routing_key=routing_key,
                                 content_type=content_type, content_encoding="utf-8", delivery_mode=2,
                                 message_id=message_id, type=routing_key, headers={EVENTS_HEADER: count})

    def _connect(self):
        # No heartbeats: an idle publisher reads nothing, so it could not answer them; a dead
        # connection shows up as an error on the next publish, and the relay reconnects.
        connection = connect(self.uri, heartbeat=0)
        connection.ensure_connection(max_retries=1)
        declare_topology(connection)
        self.connection = connection
        if connection.transport.driver_type == "amqp":  # real RabbitMQ: confirm mode
            self._channel = connection.connection.channel()
            self._channel.confirm_select()
            self._channel.events["basic_ack"].add(self._on_ack)
            self._channel.events["basic_nack"].add(self._on_nack)
            self._next_tag = 1

    def _on_ack(self, tag, multiple):
        self._settle(tag, multiple, self._acked)

    def _on_nack(self, tag, multiple):
        self._settle(tag, multiple, self._nacked)

    def _settle(self, tag, multiple, into):
        if multiple:  # every tag up to this one; tags are consecutive, so walk up from the last such ack
            settled = [t for t in range(self._settled_below, tag + 1) if t in self._pending]
            self._settled_below = max(self._settled_below, tag + 1)
        else:
            settled = [tag]
        for t in settled:
            self._pending.discard(t)
            into.add(t)

    def _publish_confirmed(self, messages):
        self._pending, self._acked, self._nacked = set(), set(), set()
        self._settled_below = self._next_tag
        with self._one_write():
            for routing_key, body, message_id, content_type, count in messages:
                message = amqp.Message(body, content_type=content_type, content_encoding="utf-8",
                                       delivery_mode=2, message_id=message_id, type=routing_key,
                                       application_headers={EVENTS_HEADER: count})
                self._channel.basic_publish(message, exchange=EVENTS_EXCHANGE.name, routing_key=routing_key)
                self._pending.add(self._next_tag)
                self._next_tag += 1
        while self._pending:
            self.connection.connection.drain_events(timeout=self.confirm_timeout)
        if self._nacked:
            raise PublishFailed(f"broker refused {len(self._nacked)} of {len(messages)} messages")

    @contextmanager
    def _one_write(self):
        """The batch's frames go to the socket in one write, not one (green) syscall per message:
        py-amqp's transport sends each frame through `_write`, which we collect meanwhile."""
        transport = self.connection.connection.transport
        send = getattr(transport, "_write", None)
        if send is None:  # a transport we do not know: one write per message, as py-amqp does
            yield
            return
        frames = []
        transport._write = lambda data: frames.append(bytes(data))  # data is a view of a reused buffer
        try:
            yield
        finally:
            transport._write = send
        send(b"".join(frames))

    def close(self):
        if self.connection is not None:
            try:
                self.connection.release()
            except Exception:  # the connection is already broken; nothing more to release
                log.debug("closing a broken publisher connection", exc_info=True)
        self.connection = None
        self._channel = None
