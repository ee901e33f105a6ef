"""Incidents intake, against the real broker and database (distributed mode, incidents alone).

1. Batch intake: N cards (made before the clock starts) POSTed in batches of 1000 by 2 client
   threads; the clock stops when every injury.reported is in the outbox *and published* (marked
   by the relay after RabbitMQ confirmed it). Target >= 5,000 cases/s.
2. Single intake latency: one card per POST, open loop at --rate requests/s for --seconds
   (requests start on schedule whether or not earlier ones returned); p50/p99/max. Target p99 <= 50 ms
   at 200/s.
3. CSV import: `safecommunity incidents import-injuries` of a generated file of --csv-rows rows
   into the same database, timed; the rate is extrapolated to 1,000,000 rows (target < 5 min).

    .venv/bin/python bench/incidents_intake.py [--cases 20000] [--rate 200] [--seconds 10] [--csv-rows 50000]
                                               [--only batch single csv] [--replicas 1]
"""
import argparse
import csv
import http.client
import json
import os
import subprocess
import sys
import tempfile
import threading
import time
from contextlib import ExitStack
from urllib.parse import urlsplit

import psutil
import requests
from intake_throughput import batches_of, make_cards, run_intake
from sqlalchemy import text

from safecommunity.testing import PostgresDatabases, RabbitVhost, ServiceProcess, free_port, migrate, wait_until

CLIENT_THREADS = 16  # for the open-loop single intake


def published(dbs):
    with dbs.engine("incidents").connect() as connection:
        return connection.scalar(text("SELECT count(*) FROM outbox WHERE published_at IS NOT NULL"))


def measure_batch(url, dbs, n, token):
    cards = make_cards(n, seed=4)
    for card in cards:
        card["external_id"] = "B" + card["external_id"]
    before = published(dbs)
    started = time.perf_counter()
    run_intake(f"{url}/api/incidents/injuries/batch", batches_of(cards), token)
    intake = time.perf_counter() - started
    wait_until(lambda: published(dbs) >= before + n, timeout=max(120, n / 100), interval=0.02,
               message="every event published")
    return time.perf_counter() - started, intake


