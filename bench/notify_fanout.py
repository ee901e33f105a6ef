"""Notifications under load: a red weather alert to --recipients people, and hazards while they pour in.

Needs RabbitMQ (with the management plugin) and PostgreSQL on 127.0.0.1, as the integration tests
do. It makes a fresh vhost and databases, migrates them, starts notifications alone in distributed
mode (one process), and an SMS gateway on 127.0.0.1 in a process of its own (http.server, answering
200 to every POST and counting the numbers it was given). Notifications' view of the registry is
filled directly in its database: a district, 10 streets, 100 communities and --grids grids, a grid
head in each grid, and --recipients / --grids subscribers per grid (schools, parents' groups) to
alert.issued, each with a phone number (sealed, as contacts are).

1. **Fan-out**: one red rainstorm warning for every grid, POSTed to /api/notifications/warnings;
   the clock runs until the gateway has been handed --recipients + --grids numbers (the subscribers
   and, by the default rule, each grid's head). Covers the HTTP call, the outbox relay, RabbitMQ,
   the fan-out (rules, subscriptions, recipients, contacts, rendering) and the sends.
   Target: <= 10 s.
2. **Hazard to the grid head**: hazard.reported events published to the broker as incidents would,
   at --rate/s for --seconds, each a major hazard in one of the grids (the default rule tells its
   grid head by SMS at once); latency = the SMS delivery's sent_at - the event's time, from the
   delivery log. Target: p99 <= 1 s at 500/s.
3. **Peak RSS** of the notifications process over both. Target: <= 150 MB.

    .venv/bin/python bench/notify_fanout.py [--recipients 10000] [--grids 1000] [--rate 500]
                                            [--seconds 20] [--sms-batch 100] [--replicas 1]
"""
import argparse
import json
import multiprocessing
import os
import statistics
import sys
import tempfile
import threading
import time
import uuid
from contextlib import ExitStack
from datetime import date, datetime, timedelta, timezone
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import psutil
import requests
from cryptography.fernet import Fernet
from sqlalchemy import func, insert, select

from safecommunity.broker import Publisher
from safecommunity.database import make_engine
from safecommunity.envelope import new_event
from safecommunity.testing import PostgresDatabases, RabbitVhost, ServiceProcess, free_port, migrate, wait_until
from services.notifications.contacts import Sealer
from services.notifications.storage.tables import contacts, deliveries, grids, role_holders, subscriptions

TARGET_FANOUT_S, TARGET_P99_S, RSS_LIMIT_MB = 10.0, 1.0, 150


# -- the SMS gateway: another process, so the service's sends and its answers do not share a GIL ------

