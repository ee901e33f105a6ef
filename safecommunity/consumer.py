"""Consuming events: `@event_handler("injury.reported")` on a service method.

One EventBus per service container reads the service's queue, `<service>.events` (a handler of
"#" takes every type no other handler takes), hands events to handlers in batches (one worker
and one transaction per batch) and acknowledges only after the batch is handled or parked as a
dead letter. A batch that fails is retried one event at a time, so one bad event cannot hold back
the others. The handler receives a list of Event and passes it through
`self.store.inbox.claim(events)`, which drops the ones handled before. A message may carry several
events (broker.as_messages); each is read, handled, parked or rejected on its own.
"""
import json
import logging
import socket
import time
from itertools import groupby

import eventlet
from eventlet.event import Event as Signal
from kombu import Consumer
from nameko.extensions import Entrypoint, SharedExtension

from . import metrics
from .broker import BATCH, EVENTS_HEADER, connect, service_queue
from .catalogue import CATALOGUE
from .database import Database
from .deadletters import DeadLetters
from .envelope import MalformedEvent, read_envelope
from .outages import Backoff, DependencyDown, is_outage

log = logging.getLogger(__name__)

ALL = "#"
RETRY_EVERY = 0.5  # seconds between looks for dead letters due another attempt
HEALTHY_FOR = 5.0  # seconds of consuming after which a failure is a new outage, waited out from the start


class HandlerFailed(Exception):
    pass


class Batch:
    """Messages from one queue waiting to be handled together; `due` counts the events they carry."""

    def __init__(self):
        self.messages = []
        self.events = 0
        self.since = 0.0

    def add(self, message):
        if not self.messages:
            self.since = time.monotonic()
        self.messages.append(message)
        self.events += events_carried(message)

    def due(self, size, wait):
        return self.messages and (self.events >= size or time.monotonic() - self.since >= wait)

    def take(self):
        messages, self.messages, self.events = self.messages, [], 0
        return messages


def events_carried(message):
    try:
        return max(1, int((message.headers or {}).get(EVENTS_HEADER, 1)))
    except (TypeError, ValueError):  # a header we did not write: the message is read as it is anyway
        return 1


def read_message(message):
    """[(body, Event or the MalformedEvent saying why not)] for each event the message carries."""
    if message.content_type != BATCH:
        return [(message.body, _read(message.body))]
    try:
        bodies = json.loads(message.body)
    except ValueError as exc:
        return [(message.body, MalformedEvent(f"batch is not JSON: {exc}"))]
    if not isinstance(bodies, list) or not bodies:
        return [(message.body, MalformedEvent("a batch must be a JSON array of envelopes"))]
    return [(body, _read(body)) for body in bodies]


def _read(body):
    try:
        return read_envelope(body)
    except MalformedEvent as exc:
        return exc


