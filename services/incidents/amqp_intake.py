"""AMQP intake: departments publish raw JSON cards (not CloudEvents) to the topic exchange
`safecommunity.intake` with routing key `intake.<department>.<kind>`; RabbitMQ's topic permissions
(deploy/rabbitmq-departments.sh) let each department's user write only its own keys, so the
department in the key is who sent it.

`@intake("injury", "accident", ...)` on a service method: one queue, `incidents.intake`, shared by
the replicas; messages are handed over in batches (one worker, one transaction) and acknowledged
only after that transaction committed. A batch that fails is retried message by message; a
message that still fails is parked as a rejected dead letter with the reason and acknowledged, so
a poison message never holds back the queue. Replaying such a dead letter (HTTP or CLI) hands it
to the same method again. If the database is down nothing is acknowledged: the broker redelivers
once the consumer reconnects.

`safecommunity migrate` declares the exchange and the queue (declare_intake), so what departments
publish before incidents first starts waits in the queue.
"""
import json
import logging
import socket
import time
from dataclasses import dataclass

import eventlet
from kombu import Consumer, Exchange, binding
from nameko.extensions import Entrypoint, SharedExtension

from safecommunity import metrics
from safecommunity.broker import connect, durable_queue
from safecommunity.consumer import RETRY_EVERY, Batch, as_text, consume_until_stopped, run_in_worker
from safecommunity.database import Database
from safecommunity.deadletters import DeadLetters
from safecommunity.outages import is_outage
from safecommunity.text import MAX_JSON_DEPTH, json_depth_exceeds

from .dependencies import setting
from .intake import INTAKE_KINDS

log = logging.getLogger(__name__)

INTAKE_EXCHANGE = Exchange("safecommunity.intake", type="topic", durable=True)
QUEUE = "incidents.intake"
CONSUMER = "incidents.intake"
MAX_BODY = 64 * 1024  # one card is about 1 KB


def intake_queue(kinds):
    return durable_queue(QUEUE, [binding(INTAKE_EXCHANGE, routing_key=f"intake.*.{kind}") for kind in sorted(kinds)])


def declare_intake(channel):
    """The intake exchange, and its queue bound to every kind taken; idempotent."""
    INTAKE_EXCHANGE(channel).declare()
    intake_queue(INTAKE_KINDS)(channel).declare()


@dataclass(frozen=True)
class IntakeMessage:
    routing_key: str
    department: str | None
    kind: str | None
    message_id: str | None
    card: dict | None      # the parsed JSON object, or None when unreadable
    problem: str | None    # why it could not be read


def read_message(routing_key, body, message_id=None):
    parts = routing_key.split(".")
    department, kind = (parts[1], parts[2]) if len(parts) == 3 and parts[0] == "intake" else (None, None)

    def unreadable(problem):
        return IntakeMessage(routing_key, department, kind, message_id, None, problem)

    if department is None:
        return unreadable("routing key must be intake.<department>.<kind>")
    if len(body) > MAX_BODY:
        return unreadable(f"message is larger than {MAX_BODY} bytes; send one card per message")
    try:
        text = body.decode("utf-8") if isinstance(body, bytes) else body
    except UnicodeDecodeError as exc:
        return unreadable(f"not JSON: not UTF-8 (byte {exc.object[exc.start]:#04x} at {exc.start})")
    if json_depth_exceeds(text):  # the parser would recurse until Python's stack runs out
        return unreadable(f"not JSON: nests objects and arrays deeper than {MAX_JSON_DEPTH}")
    try:
        card = json.loads(text)
    except ValueError as exc:
        return unreadable(f"not JSON: {exc}")
    if not isinstance(card, dict):
        return unreadable("must be one JSON object (one card per message)")
    return IntakeMessage(routing_key, department, kind, message_id, card, None)


