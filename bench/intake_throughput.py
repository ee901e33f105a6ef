"""Injury intake throughput, end to end, against the real broker and database.

What it measures, in one run:

1. End to end: all five services run in distributed mode, each in its own process, on a fresh
   RabbitMQ vhost and fresh PostgreSQL databases. N injury cards (generated before the clock
   starts) are POSTed in batches of 1000 to incidents' batch intake by 2 client threads. The
   clock runs from the first POST until reports' /api/reports/summary counts N injuries, so it
   covers intake, the outbox relay, RabbitMQ and the reports projection. The intake-only rate is
   N / (time until the last POST returned).
2. Peak RSS of every service process, sampled every 100 ms while (1) runs, and the CPU each used.
3. The raw broker rate with plain kombu on the same broker: N persistent messages of the size of a
   real injury.reported envelope, published with confirms to a durable queue while a kombu
   Consumer (prefetch 1000, ack each) consumes them in a second thread; first publish to last
   message consumed. Two publisher variants: kombu's confirm_publish (one round trip per message)
   and py-amqp confirm_select with pipelined batches of 1000 (as safecommunity.broker.Publisher).

It ends with a Markdown block to paste into bench/README.md.

Run it from the repository root (RabbitMQ with management and PostgreSQL must be up):

    .venv/bin/python bench/intake_throughput.py [--cases N] [--keep-logs]
"""
import argparse
import os
import queue
import random
import shutil
import sys
import tempfile
import threading
import time
from contextlib import ExitStack
from datetime import datetime, timezone

import amqp
import psutil
import requests
from kombu import Connection, Consumer, Queue
from sqlalchemy import text

from safecommunity.config import SERVICES
from safecommunity.seed import random_case
from safecommunity.testing import PostgresDatabases, RabbitVhost, ServiceProcess, free_port, migrate, wait_until

BATCH = 1000              # cards per POST (the intake's maximum)
CLIENT_THREADS = 2
POLL_SUMMARY = 0.05       # seconds
SAMPLE_RSS = 0.1          # seconds
RSS_LIMIT_MB = 150
TARGET_RATE = 1000        # cases/s end to end
PREFETCH = 1000


# -- the platform -----------------------------------------------------------------------------

def start_services(vhost, dbs, log_dir, stack):
    """Every service in its own process; stopped when the stack unwinds, even on error."""
    env = {"AMQP_URI": vhost.uri, "DATABASE_URL": dbs.url}
    processes = {name: ServiceProcess([name], free_port(), env=env, log_path=os.path.join(log_dir, f"{name}.log"))
                 for name in SERVICES}
    stack.callback(stop_services, processes)
    for process in processes.values():
        process.start(wait=False)
    for name, process in processes.items():
        process.wait_ready()
        print(f"  {name:<14} pid {process.process.pid:<8} {process.url}")
    return processes


def stop_services(processes):
    """Terminate all at once, then wait for each (ServiceProcess.stop kills after the timeout)."""
    for process in processes.values():
        if process.process and process.process.poll() is None:
            process.process.terminate()
    for process in processes.values():
        process.stop(timeout=15)


# -- cards and intake -------------------------------------------------------------------------

def make_cards(n, seed=2026):
    """n valid, unique cards (distinct external_id, no grid: incidents knows none in a fresh run)."""
    rng = random.Random(seed)
    cards = [random_case(rng, [None], i) for i in range(n)]
    for i, card in enumerate(cards):
        card["source"], card["external_id"] = "bench", f"BENCH-{i:08d}"
    return cards


def batches_of(cards, size=BATCH):
    return [cards[i:i + size] for i in range(0, len(cards), size)]


def post_batches(url, work, errors, token):
    """One client thread: POST batches from the shared queue until it is empty."""
    session = requests.Session()
    session.headers["Authorization"] = f"Bearer {token}"
    while True:
        try:
            batch = work.get_nowait()
        except queue.Empty:
            return
        try:
            check_batch_response(session.post(url, json={"cases": batch}, timeout=300), len(batch))
        except Exception as exc:  # reported by the main thread
            errors.append(exc)
            return


def check_batch_response(response, size):
    if response.status_code != 200:
        raise AssertionError(f"batch intake answered {response.status_code}: {response.text[:500]}")
    counts = response.json()["counts"]
    if counts["created"] != size:
        raise AssertionError(f"batch of {size} gave {counts}")