def measure_single(url, rate, seconds, token=None):
    """token: one with incidents:write (None for code before the access layer)."""
    headers = {"Content-Type": "application/json", **({"Authorization": f"Bearer {token}"} if token else {})}
    cards = make_cards(int(rate * seconds), seed=5)
    bodies = [json.dumps({**card, "external_id": "S" + card["external_id"]}).encode() for card in cards]
    latencies, failures, lock = [], [], threading.Lock()
    start = time.perf_counter() + 0.5
    slots = iter(enumerate(bodies))
    where = urlsplit(url)

    def client():  # http.client and bodies encoded beforehand: the client's own CPU stays small
        connection = http.client.HTTPConnection(where.hostname, where.port, timeout=30)
        while True:
            with lock:
                item = next(slots, None)
            if item is None:
                return
            index, body = item
            time.sleep(max(0.0, start + index / rate - time.perf_counter()))
            began = time.perf_counter()
            connection.request("POST", "/api/incidents/injuries", body, headers)
            response = connection.getresponse()
            response.read()
            with lock:
                latencies.append(time.perf_counter() - began)
                if response.status != 201:
                    failures.append(response.status)

    threads = [threading.Thread(target=client, daemon=True) for _ in range(CLIENT_THREADS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    achieved = len(latencies) / (time.perf_counter() - start)
    latencies.sort()
    pick = lambda q: latencies[min(int(q * len(latencies)), len(latencies) - 1)] * 1000  # noqa: E731
    return {"p50": pick(0.5), "p99": pick(0.99), "max": latencies[-1] * 1000, "achieved": achieved,
            "failures": len(failures), "count": len(latencies)}


def measure_csv(dbs, rows, folder):
    path = os.path.join(folder, "export.csv")
    cards = make_cards(rows, seed=6)
    with open(path, "w", newline="") as file:
        writer = csv.DictWriter(file, fieldnames=[k for k in cards[0] if k != "source"], extrasaction="ignore")
        writer.writeheader()
        for card in cards:
            writer.writerow({**card, "external_id": "C" + card["external_id"]})
    started = time.perf_counter()
    done = subprocess.run([sys.executable, "-m", "safecommunity.cli", "incidents", "import-injuries", path,
                           "--source", "bench-csv"], capture_output=True, text=True,
                          env={**os.environ, "DATABASE_URL": dbs.url, "PYTHONWARNINGS": "ignore"})
    seconds = time.perf_counter() - started
    if done.returncode != 0:
        raise AssertionError(f"import failed: {done.stdout}\n{done.stderr[-2000:]}")
    return seconds, done.stdout.strip()


def run(args, folder):
    with ExitStack() as stack:
        vhost = stack.enter_context(RabbitVhost())
        dbs = stack.enter_context(PostgresDatabases())
        migrate(dbs.url, ["incidents"])
        env = {"AMQP_URI": vhost.uri, "DATABASE_URL": dbs.url, "HTTP_SHARE_PORT": "1"}
        port, replicas = free_port(), []
        for n in range(args.replicas):  # on one port: the kernel spreads connections over them
            replica = ServiceProcess(["incidents"], port, env, os.path.join(folder, f"incidents-{n}.log"))
            stack.callback(replica.stop)
            replicas.append(replica.start(wait=False))
        for replica in replicas:
            replica.wait_ready()
        time.sleep(2 if args.replicas > 1 else 0)  # /ready answered by one of them; give the others a moment
        incidents = replicas[0]
        token = incidents.admin_token(subject="bench")
        cpu = CpuMeter([replica.process.pid for replica in replicas])
        print(f"incidents: {args.replicas} process(es) on port {port}")
        if "batch" in args.only:
            total, intake = measure_batch(incidents.url, dbs, args.cases, token)
            print(f"batch: {args.cases / total:,.0f} cases/s persisted and published ({total:.2f} s); "
                  f"{args.cases / intake:,.0f} cases/s until the last POST returned; "
                  f"incidents CPU {cpu.ms_since() / args.cases * 1000:.0f} us per case")
        if "single" in args.only:
            cpu.ms_since()
            one = args.replicas == 1  # one /metrics per process
            histogram = post_histogram(incidents.url, token) if one else None
            single = measure_single(incidents.url, args.rate, args.seconds, token)
            served = f"; {served_within(histogram, post_histogram(incidents.url, token))}" if one else ""
            print(f"single at {args.rate}/s for {args.seconds}s (achieved {single['achieved']:.0f}/s): "
                  f"p50 {single['p50']:.1f} ms, p99 {single['p99']:.1f} ms, max {single['max']:.1f} ms, "
                  f"{single['failures']} failures; incidents CPU {cpu.ms_since() / single['count']:.2f} ms "
                  f"per request{served}")
        if "csv" in args.only:
            seconds, summary = measure_csv(dbs, args.csv_rows, folder)
            rate = args.csv_rows / seconds
            print(f"csv: {args.csv_rows:,} rows in {seconds:.1f} s = {rate:,.0f} rows/s; 1,000,000 rows would "
                  f"take {1_000_000 / rate / 60:.1f} min ({summary})")


def post_histogram(url, token):
    """The service's own histogram of POST durations: {upper bound: count} (/metrics needs ops)."""
    buckets = {}
    metrics = requests.get(f"{url}/metrics", headers={"Authorization": f"Bearer {token}"}, timeout=10)
    for line in metrics.text.splitlines():
        if line.startswith("safecommunity_http_request_seconds_bucket") and 'method="POST"' in line:
            bound = line.split('le="')[1].split('"')[0]
            buckets[bound] = buckets.get(bound, 0) + float(line.rsplit(" ", 1)[1])
    return buckets


def served_within(before, after):
    count = lambda bound: after.get(bound, 0) - before.get(bound, 0)  # noqa: E731
    return (f"the service answered {count('0.025') / count('+Inf'):.1%} within 25 ms and "
            f"{count('0.05') / count('+Inf'):.1%} within 50 ms")


class CpuMeter:
    """CPU time (user + system) the processes used since the last reading, in ms."""

    def __init__(self, pids):
        self.processes = [psutil.Process(pid) for pid in pids]
        self.last = self._total()

    def _total(self):
        return sum(times.user + times.system for times in (p.cpu_times() for p in self.processes)) * 1000

    def ms_since(self):
        now = self._total()
        used, self.last = now - self.last, now
        return used

def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--cases", type=int, default=20000)
    parser.add_argument("--rate", type=float, default=200)
    parser.add_argument("--seconds", type=float, default=10)
    parser.add_argument("--csv-rows", type=int, default=50000)
    parser.add_argument("--replicas", type=int, default=1, help="incidents processes sharing the port")
    parser.add_argument("--only", nargs="+", choices=("batch", "single", "csv"), default=("batch", "single", "csv"),
                        help="measure only these")
    args = parser.parse_args()
    folder = tempfile.mkdtemp(prefix="sc-bench-incidents-")
    print(f"logs and files in {folder}")
    run(args, folder)


if __name__ == "__main__":
    main()
