"""Reports at district scale, against real PostgreSQL and RabbitMQ.

What it measures, in one run:

1. Dashboard API latency with the read models of N injury cases (default 5,000,000, over three
   years) and M residents (default 1,000,000) in a district of 1,144 grids under 40 communities and
   6 streets (Nanjing Xianlin's shape). The read models are filled by the reports service's own
   projection code, straight into its database (pushing 6 million events through the broker would
   only measure the broker). Then a reports process answers GET /api/reports/dashboard for random
   periods (a year, or one month) and grids (the district, a street, a community or a grid):
   p50 / p95 / p99 over the requests.
2. Rebuild by replay: R kept events (default 200,000) in a fresh journal, replayed with
   `safecommunity rebuild`'s code; events per second.
3. Live lag: injury.reported published at 500 events/s for S seconds (default 20) to the running
   reports process; for each event, the time from its publish (confirmed) until
   /api/reports/summary counts it. p50 / p95 / p99.

Run it from the repository root (RabbitMQ with management and PostgreSQL must be up):

    .venv/bin/python bench/reports_dashboard.py [--cases N] [--residents M] [--replay R] [--lag-seconds S]
"""
import argparse
import random
import statistics
import sys
import threading
import time
import uuid
from contextlib import ExitStack
from datetime import date, datetime, timedelta, timezone

import requests
from sqlalchemy import create_engine, insert
from sqlalchemy.orm import Session

from safecommunity.broker import Publisher
from safecommunity.contracts.incidents import CAUSES, SEVERITIES
from safecommunity.envelope import Event
from safecommunity.testing import PostgresDatabases, RabbitVhost, ServiceProcess, free_port, migrate
from services.reports.projections import project
from services.reports.storage import ReadModels, rebuild_read_models
from services.reports.tables import journal

CHUNK = 100_000
YEARS = 3
DASHBOARD_REQUESTS = 300
LAG_RATE = 500  # events per second
TARGETS = {"dashboard p95 ms": 100, "rebuild events/s": 20_000, "lag p99 s": 1.0}


# -- a district and its events ------------------------------------------------------------------

def district():
    """[(code, name, level, parent)]: 1 district, 6 streets, 40 communities, 1,144 grids."""
    rows = [("XL", "Xianlin", "district", None)]
    streets = [f"XL-S{s}" for s in range(1, 7)]
    rows += [(code, f"Street {code}", "street", "XL") for code in streets]
    communities = [f"{streets[c % 6]}-C{c}" for c in range(40)]
    rows += [(code, f"Community {code}", "community", code.rsplit("-", 1)[0]) for code in communities]
    rows += [(f"{communities[g % 40]}-G{g}", f"Grid {g}", "grid", communities[g % 40]) for g in range(1144)]
    return rows


def event(type_, data):
    return Event(type=type_, source="/bench", data=data)


def grid_events(rows):
    return [event("grid.created", {"code": c, "name": n, "level": lvl, "parent_code": p}) for c, n, lvl, p in rows]


def resident_events(rng, grids, count):
    this_year = date.today().year
    for _ in range(count):
        yield event("resident.registered", {
            "resident_id": str(uuid.uuid4()), "grid_code": rng.choice(grids), "sex": rng.choice(("male", "female")),
            "birth_year": this_year - rng.randint(0, 95),
            "residence_type": rng.choice(("permanent",) * 8 + ("migrant",) * 2),
            "registered_on": "2024-01-01"})


def injury_data(rng, grids, when):
    cause = rng.choice(CAUSES)
    return {"case_id": str(uuid.uuid4()), "source": "bench", "grid_code": rng.choice(grids),
            "injury_time": when.isoformat(), "visit_time": when.isoformat(), "sex": rng.choice(("male", "female")),
            "age": rng.randint(0, 99), "residence_type": rng.choice(("permanent", "migrant")), "cause": cause,
            "intent": "unintentional", "place": rng.choice(("home", "road", "school_public", "trade_service")),
            "activity": rng.choice(("work", "leisure", "walking", "housework")), "nature": "contusion_abrasion",
            "body_part": rng.choice(("head", "upper_limb", "lower_limb")), "severity": rng.choice(SEVERITIES),
            "outcome": "treated_and_left"}