def run_intake(url, batches, token):
    """POST every batch with CLIENT_THREADS threads (token: one with incidents:write); returns when
    the last POST has returned."""
    work, errors = queue.Queue(), []
    for batch in batches:
        work.put(batch)
    threads = [threading.Thread(target=post_batches, args=(url, work, errors, token), daemon=True)
               for _ in range(CLIENT_THREADS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    if errors:
        raise errors[0]


def injuries_counted(reports_url):
    return requests.get(f"{reports_url}/api/reports/summary", timeout=10).json()["injuries"]


def wait_for_reports(reports_url, n, timeout):
    wait_until(lambda: injuries_counted(reports_url) >= n, timeout, POLL_SUMMARY,
               f"reports to count {n} injuries")
    counted = injuries_counted(reports_url)
    if counted != n:
        raise AssertionError(f"reports counted {counted} injuries, expected {n}")


# -- watching the processes -------------------------------------------------------------------

class Sampler:
    """Samples every service's RSS every 100 ms in a thread; also CPU seconds over the window."""

    def __init__(self, processes):
        self.processes = processes
        self.peak = {name: 0.0 for name in processes}
        self.ps = {name: psutil.Process(p.process.pid) for name, p in processes.items()}
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def __enter__(self):
        self.cpu_before = self._cpu()
        self._thread.start()
        return self

    def __exit__(self, *exc):
        self._stop.set()
        self._thread.join()
        self.cpu_seconds = {name: after - self.cpu_before[name] for name, after in self._cpu().items()}

    def _cpu(self):
        return {name: sum(p.cpu_times()[:2]) for name, p in self.ps.items()}

    def _run(self):
        while not self._stop.is_set():
            self.sample()
            self._stop.wait(SAMPLE_RSS)

    def sample(self):
        for name, process in self.processes.items():
            try:
                self.peak[name] = max(self.peak[name], process.rss_mb())
            except OSError:  # the process is gone; the run will fail elsewhere
                pass


# -- end to end -------------------------------------------------------------------------------

def measure_end_to_end(processes, n):
    """N cards through batch intake until reports counts them; (e2e s, intake s, sampler)."""
    batches = batches_of(make_cards(n))
    intake_url = f"{processes['incidents'].url}/api/incidents/injuries/batch"
    token = processes["incidents"].admin_token(subject="bench")
    with Sampler(processes) as sampler:
        started = time.perf_counter()
        run_intake(intake_url, batches, token)
        intake_seconds = time.perf_counter() - started
        print(f"  intake done after {intake_seconds:.2f}s; waiting for reports")
        wait_for_reports(processes["reports"].url, n, timeout=max(120, n / 20))
        e2e_seconds = time.perf_counter() - started
    return e2e_seconds, intake_seconds, sampler


def real_envelope(dbs):
    """One injury.reported envelope as incidents' outbox relayed it."""
    with dbs.engine("incidents").connect() as connection:
        envelope = connection.scalar(text("SELECT envelope FROM outbox WHERE type = 'injury.reported' LIMIT 1"))
    return envelope.encode("utf-8")


# -- raw kombu --------------------------------------------------------------------------------

def raw_queue(name):
    return Queue(name, routing_key=name, durable=True)


def consume_all(uri, name, n, ready, done):
    """Consume n messages with a kombu Consumer (prefetch 1000, ack each); sets `done` at the last."""
    count = 0

    def on_message(message):
        nonlocal count
        message.ack()
        count += 1

    with Connection(uri) as connection:
        with Consumer(connection, queues=[raw_queue(name)], on_message=on_message, prefetch_count=PREFETCH):
            ready.set()
            while count < n:
                connection.drain_events(timeout=60)
    done["at"] = time.perf_counter()


def publish_confirm_each(uri, name, body, n):
    """kombu with confirm_publish: every publish waits for its broker ack."""
    with Connection(uri, transport_options={"confirm_publish": True}) as connection:
        producer = connection.Producer()
        for _ in range(n):
            producer.publish(body, routing_key=name, delivery_mode=2, content_type="application/json",
                             content_encoding="utf-8", serializer=None)


def refuse(tag, multiple):
    raise AssertionError(f"the broker nacked message {tag}")


def publish_pipelined(uri, name, body, n, batch=BATCH):
    """py-amqp confirm_select: publish a batch of 1000, then drain its acks (as broker.Publisher)."""
    with Connection(uri) as connection:
        channel = connection.connection.channel()
        channel.confirm_select()
        acked = {"last": 0}
        channel.events["basic_ack"].add(lambda tag, multiple: acked.update(last=max(acked["last"], tag)))
        channel.events["basic_nack"].add(refuse)
        sent = 0
        while sent < n:
            for _ in range(min(batch, n - sent)):
                channel.basic_publish(amqp.Message(body, delivery_mode=2, content_type="application/json"),
                                      exchange="", routing_key=name)
            sent += min(batch, n - sent)
            while acked["last"] < sent:
                connection.connection.drain_events(timeout=30)


def measure_raw(uri, publish, body, n):
    """Publisher (this thread) and consumer (a second thread) run concurrently; (total s, publish s)."""
    name = f"bench.raw.{publish.__name__}"
    with Connection(uri) as connection:
        raw_queue(name)(connection.default_channel).declare()
    ready, done = threading.Event(), {}
    consumer = threading.Thread(target=consume_all, args=(uri, name, n, ready, done), daemon=True)
    consumer.start()
    ready.wait(30)
    started = time.perf_counter()
    publish(uri, name, body, n)
    publish_seconds = time.perf_counter() - started
    consumer.join(timeout=max(120, n / 50))
    if "at" not in done:
        raise AssertionError(f"consumer of {name} did not get all {n} messages")
    return done["at"] - started, publish_seconds


# -- reporting --------------------------------------------------------------------------------

def machine():
    with open("/proc/cpuinfo") as cpuinfo:
        model = next((line.split(":", 1)[1].strip() for line in cpuinfo if line.startswith("model name")), "?")
    return f"{os.cpu_count()} CPU, {model}"


def broker_version(vhost):
    response = requests.get("http://127.0.0.1:15672/api/overview", auth=vhost.auth, timeout=10)
    return f"RabbitMQ {response.json().get('rabbitmq_version', '?')}"


def postgres_version(dbs):
    with dbs.engine("incidents").connect() as connection:
        return "PostgreSQL " + connection.scalar(text("SHOW server_version"))


def summary(n, e2e, intake, sampler, raw, envelope_bytes, versions):
    e2e_rate = n / e2e
    lines = ["| measure | value |", "|---|---|",
             f"| N (injury cases) | {n} |",
             f"| end to end | **{e2e_rate:,.0f} cases/s** ({e2e:.2f} s; target >= {TARGET_RATE}) |",
             f"| intake only (last POST returned) | {n / intake:,.0f} cases/s ({intake:.2f} s) |"]
    for label, (total, publish_s) in raw.items():
        rate = n / total
        lines.append(f"| raw kombu, {label} | {rate:,.0f} msg/s publish+consume "
                     f"(publish alone {n / publish_s:,.0f} msg/s) |")
        lines.append(f"| ratio end to end / raw ({label}) | {e2e_rate / rate:.2f} |")
    for name in SERVICES:
        flag = " **over limit**" if sampler.peak[name] > RSS_LIMIT_MB else ""
        lines.append(f"| peak RSS {name} | {sampler.peak[name]:.0f} MB{flag} "
                     f"(CPU {sampler.cpu_seconds[name]:.1f} s = {100 * sampler.cpu_seconds[name] / e2e:.0f}%) |")
    lines += [f"| message size | {envelope_bytes} bytes (one real injury.reported envelope) |",
              f"| machine | {machine()}; {versions} |",
              f"| date | {datetime.now(timezone.utc):%Y-%m-%d %H:%M} UTC |"]
    return "\n".join(lines)


# -- main -------------------------------------------------------------------------------------

RAW_VARIANTS = {"confirm each (kombu confirm_publish)": publish_confirm_each,
                "pipelined confirms, batches of 1000 (py-amqp)": publish_pipelined}


def run(n, log_dir):
    with ExitStack() as stack:
        vhost = stack.enter_context(RabbitVhost())
        dbs = stack.enter_context(PostgresDatabases())
        print(f"vhost {vhost.name}, databases {dbs.prefix}_*; logs in {log_dir}")
        migrate(dbs.url, SERVICES)
        processes = start_services(vhost, dbs, log_dir, stack)
        print(f"end to end: {n} cases, batches of {BATCH}, {CLIENT_THREADS} client threads")
        e2e, intake, sampler = measure_end_to_end(processes, n)
        print(f"  {n / e2e:,.0f} cases/s end to end ({e2e:.2f}s), {n / intake:,.0f} cases/s intake only")
        stop_services(processes)
        body = real_envelope(dbs)
        raw = {}
        for label, publish in RAW_VARIANTS.items():
            raw[label] = measure_raw(vhost.uri, publish, body, n)
            print(f"  raw kombu, {label}: {n / raw[label][0]:,.0f} msg/s")
        versions = f"{broker_version(vhost)}, {postgres_version(dbs)}"
        return summary(n, e2e, intake, sampler, raw, len(body), versions)


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--cases", type=int, default=20000, help="injury cases to push (default 20000)")
    parser.add_argument("--keep-logs", action="store_true", help="keep the services' logs after a good run")
    args = parser.parse_args()
    log_dir = tempfile.mkdtemp(prefix="sc-bench-")
    try:
        table = run(args.cases, log_dir)
    except BaseException:
        print(f"\nFAILED; the services' logs are in {log_dir}", file=sys.stderr)
        raise
    print("\n" + table)
    if args.keep_logs:
        print(f"\nlogs kept in {log_dir}")
    else:
        shutil.rmtree(log_dir, ignore_errors=True)


if __name__ == "__main__":
    main()