class EventBus(SharedExtension):
    database = Database()

    def __init__(self):
        super().__init__()
        self.handlers = {}      # event type -> handler; "#" for every other type
        self.connected, self.waiting_on = False, None
        self._running = False

    def setup(self):
        config = self.container.config
        self.service = self.container.service_name
        self.uri = config["AMQP_URI"]
        self.batch_size = int(config["EVENT_BATCH_SIZE"])
        self.batch_wait = float(config["EVENT_BATCH_WAIT"])
        self.prefetch = int(config["EVENT_PREFETCH"])
        self.dead_letters = DeadLetters(self.database.engine, int(config["EVENT_RETRY_ATTEMPTS"]),
                                        float(config["EVENT_RETRY_BACKOFF"]),
                                        float(config["EVENT_RETRY_BACKOFF_MAX"]))

    def register(self, handler):
        for type_ in handler.types:
            if type_ in self.handlers:
                raise ValueError(f"{type_} has two handlers in {self.service}")
            self.handlers[type_] = handler

    def start(self):
        if self.handlers and not self._running:
            self._running = True
            self.container.spawn_managed_thread(self._consume_forever, identifier="event-bus")
            self.container.spawn_managed_thread(self._retry_forever, identifier="event-retries")

    def stop(self):
        self._running = False

    kill = stop

    dependency = "consumer"

    def check_ready(self):
        if not self.connected:
            raise ConnectionError(f"event consumer is waiting: {self.waiting_on or 'not connected yet'}")
        return self.dependency

    def handler_for(self, type_):
        return self.handlers.get(type_) or self.handlers.get(ALL)

    # -- consuming -------------------------------------------------------------------------------

    def _consume_forever(self):
        consume_until_stopped(self, self._consume, f"{self.service} consumer")

    def _consume(self):
        with connect(self.uri) as connection:
            channel = connection.channel()
            channel.basic_qos(0, self.prefetch, False)
            batch = Batch()
            queue = service_queue(self.service, sorted(self.handlers))
            Consumer(channel, queues=[queue], no_ack=False, on_message=batch.add).consume()
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
        readable = []
        for message in messages:
            for body, event in read_message(message):
                if not isinstance(event, MalformedEvent):
                    readable.append((body, event))
                    continue
                log.warning("%s rejected a message: %s", self.service, event)
                self.dead_letters.reject(f"{self.service}.events", as_text(body), str(event),
                                         event_type=str(message.properties.get("type"))[:100])
                metrics.EVENTS_REJECTED.labels(self.service).inc()
        for handler, run in groupby(readable, key=lambda pair: self.handler_for(pair[1].type)):
            run = list(run)
            if handler is None:  # bound by an older version of this service; nothing handles it now
                continue
            self._deliver(handler, run)
        for message in messages:
            message.ack()

    def _deliver(self, handler, run):
        started = time.perf_counter()
        try:
            handler.handle([event for _, event in run])
        except HandlerFailed as exc:
            if len(run) > 1:
                for item in run:
                    self._deliver(handler, [item])
                return
            body, event = run[0]
            log.warning("%s failed on %s %s: %s", handler.consumer, event.type, event.id, exc,
                        extra={"event_id": event.id, "correlation_id": event.correlationid, "actor": event.actor})
            metrics.EVENTS_FAILED.labels(self.service, event.type).inc()
            self.dead_letters.park(handler.consumer, event, as_text(body), str(exc))
            return
        metrics.HANDLER_SECONDS.labels(self.service, handler.consumer).observe(time.perf_counter() - started)
        # one line per run handled, naming the requests its events came from (the access log's ids)
        log.info("%s handled %d event(s)", handler.consumer, len(run), extra={
            "correlation_ids": sorted({event.correlationid for _, event in run if event.correlationid})[:20]})
        for type_, items in groupby(event.type for _, event in run):
            metrics.EVENTS_CONSUMED.labels(self.service, type_).inc(len(list(items)))

    # -- retrying dead letters -------------------------------------------------------------------

    def _retry_forever(self):
        consumers = sorted({handler.consumer for handler in self.handlers.values()})
        while self._running and consumers:
            try:
                for row in self.dead_letters.claim_due(consumers):
                    self._retry(row)
                self._measure()
            except Exception as exc:
                if not is_outage(exc):
                    log.exception("%s could not retry dead letters", self.service)
            eventlet.sleep(RETRY_EVERY)

    def _retry(self, row):
        try:
            event = read_envelope(row.body)
        except MalformedEvent as exc:
            self.dead_letters.rejected_again(row, str(exc))
            return
        handler = {handler.consumer: handler for handler in self.handlers.values()}[row.consumer]
        try:
            handler.handle([event])
        except HandlerFailed as exc:
            metrics.EVENTS_FAILED.labels(self.service, event.type).inc()
            self.dead_letters.failed_again(row, str(exc))
            return
        self.dead_letters.resolved(row.id)

    def _measure(self):
        counts = self.dead_letters.counts()
        for status in ("retrying", "dead", "rejected"):
            metrics.DEAD_LETTERS.labels(self.service, status).set(counts.get(status, 0))


class EventHandler(Entrypoint):
    bus = EventBus()

    def __init__(self, *types, **kwargs):
        self.types = types
        super().__init__(**kwargs)

    @property
    def consumer(self):
        return f"{self.container.service_name}.{self.method_name}"

    def setup(self):
        unknown = [t for t in self.types if t != ALL and t not in CATALOGUE]
        if unknown:
            raise ValueError(f"{self.consumer} handles uncatalogued event types {unknown}")
        self.bus.register(self)

    def handle(self, events):
        """Run the service method on a batch in a worker; raise HandlerFailed if it raised, and
        DependencyDown if what it raised was an outage (the events are then to be tried again, not
        parked: the bus leaves them unacknowledged on the queue)."""
        exc_info = run_in_worker(self, events)
        if exc_info is None:
            return
        if is_outage(exc_info[1]):
            raise DependencyDown(f"{exc_info[0].__name__}: {exc_info[1]}")
        raise HandlerFailed(f"{exc_info[0].__name__}: {exc_info[1]}")


event_handler = EventHandler.decorator


def run_in_worker(entrypoint, batch):
    """Run the entrypoint's service method on a batch in a nameko worker and wait for it: the
    exc_info it raised, or None."""
    done = Signal()

    def handle_result(_worker_ctx, result, exc_info):
        done.send(exc_info)
        return result, exc_info

    entrypoint.container.spawn_worker(entrypoint, (batch,), {}, handle_result=handle_result)
    return done.wait()


def consume_until_stopped(owner, consume, what):
    """Call consume() while owner._running; after any failure (the broker gone, or the database)
    mark owner not connected and start afresh after a short jittered back-off (outages.Backoff).
    Unacknowledged messages come back from the broker."""
    backoff = Backoff()
    while owner._running:
        started = time.monotonic()
        try:
            consume()
        except Exception as exc:
            owner.connected, owner.waiting_on = False, f"{type(exc).__name__}: {str(exc)[:200]}"
            if time.monotonic() - started > HEALTHY_FOR:
                backoff.reset()
            log.warning("%s stopped (%s: %s); reconnecting in up to %.1fs", what, type(exc).__name__,
                        str(exc)[:200], backoff.next)
            backoff.wait()


def as_text(body):
    """The body as text a database column will take, whatever bytes it holds (NULs included); an
    envelope taken out of a batch as its JSON."""
    if isinstance(body, bytes):
        text = body.decode("utf-8", "backslashreplace")
    elif isinstance(body, str):
        text = body
    else:
        text = json.dumps(body, ensure_ascii=False, default=str)
    return text.replace("\x00", "\\x00")