class Gateway(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    # TCP_NODELAY, as nginx and most servers set it on kept-alive connections: http.server writes
    # the headers and the body apart, and without it each answer on a reused connection waited for
    # the client's delayed ACK (40 ms a call, measured)
    disable_nagle_algorithm = True
    numbers = None  # a multiprocessing.Value

    def do_POST(self):
        body = json.loads(self.rfile.read(int(self.headers.get("Content-Length", 0))))
        with self.numbers.get_lock():
            self.numbers.value += len(body["to"].split(","))
        self.send_response(200)
        self.send_header("Content-Length", "2")
        self.end_headers()
        self.wfile.write(b"ok")

    def do_GET(self):  # how many numbers so far
        answer = str(self.numbers.value).encode()
        self.send_response(200)
        self.send_header("Content-Length", str(len(answer)))
        self.end_headers()
        self.wfile.write(answer)

    def log_message(self, *args):
        pass


def serve_gateway(port, numbers):
    Gateway.numbers = numbers
    server = ThreadingHTTPServer(("127.0.0.1", port), Gateway)
    server.daemon_threads = True
    server.serve_forever()


def numbers_received(url):
    return int(requests.get(url, timeout=5).text)


# -- the platform and its data ------------------------------------------------------------------------

def grid_codes(n):
    return [f"G{i:05d}" for i in range(n)]


def fill(url, key, n_grids, n_recipients):
    """Grids, a grid head per grid, subscribers per grid with a phone each; as the events would have."""
    engine, sealer = make_engine(url), Sealer(key)
    rows = [{"code": "D", "name": "仙林区", "level": "district", "parent_code": None}]
    rows += [{"code": f"S{s}", "name": f"第{s}街道", "level": "street", "parent_code": "D"} for s in range(10)]
    rows += [{"code": f"C{c:03d}", "name": f"第{c}社区", "level": "community", "parent_code": f"S{c % 10}"}
             for c in range(100)]
    rows += [{"code": code, "name": f"第{i}网格", "level": "grid", "parent_code": f"C{i % 100:03d}"}
             for i, code in enumerate(grid_codes(n_grids))]
    heads = [{"assignment_id": f"a-{code}", "person_key": f"head-{code}", "role": "grid_head", "grid_code": code,
              "department_code": None, "term_from": date(2026, 1, 1), "term_to": None} for code in grid_codes(n_grids)]
    now, per_grid = datetime.now(timezone.utc), n_recipients // n_grids
    subs, phones = [], []
    for i, code in enumerate(grid_codes(n_grids)):
        phones.append({"recipient": f"person:head-{code}", "channel": "sms", "updated_at": now, "updated_by": "bench",
                       "address_sealed": sealer.seal(f"139{i:08d}")})
        for j in range(per_grid):
            recipient = f"unit:school-{code}-{j}"
            subs.append({"id": str(uuid.uuid4()), "recipient": recipient, "event_type": "alert.issued",
                         "filter": json.dumps({"grid_code": code}), "channels": json.dumps(["sms"]),
                         "frequency": "immediately", "created_at": now, "created_by": "bench"})
            phones.append({"recipient": recipient, "channel": "sms", "updated_at": now, "updated_by": "bench",
                           "address_sealed": sealer.seal(f"138{i:05d}{j:03d}")})
    with engine.begin() as connection:
        for table, values in ((grids, rows), (role_holders, heads), (subscriptions, subs), (contacts, phones)):
            for start in range(0, len(values), 2000):
                connection.execute(insert(table), values[start:start + 2000])
    engine.dispose()
    return per_grid * n_grids + n_grids  # numbers the alert goes to: subscribers and grid heads


class PeakRss(threading.Thread):
    """The highest RSS any one of the processes reached."""

    def __init__(self, pids):
        super().__init__(daemon=True)
        self.processes, self.peak, self.stopped = [psutil.Process(pid) for pid in pids], 0.0, threading.Event()

    def run(self):
        while not self.stopped.is_set():
            self.peak = max([self.peak] + [p.memory_info().rss / 2 ** 20 for p in self.processes])
            self.stopped.wait(0.1)


# -- 1. the fan-out -------------------------------------------------------------------------------------

def stored(url):
    engine = make_engine(url)
    try:
        with engine.connect() as connection:
            return connection.execute(select(func.count()).select_from(deliveries)).scalar()
    finally:
        engine.dispose()


def fan_out(service, gateway_url, n_grids, expected, url):
    token = service.admin_token(subject="meteorology-bureau", kind="department", scopes=["alerts:write"])
    warning = {"kind": "rainstorm", "colour": "red", "headline": "仙林区气象台发布暴雨红色预警信号",
               "description": "过去3小时降雨量已达100毫米以上，且降雨将持续。",
               "effective": "2026-07-01T08:00:00+08:00", "expires": "2026-07-01T20:00:00+08:00",
               "grids": grid_codes(n_grids)}
    started = time.perf_counter()
    answer = requests.post(f"{service.url}/api/notifications/warnings", json=warning, timeout=60,
                           headers={"Authorization": f"Bearer {token}"})
    assert answer.status_code == 201, answer.text
    posted = time.perf_counter() - started
    wait_until(lambda: stored(url) >= expected, timeout=300, interval=0.05, message=f"{expected} notices stored")
    made = time.perf_counter() - started
    wait_until(lambda: numbers_received(gateway_url) >= expected, timeout=300, interval=0.05,
               message=f"{expected} numbers at the gateway")
    return time.perf_counter() - started, posted, made


# -- 2. hazards while they pour in ---------------------------------------------------------------------

def hazard(code, n):
    at = datetime.now(timezone.utc)
    return new_event("hazard.reported", {
        "hazard_id": f"h-{n}", "category": "gas", "severity": "major", "grid_code": code, "status": "reported",
        "deadline": at + timedelta(hours=4), "at": at, "found_by": "patrol", "source": "grid-app",
        "unit_id": None}, source="/safecommunity/incidents")


def pour_hazards(amqp_uri, codes, rate, seconds):
    publisher, sent, tick = Publisher(amqp_uri), 0, 0.1
    started = time.perf_counter()
    try:
        while time.perf_counter() - started < seconds:
            due = int((time.perf_counter() - started + tick) * rate) - sent
            events = [hazard(codes[(sent + k) % len(codes)], sent + k) for k in range(max(0, due))]
            publisher.publish([(e.type, e.to_json(), e.id) for e in events])
            sent += len(events)
            time.sleep(max(0.0, started + sent / rate - time.perf_counter()))
    finally:
        publisher.close()
    return sent, time.perf_counter() - started


def latencies(url, n):
    engine = make_engine(url)
    query = (select(deliveries.c.sent_at, deliveries.c.triggered_at, deliveries.c.created_at)
             .where(deliveries.c.channel == "sms", deliveries.c.status == "sent",
                    deliveries.c.recipient.like("person:head-%"),
                    deliveries.c.trigger_event_id.notlike("digest:%"),  # not the daily briefing
                    deliveries.c.trigger_event_id.notin_(
                        select(deliveries.c.trigger_event_id).where(deliveries.c.recipient.like("unit:%")))))

    def found():
        with engine.connect() as connection:
            rows = connection.execute(query).all()
        return rows if len(rows) >= n else None
    rows = wait_until(found, timeout=300, interval=0.5, message=f"{n} hazard SMS sent")
    engine.dispose()
    return ([sorted((sent - triggered).total_seconds() for sent, triggered, _ in rows)]
            + [sorted((made - triggered).total_seconds() for _, triggered, made in rows)])


def percentile(values, share):
    return values[min(len(values) - 1, int(share * len(values)))]


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--recipients", type=int, default=10000)
    parser.add_argument("--grids", type=int, default=1000)
    parser.add_argument("--rate", type=int, default=500)
    parser.add_argument("--seconds", type=int, default=20)
    parser.add_argument("--sms-batch", type=int, default=100)
    parser.add_argument("--replicas", type=int, default=1, help="notifications processes sharing the work")
    args = parser.parse_args()
    numbers = multiprocessing.Value("l", 0)
    gateway_port = free_port()
    gateway = multiprocessing.Process(target=serve_gateway, args=(gateway_port, numbers), daemon=True)
    gateway.start()
    gateway_url = f"http://127.0.0.1:{gateway_port}"
    key = Fernet.generate_key().decode()
    with ExitStack() as stack:
        vhost, dbs = stack.enter_context(RabbitVhost()), stack.enter_context(PostgresDatabases())
        log_dir = tempfile.mkdtemp(prefix="notify-bench-")
        url = dbs.url.format(service="notifications")
        migrate(dbs.url, ["notifications"])
        expected = fill(url, key, args.grids, args.recipients)
        env = {"AMQP_URI": vhost.uri, "DATABASE_URL": dbs.url, "NOTIFY_CONTACTS_KEY": key,
               "SMS_GATEWAY_URL": f"json://127.0.0.1:{gateway_port}/send", "SMS_BATCH_MAX": str(args.sms_batch),
               "NOTIFY_SEND_INTERVAL": "0.1", "NOTIFY_ESCALATE_INTERVAL": "3600"}
        replicas = [ServiceProcess(["notifications"], free_port(), env=env,
                                   log_path=os.path.join(log_dir, f"notifications-{n}.log"))
                    for n in range(args.replicas)]
        for replica in replicas:
            stack.callback(replica.stop)
            replica.start()
        service = replicas[0]
        rss = PeakRss([replica.process.pid for replica in replicas])
        rss.start()
        pids = [replica.process.pid for replica in replicas]
        print(f"notifications: {args.replicas} process(es), pids {pids}; logs in {log_dir}")
        total, posted, made = fan_out(service, gateway_url, args.grids, expected, url)
        print(f"1. fan-out: {expected:,} numbers handed to the gateway {total:.2f} s after the POST "
              f"(the POST answered in {posted:.2f} s, the notices were stored after {made:.2f} s); "
              f"target <= {TARGET_FANOUT_S:.0f} s")
        sent, took = pour_hazards(vhost.uri, grid_codes(args.grids), args.rate, args.seconds)
        found, made = latencies(url, sent)
        print(f"2. hazards: {sent:,} published in {took:.1f} s ({sent / took:.0f}/s); the grid head's SMS sent after "
              f"p50 {statistics.median(found):.3f} s, p99 {percentile(found, 0.99):.3f} s, max {found[-1]:.3f} s; "
              f"target p99 <= {TARGET_P99_S:.0f} s\n   of it, the event to its notice stored: p50 "
              f"{statistics.median(made):.3f} s, p99 {percentile(made, 0.99):.3f} s")
        rss.stopped.set()
        print(f"3. peak RSS of a notifications process: {rss.peak:.0f} MB; target <= {RSS_LIMIT_MB} MB")
    gateway.terminate()
    return 0


if __name__ == "__main__":
    sys.exit(main())
