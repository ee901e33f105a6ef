"""Projects under load: indicators fed by events at 500/s, a project's progress, the self-evaluation pack.

Needs RabbitMQ (with the management plugin) and PostgreSQL on 127.0.0.1, as the integration tests
do. It makes a fresh vhost and databases, migrates projects and reports, and fills projects'
database directly as its events and requests would have: a district of 10 streets, 100 communities
and 1,000 grids; --residents residents (a fifth tagged elderly), 2,000 units and 5,000 facilities in
projects' view of the registry; --projects projects, each with two weekly activities and their
occurrences (--occurrences in all, the past ones done or missed) and four indicators (--projects × 4
in all): two rates of injury.reported (a cause, an age band, a street's or community's grids, per
residents 60+ or tagged elderly, per 1,000), a count of hazard.reported of a category, and the share of
its occurrences done; and one probe indicator counting the injuries from the source `bench-probe`.
This month's values are made once by the service's own refresh (its time is printed). Then projects
and reports start, one process each, in distributed mode.

1. **An indicator reflects a new matching event**: injury.reported events published to the broker as
   incidents would, at --rate/s for --seconds, each with a random cause, age and grid; one in five comes
   from `bench-probe`. Latency of the k-th probe = the commit of the first `indicator.updated` of the
   probe indicator whose numerator reached k (its outbox row) - the probe event's time.
   Target: p99 <= 1 s at 500/s.
2. **A project's progress**: GET /api/projects/projects/<id>/progress for --requests random projects, one
   after another, over HTTP. Target: p95 <= 50 ms.
3. **The self-evaluation pack**: reports is told of the projects (project.created) and of five evidence
   files for each (evidence.added, as projects publishes them); then POST /api/reports/periodic
   {kind: self_evaluation} and GET its PDF and XLSX. Target: <= 10 s.

    .venv/bin/python bench/projects_indicators.py [--projects 500] [--occurrences 50000] [--residents 100000]
                                                  [--rate 500] [--seconds 20] [--requests 300]
"""
import argparse
import json
import os
import random
import statistics
import sys
import tempfile
import time
import uuid
from contextlib import ExitStack
from datetime import datetime, timedelta, timezone

import requests
from sqlalchemy import func, insert, select
from sqlalchemy.orm import sessionmaker

from safecommunity import sitetime
from safecommunity.broker import Publisher
from safecommunity.contracts.incidents import CAUSES, HAZARD_CATEGORIES
from safecommunity.database import make_engine
from safecommunity.envelope import new_event
from safecommunity.tables import outbox
from safecommunity.testing import PostgresDatabases, RabbitVhost, ServiceProcess, free_port, migrate, wait_until
from services.projects.counting import refresh_indicators
from services.projects.storage import ProjectsUnitOfWork
from services.projects.storage.tables import (
    activities,
    indicator_values,
    indicators,
    occurrences,
    projects,
    registry_facilities,
    registry_grids,
    registry_resident_tags,
    registry_residents,
    registry_units,
)

TARGET_P99_S, TARGET_PROGRESS_P95_S, TARGET_PACK_S = 1.0, 0.050, 10.0
PROBE = "bench-probe"
ELEMENTS = ("promotion_projects", "high_risk", "publicity_training", "evaluation", "archives")


def streets():
    return [f"S{s}" for s in range(10)]


def communities():
    return [f"C{c:03d}" for c in range(100)]


def grids():
    return [f"G{g:04d}" for g in range(1000)]


def insert_all(connection, table, rows):
    for start in range(0, len(rows), 5000):
        connection.execute(insert(table), rows[start:start + 5000])


def registry_rows(rng, n_residents):
    parents = [{"code": "D", "parent_code": None}] + [{"code": s, "parent_code": "D"} for s in streets()]
    parents += [{"code": c, "parent_code": f"S{i % 10}"} for i, c in enumerate(communities())]
    parents += [{"code": g, "parent_code": f"C{i % 100:03d}"} for i, g in enumerate(grids())]
    residents, tags = [], []
    for n in range(n_residents):
        born = rng.randint(1930, 2025)
        residents.append({"resident_id": f"r-{n}", "grid_code": rng.choice(grids()), "birth_year": born,
                          "sex": rng.choice(("male", "female")), "residence_type": "permanent"})
        if born <= 1966 and rng.random() < 0.7:
            tags.append({"resident_id": f"r-{n}", "tag": "elderly"})
    units = [{"unit_id": f"u-{n}", "type": rng.choice(("school", "market", "small_shop")),
              "grid_code": rng.choice(grids())} for n in range(2000)]
    facilities = [{"facility_id": f"f-{n}", "type": rng.choice(("gas_alarm", "hydrant")),
                   "grid_code": rng.choice(grids()), "status": "faulty" if rng.random() < 0.25 else "in_order"}
                  for n in range(5000)]
    return {registry_grids: parents, registry_residents: residents, registry_resident_tags: tags,
            registry_units: units, registry_facilities: facilities}