class IntakeConsumer(SharedExtension):
    database = Database()

    def __init__(self):
        super().__init__()
        self.entrypoints = {}  # kind -> entrypoint
        self.connected = False
        self._running = False

    def setup(self):
        config = self.container.config
        self.uri = config["AMQP_URI"]
        self.batch_size = setting(config, "INTAKE_BATCH_SIZE")
        self.batch_wait = setting(config, "INTAKE_BATCH_WAIT")
        self.prefetch = int(config["EVENT_PREFETCH"])
        self.dead_letters = DeadLetters(self.database.engine, int(config["EVENT_RETRY_ATTEMPTS"]),
                                        float(config["EVENT_RETRY_BACKOFF"]),
                                        float(config["EVENT_RETRY_BACKOFF_MAX"]))

    def register(self, entrypoint):
        if any(other is not entrypoint for other in self.entrypoints.values()):
            raise ValueError("one @intake method takes every kind; give it all the kinds")
        for kind in entrypoint.kinds:
            self.entrypoints[kind] = entrypoint

    def start(self):
        if self.entrypoints and not self._running:
            self._running = True
            self.container.spawn_managed_thread(self._consume_forever, identifier="amqp-intake")
            self.container.spawn_managed_thread(self._replay_forever, identifier="amqp-intake-replays")

    def stop(self):
        self._running = False

    kill = stop

    dependency = "intake"

    def check_ready(self):
        if not self.connected:
            raise ConnectionError("AMQP intake is not connected to the broker")
        return "intake"

    def queue(self):
        return intake_queue(self.entrypoints)

    def _consume_forever(self):
        consume_until_stopped(self, self._consume, "AMQP intake")

    def _consume(self):
        with connect(self.uri) as connection:
            channel = connection.channel()
            INTAKE_EXCHANGE(channel).declare()
            channel.basic_qos(0, self.prefetch, False)
            batch = Batch()
            Consumer(channel, queues=[self.queue()], no_ack=False, on_message=batch.add).consume()
            self.connected = True
            while self._running:
                try:
                    connection.drain_events(timeout=self.batch_wait)
                except socket.timeout:
                    pass
                connection.heartbeat_check()
                if batch.due(self.batch_size, self.batch_wait):
                    self._process(batch.take())

    def _process(self, messages):
        read = [read_message(m.delivery_info.get("routing_key", ""), m.body,
                             m.properties.get("message_id")) for m in messages]
        started = time.perf_counter()
        self._hand_over(list(zip(messages, read, strict=True)))
        metrics.HANDLER_SECONDS.labels("incidents", CONSUMER).observe(time.perf_counter() - started)
        for message in messages:
            message.ack()

    def _hand_over(self, pairs):
        """Run the entrypoint on the batch; split it on failure; park what still fails alone."""
        exc_info = self._entrypoint().handle([item for _, item in pairs])
        if exc_info is None:
            return
        if is_outage(exc_info[1]):  # the database, not the message: leave it on the queue, try again shortly
            raise exc_info[1]
        if len(pairs) > 1:
            for pair in pairs:
                self._hand_over([pair])
            return
        message, item = pairs[0]
        reason = f"{exc_info[0].__name__}: {exc_info[1]}"
        log.warning("AMQP intake parked a message from %s: %s", item.routing_key, reason)
        self.dead_letters.reject(CONSUMER, as_text(message.body), reason, event_id=item.message_id,
                                 event_type=item.routing_key[:100])
        metrics.EVENTS_REJECTED.labels("incidents").inc()

    def _entrypoint(self):
        return next(iter(self.entrypoints.values()))

    # -- replaying parked messages -----------------------------------------------------------------

    def _replay_forever(self):
        """Parked messages an operator replayed (status retrying, due), and their back-off retries."""
        while self._running:
            try:
                for row in self.dead_letters.claim_due([CONSUMER]):
                    self._replay(row)
            except Exception as exc:
                if not is_outage(exc):
                    log.exception("AMQP intake could not replay parked messages")
            eventlet.sleep(RETRY_EVERY)

    def _replay(self, row):
        """Through the intake again, as it first came: its routing key, body and message id."""
        item = read_message(row.event_type or "", row.body.encode("utf-8"), row.event_id)
        exc_info = self._entrypoint().handle([item])
        if exc_info is None:
            self.dead_letters.resolved(row.id)
        else:
            self.dead_letters.failed_again(row, f"{exc_info[0].__name__}: {exc_info[1]}")


class IntakeEntrypoint(Entrypoint):
    consumer = IntakeConsumer()

    def __init__(self, *kinds, **kwargs):
        self.kinds = kinds
        super().__init__(**kwargs)

    def setup(self):
        self.consumer.register(self)

    def handle(self, messages):
        """Run the service method on a batch in a worker; the exc_info it raised, or None."""
        return run_in_worker(self, messages)


intake = IntakeEntrypoint.decorator