def injury_events(rng, grids, count):
    start = datetime.now(timezone.utc) - timedelta(days=365 * YEARS)
    for _ in range(count):
        when = start + timedelta(minutes=rng.randint(0, 525_600 * YEARS))
        yield event("injury.reported", injury_data(rng, grids, when))


def chunks(events, size=CHUNK):
    chunk = []
    for item in events:
        chunk.append(item)
        if len(chunk) == size:
            yield chunk
            chunk = []
    if chunk:
        yield chunk


# -- 1. load and query --------------------------------------------------------------------------

def load_read_models(url, rows, residents, cases, rng):
    engine = create_engine(url)
    grids = [code for code, _, level, _ in rows if level == "grid"]
    started, done = time.perf_counter(), 0
    sources = [grid_events(rows), resident_events(rng, grids, residents), injury_events(rng, grids, cases)]
    for source in sources:
        for chunk in chunks(source):
            with Session(engine) as session:
                project(ReadModels(session), chunk)
                session.commit()
            done += len(chunk)
            rate = done / (time.perf_counter() - started)
            print(f"\r  projected {done:,} events ({rate:,.0f}/s)", end="", file=sys.stderr)
    print(file=sys.stderr)
    engine.dispose()


def measure_dashboard(reports_url, rows, rng):
    codes = [code for code, _, _, _ in rows]
    this_year, timings = date.today().year, []
    session = requests.Session()
    for _ in range(DASHBOARD_REQUESTS):
        params = {"year": this_year - rng.randint(0, YEARS - 1)}
        if rng.random() < 0.5:
            params["month"] = rng.randint(1, 12)
        if rng.random() < 0.75:
            params["grid"] = rng.choice(codes)
        started = time.perf_counter()
        response = session.get(f"{reports_url}/api/reports/dashboard", params=params, timeout=30)
        timings.append(time.perf_counter() - started)
        assert response.status_code == 200, response.text
    return timings


# -- 2. rebuild ---------------------------------------------------------------------------------