def indicator_row(project_id, code, now, **definition):
    counts = definition.get("counts")
    return {"id": str(uuid.uuid4()), "project_id": project_id, "code": code, "name": code, "unit": None,
            "event_type": counts["event"] if counts else None, "counts": counts, "share": definition.get("share"),
            "per": definition.get("per"), "grids": definition.get("grids", []), "factor": definition.get("factor", 1.0),
            "baseline": None, "target": definition.get("target"), "created_by": "bench", "created_at": now}


def project_rows(rng, n_projects, n_occurrences, today, now):
    """Projects, two weekly activities each, their occurrences (past ones done or missed), four indicators each."""
    weeks = max(1, n_occurrences // (2 * n_projects))
    first = today - timedelta(weeks=weeks // 2)
    made = {projects: [], activities: [], occurrences: [], indicators: []}
    for p in range(n_projects):
        project_id = str(uuid.uuid4())
        made[projects].append({"id": project_id, "name": f"Project {p} 项目{p}", "intervention_area": "elderly",
                               "status": "new", "lifecycle": "active", "start_date": first, "partner_departments": [],
                               "goals": [], "measures": [], "budget": 100000.0, "created_by": "bench",
                               "created_at": now})
        for a in range(2):
            activity_id = str(uuid.uuid4())
            made[activities].append({"id": activity_id, "project_id": project_id, "name": f"visits {a}",
                                     "kind": "visit", "owner_department": "civil_affairs",
                                     "grid_code": rng.choice(grids()), "frequency": "weekly", "starts_on": first,
                                     "scheduled_count": weeks,
                                     "next_on": None, "created_by": "bench", "created_at": now})
            for w in range(weeks):
                day = first + timedelta(weeks=w)
                past = day + timedelta(days=6) < today
                status = ("done" if rng.random() < 0.8 else "missed") if past else "scheduled"
                made[occurrences].append({"id": str(uuid.uuid4()), "activity_id": activity_id, "project_id": project_id,
                                          "kind": "visit", "scheduled_on": day, "due_on": day + timedelta(days=6),
                                          "status": status, "done_on": day if status == "done" else None,
                                          "reached": 5 if status == "done" else None, "attendee_ids": []})
        scope = [rng.choice(streets() + communities())]
        made[indicators] += [
            indicator_row(project_id, "falls_60", now, grids=scope, factor=1000.0,
                          counts={"event": "injury.reported", "where": {"cause": [rng.choice(CAUSES)],
                                                                         "age": {"min": 60}}},
                          per={"residents": {"age": {"min": 60}}}, target={"value": 10, "direction": "at_most"}),
            indicator_row(project_id, "injuries_elderly", now, grids=scope, factor=1000.0,
                          counts={"event": "injury.reported", "where": {"cause": list(rng.sample(CAUSES, 3))}},
                          per={"residents": {"tag": "elderly"}}),
            indicator_row(project_id, "hazards", now, grids=scope,
                          counts={"event": "hazard.reported", "where": {"category": [rng.choice(HAZARD_CATEGORIES)]}}),
            indicator_row(project_id, "visits_done", now, share={"of": "occurrences"}, factor=100.0,
                          target={"value": 90, "direction": "at_least"})]
    probe = indicator_row(made[projects][0]["id"], "probe", now,
                          counts={"event": "injury.reported", "where": {"source": [PROBE]}})
    made[indicators].append(probe)
    return made, probe["id"]


def fill(url, args, rng):
    engine, now, today = make_engine(url), datetime.now(timezone.utc), sitetime.today()
    made, probe_id = project_rows(rng, args.projects, args.occurrences, today, now)
    with engine.begin() as connection:
        for table, rows in {**registry_rows(rng, args.residents), **made}.items():
            insert_all(connection, table, rows)
    started = time.perf_counter()
    uow = ProjectsUnitOfWork(sessionmaker(engine, expire_on_commit=False)(), "projects")
    changed = refresh_indicators(uow)
    uow.close()
    took = time.perf_counter() - started
    engine.dispose()
    return made, probe_id, changed, took


# -- 1. indicators while injuries pour in -------------------------------------------------------------

def injury(rng, n):
    at = datetime.now(timezone.utc)
    return new_event("injury.reported", {
        "case_id": f"case-{n}", "source": PROBE if n % 5 == 0 else "city-hospital", "grid_code": rng.choice(grids()),
        "injury_time": at - timedelta(minutes=30), "visit_time": at, "sex": rng.choice(("male", "female")),
        "age": rng.randint(0, 99), "residence_type": "permanent", "cause": rng.choice(CAUSES),
        "intent": "unintentional", "place": "home", "activity": "leisure", "nature": "fracture",
        "body_part": "lower_limb", "severity": "mild", "outcome": "treated_and_left"},
        source="/safecommunity/incidents")


def pour(amqp_uri, rng, rate, seconds):
    """Publish at `rate`/s; the time each probe was published, in order."""
    publisher, sent, probes, tick = Publisher(amqp_uri), 0, [], 0.1
    started = time.perf_counter()
    try:
        while time.perf_counter() - started < seconds:
            due = int((time.perf_counter() - started + tick) * rate) - sent
            events = [injury(rng, sent + k) for k in range(max(0, due))]
            publisher.publish([(e.type, e.to_json(), e.id) for e in events])
            probes += [datetime.fromisoformat(e.time) for e in events if e.data["source"] == PROBE]
            sent += len(events)
            time.sleep(max(0.0, started + sent / rate - time.perf_counter()))
    finally:
        publisher.close()
    return sent, time.perf_counter() - started, probes


def probe_latencies(url, probe_id, probes):
    """Seconds from the k-th probe to the first commit of the probe indicator's value reaching k."""
    engine = make_engine(url)

    def updates():
        with engine.connect() as connection:
            rows = connection.execute(select(outbox.c.envelope, outbox.c.created_at)
                                      .where(outbox.c.type == "indicator.updated").order_by(outbox.c.id)).all()
        found = [(json.loads(envelope)["data"], at) for envelope, at in rows]
        found = [(data["numerator"], at) for data, at in found if data["indicator_id"] == probe_id]
        return found if found and max(n for n, _ in found) >= len(probes) else None
    found = wait_until(updates, timeout=600, interval=1.0, message=f"the probe indicator to reach {len(probes)}")
    engine.dispose()
    latencies, i = [], 0
    for k, sent_at in enumerate(probes, start=1):
        while found[i][0] < k:
            i += 1
        latencies.append((found[i][1] - sent_at).total_seconds())
    return sorted(latencies)


def percentile(values, share):
    return values[min(len(values) - 1, int(share * len(values)))]


# -- 2. progress, 3. the self-evaluation pack ---------------------------------------------------------

def progress_times(service, project_ids, n, rng):
    session, token = requests.Session(), service.admin_token(scopes=["projects:read"])
    session.headers["Authorization"] = f"Bearer {token}"
    took = []
    for _ in range(n):
        started = time.perf_counter()
        answer = session.get(f"{service.url}/api/projects/projects/{rng.choice(project_ids)}/progress", timeout=30)
        took.append(time.perf_counter() - started)
        assert answer.status_code == 200, answer.text
    return sorted(took)


def tell_reports(amqp_uri, made, rng):
    """project.created and five evidence.added per project, as projects would have published them."""
    events = []
    for project in made[projects]:
        events.append(new_event("project.created", {"project_id": project["id"], "name": project["name"],
                                                    "intervention_area": "elderly", "status": "new",
                                                    "start_date": project["start_date"], "lifecycle": "active"},
                                source="/safecommunity/projects"))
        for n in range(5):
            events.append(new_event("evidence.added", {
                "evidence_id": str(uuid.uuid4()), "subject_kind": "project", "subject_id": project["id"],
                "project_id": project["id"], "activity_id": None, "kind": "photo", "elements": [ELEMENTS[n]],
                "content_type": "image/png", "size": 1000 + rng.randint(0, 9000), "sha256": uuid.uuid4().hex * 2},
                source="/safecommunity/projects"))
    publisher = Publisher(amqp_uri)
    try:
        for start in range(0, len(events), 500):
            publisher.publish([(e.type, e.to_json(), e.id) for e in events[start:start + 500]])
    finally:
        publisher.close()
    return len(events) - len(made[projects])


def pack(service, n_projects, n_evidence):
    session, token = requests.Session(), service.admin_token()
    session.headers["Authorization"] = f"Bearer {token}"
    year = sitetime.today().year

    def told():
        answer = session.get(f"{service.url}/api/reports/dashboard", params={"year": year}, timeout=60).json()
        return len(answer["projects"]) >= n_projects and sum(answer["evidence"].values()) >= n_evidence
    wait_until(told, timeout=300, interval=1.0, message="reports to know every project and evidence item")
    started = time.perf_counter()
    answer = session.post(f"{service.url}/api/reports/periodic", json={"kind": "self_evaluation", "year": year},
                          timeout=120)
    assert answer.status_code == 201, answer.text
    issued = time.perf_counter() - started
    report_id = answer.json()["id"]
    for name in ("report.pdf", "tables.xlsx"):
        got = session.get(f"{service.url}/api/reports/periodic/{report_id}/{name}", timeout=120)
        assert got.status_code == 200 and got.content, (name, got.status_code)
    return time.perf_counter() - started, issued, answer.json()


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--projects", type=int, default=500)
    parser.add_argument("--occurrences", type=int, default=50000)
    parser.add_argument("--residents", type=int, default=100000)
    parser.add_argument("--rate", type=int, default=500)
    parser.add_argument("--seconds", type=int, default=20)
    parser.add_argument("--requests", type=int, default=300)
    args = parser.parse_args()
    rng = random.Random(2026)
    with ExitStack() as stack:
        vhost, dbs = stack.enter_context(RabbitVhost()), stack.enter_context(PostgresDatabases())
        log_dir = tempfile.mkdtemp(prefix="projects-bench-")
        migrate(dbs.url, ["projects", "reports"])
        url = dbs.url.format(service="projects")
        made, probe_id, changed, refreshed = fill(url, args, rng)
        n_indicators = len(made[indicators])
        print(f"filled: {args.projects} projects, {len(made[occurrences]):,} occurrences, {n_indicators:,} indicators, "
              f"{args.residents:,} residents; the refresh made {changed:,} values of this month in {refreshed:.1f} s")
        env = {"AMQP_URI": vhost.uri, "DATABASE_URL": dbs.url}
        services = {name: ServiceProcess([name], free_port(), env=env, log_path=os.path.join(log_dir, f"{name}.log"))
                    for name in ("projects", "reports")}
        for service in services.values():
            stack.callback(service.stop)
            service.start()
        print(f"projects and reports: one process each; logs in {log_dir}")

        sent, took, probes = pour(vhost.uri, rng, args.rate, args.seconds)
        found = probe_latencies(url, probe_id, probes)
        print(f"1. indicators: {sent:,} injuries published in {took:.1f} s ({sent / took:.0f}/s); the probe indicator "
              f"reflected its k-th case after p50 {statistics.median(found):.3f} s, "
              f"p99 {percentile(found, 0.99):.3f} s, max {found[-1]:.3f} s ({len(found)} probes); "
              f"target p99 <= {TARGET_P99_S:.0f} s")
        engine = make_engine(url)
        with engine.connect() as connection:
            values = connection.execute(select(func.count()).select_from(indicator_values)).scalar()
        engine.dispose()
        print(f"   indicator values kept: {values:,}")

        times = progress_times(services["projects"], [p["id"] for p in made[projects]], args.requests, rng)
        print(f"2. progress: {args.requests} answers, p50 {statistics.median(times) * 1000:.1f} ms, "
              f"p95 {percentile(times, 0.95) * 1000:.1f} ms; target p95 <= {TARGET_PROGRESS_P95_S * 1000:.0f} ms")

        n_evidence = tell_reports(vhost.uri, made, rng)
        total, issued, report = pack(services["reports"], args.projects, n_evidence)
        counted = sum(e["evidence_items"] for e in report["snapshot"]["elements"])
        print(f"3. self-evaluation pack: issued in {issued:.2f} s, with its PDF and XLSX in {total:.2f} s "
              f"({counted:,} evidence items counted for {args.projects} projects); target <= {TARGET_PACK_S:.0f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