def measure_rebuild(url, rows, count, rng):
    engine = create_engine(url)
    grids = [code for code, _, level, _ in rows if level == "grid"]
    events = grid_events(rows) + list(resident_events(rng, grids, count // 5)) + list(injury_events(rng, grids, count))
    events = events[:count]
    with engine.begin() as connection:
        for chunk in chunks(events, 20_000):
            connection.execute(insert(journal), [{"event_id": e.id, "type": e.type, "time": e.time,
                                                  "envelope": e.to_json()} for e in chunk])
    started = time.perf_counter()
    replayed = rebuild_read_models(engine)
    seconds = time.perf_counter() - started
    engine.dispose()
    return replayed, seconds


# -- 3. live lag --------------------------------------------------------------------------------

def injuries_counted(session, reports_url):
    return session.get(f"{reports_url}/api/reports/summary", timeout=10).json()["injuries"]


def measure_lag(amqp_uri, reports_url, seconds, rng):
    """Publish at LAG_RATE in 20 ms ticks; poll the count every 5 ms; lag per event."""
    session = requests.Session()
    base = injuries_counted(session, reports_url)
    grids, sent_at, seen = ["XL-S1-C0-G0"], [], []   # sent_at[k]: when event k was confirmed
    stop = threading.Event()

    def poll():
        while not stop.is_set():
            seen.append((time.perf_counter(), injuries_counted(session, reports_url) - base))
            time.sleep(0.005)

    poller = threading.Thread(target=poll, daemon=True)
    poller.start()
    publisher, tick, total = Publisher(amqp_uri), 0.02, int(LAG_RATE * seconds)
    started = time.perf_counter()
    try:
        while len(sent_at) < total:
            due = min(total, int((time.perf_counter() - started) * LAG_RATE) + 1) - len(sent_at)
            if due > 0:
                now = datetime.now(timezone.utc)
                batch = [event("injury.reported", injury_data(rng, grids, now)) for _ in range(due)]
                publisher.publish([(e.type, e.to_json(), e.id) for e in batch])
                sent_at += [time.perf_counter()] * due
            time.sleep(tick)
    finally:
        publisher.close()
    deadline = time.perf_counter() + 30
    while (not seen or seen[-1][1] < total) and time.perf_counter() < deadline:
        time.sleep(0.05)
    stop.set()
    poller.join()
    return lags(sent_at, seen)


def lags(sent_at, seen):
    """For event k (1-based count), the first poll that counted k, minus when k was confirmed."""
    out, position = [], 0
    for k, sent in enumerate(sent_at, start=1):
        while position < len(seen) and seen[position][1] < k:
            position += 1
        if position == len(seen):
            raise AssertionError(f"reports never counted event {k} of {len(sent_at)}")
        out.append(max(0.0, seen[position][0] - sent))
    return out


# -- reporting ----------------------------------------------------------------------------------

def percentile(values, p):
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(p / 100 * (len(ordered) - 1))))]


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--cases", type=int, default=5_000_000)
    parser.add_argument("--residents", type=int, default=1_000_000)
    parser.add_argument("--replay", type=int, default=200_000)
    parser.add_argument("--lag-seconds", type=int, default=20)
    args = parser.parse_args()
    rng, rows = random.Random(2026), district()
    with ExitStack() as stack:
        vhost = stack.enter_context(RabbitVhost())
        dbs, replay_dbs = stack.enter_context(PostgresDatabases()), stack.enter_context(PostgresDatabases())
        migrate(dbs.url, ["reports"])
        migrate(replay_dbs.url, ["reports"])
        print(f"loading {args.cases:,} injury cases and {args.residents:,} residents into the read models")
        load_read_models(dbs.url.format(service="reports"), rows, args.residents, args.cases, rng)
        reports = ServiceProcess(["reports"], free_port(), {"AMQP_URI": vhost.uri, "DATABASE_URL": dbs.url})
        stack.callback(reports.stop)
        reports.start()
        dashboard = measure_dashboard(reports.url, rows, rng)
        lag = measure_lag(vhost.uri, reports.url, args.lag_seconds, rng)
        replayed, seconds = measure_rebuild(replay_dbs.url.format(service="reports"), rows, args.replay, rng)
    ms = [t * 1000 for t in dashboard]
    print("\n| measure | value | target |\n|---|---|---|")
    print(f"| read models | {args.cases:,} injury cases over {YEARS} years, {args.residents:,} residents, "
          "1,144 grids | |")
    print(f"| dashboard API, {DASHBOARD_REQUESTS} requests (random year/month and district/street/community/grid) | "
          f"p50 {percentile(ms, 50):.1f} ms, p95 {percentile(ms, 95):.1f} ms, p99 {percentile(ms, 99):.1f} ms "
          f"| p95 <= {TARGETS['dashboard p95 ms']} ms |")
    print(f"| rebuild by replay | {replayed:,} events in {seconds:.1f} s = {replayed / seconds:,.0f} events/s "
          f"| >= {TARGETS['rebuild events/s']:,} events/s |")
    print(f"| live lag, injury.reported -> counted, {LAG_RATE}/s for {args.lag_seconds} s | "
          f"p50 {percentile(lag, 50):.3f} s, p99 {percentile(lag, 99):.3f} s, max {max(lag):.3f} s "
          f"| p99 <= {TARGETS['lag p99 s']} s |")
    print(f"| date | {datetime.now(timezone.utc):%Y-%m-%d %H:%M} UTC, {statistics.mean(ms):.1f} ms mean dashboard | |")


if __name__ == "__main__":
    main()
