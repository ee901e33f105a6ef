"""Registry bulk import and list/search latency at district scale, against real PostgreSQL.

1. A fresh PostgreSQL database for the registry, migrated; 1 district, 10 streets, 50 communities
   and 1,000 grids.
2. CSV files generated before the clock starts: N residents (valid, unique ID numbers; phones;
   about 1 in 5 tagged elderly or child_0_6) and M units (valid credit codes).
3. Import, timed: the same code as `safecommunity registry import` (validation, encryption, keyed
   hashes, upsert look-up, events into the outbox, one transaction per 2,000 rows). Then the
   resident file again (every row unchanged: nothing written).
4. p95 of list/search queries: through the repository in this process, and over HTTP against a
   running registry process (its outbox marked sent first, so the relay does not compete for the
   CPU while we measure; the relay's own rate is measured by bench/intake_throughput.py).

    .venv/bin/python bench/registry_import.py [--residents 100000] [--units 50000] [--queries 200]

Needs PostgreSQL on 127.0.0.1:5432 and RabbitMQ (for the HTTP part), as the integration tests do.
"""
import argparse
import csv
import os
import random
import statistics
import sys
import tempfile
import time
from datetime import date, timedelta
from pathlib import Path

import requests
from cryptography.fernet import Fernet
from sqlalchemy import text
from sqlalchemy.orm import sessionmaker

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from safecommunity.migrate import upgrade  # noqa: E402
from safecommunity.testing import PostgresDatabases, RabbitVhost, ServiceProcess, free_port  # noqa: E402
from services.registry.codes import CREDIT_CHARS, credit_check_char, id_check_char  # noqa: E402
from services.registry.domain import Grid  # noqa: E402
from services.registry.importer import IMPORTERS, read_rows  # noqa: E402
from services.registry.pii import Protector  # noqa: E402
from services.registry.storage import RegistryUnitOfWork  # noqa: E402
from services.registry.taxonomy import age_on  # noqa: E402

KEYS = {"PII_KEY": Fernet.generate_key().decode(), "PII_HASH_KEY": "bench-" + "k" * 40}
GRIDS = [f"D-S{s:02d}-C{c}-G{g:02d}" for s in range(10) for c in range(5) for g in range(20)]
READ = "registry:read"  # the HTTP searches' token: personal data masked, as for any reader
UNIT_TYPES = ("enterprise", "small_shop", "small_restaurant", "small_workshop", "market", "school")


def make_grids(uow):
    district = Grid.create("D", "District", "district")
    made = [district]
    for s in range(10):
        street = Grid.create(f"D-S{s:02d}", f"Street {s}", "street", parent=district)
        made.append(street)
        for c in range(5):
            community = Grid.create(f"D-S{s:02d}-C{c}", f"Community {s}.{c}", "community", parent=street)
            made.append(community)
            made += [Grid.create(f"{community.code}-G{g:02d}", f"Grid {g}", "grid", parent=community)
                     for g in range(20)]
    for grid in made:
        uow.grids.add(grid)
    uow.commit()


def resident_rows(count, rng):
    today = date.today()
    for n in range(count):
        born = today - timedelta(days=rng.randint(0, 95 * 365))
        first17 = f"{320000 + n // 1000:06d}{born:%Y%m%d}{n % 1000:03d}"  # unique; sex from n's parity
        age = age_on(born, today)
        tag = "elderly" if age >= 60 and rng.random() < 0.5 else "child_0_6" if age <= 6 and rng.random() < 0.5 else ""
        yield [first17 + id_check_char(first17), f"Resident {n}", rng.choice(("permanent",) * 4 + ("migrant",)),
               GRIDS[n % len(GRIDS)], f"1{rng.randint(3, 9)}{rng.randint(0, 10**9 - 1):09d}", tag]


def unit_rows(count, rng):
    for n in range(count):
        body = f"91320113{n:08d}"[:8] + "".join(rng.choice(CREDIT_CHARS) for _ in range(9))
        yield [body + credit_check_char(body), f"Unit {n}", rng.choice(UNIT_TYPES), GRIDS[n % len(GRIDS)],
               rng.choice(("major", "high", "moderate", "low")), rng.choice(("true", "false"))]


def write_csv(path, header, rows):
    with open(path, "w", newline="") as out:
        writer = csv.writer(out)
        writer.writerow(header)
        writer.writerows(rows)


def timed_import(engine, kind, path):
    uow = RegistryUnitOfWork(sessionmaker(engine, expire_on_commit=False)(), "registry",
                             protector=Protector(KEYS["PII_KEY"], KEYS["PII_HASH_KEY"]))
    header, rows = read_rows(Path(path).read_bytes(), "csv")
    started = time.perf_counter()
    report = IMPORTERS[kind](uow).run(header, rows)
    elapsed = time.perf_counter() - started
    uow.close()
    return report, elapsed


def p95(samples):
    return statistics.quantiles(samples, n=20)[-1] * 1000 if len(samples) > 1 else samples[0] * 1000


def repository_latencies(engine, queries, rng):
    uow = RegistryUnitOfWork(sessionmaker(engine)(), "registry",
                             protector=Protector(KEYS["PII_KEY"], KEYS["PII_HASH_KEY"]))
    results = {}
    for name, make in QUERIES.items():
        samples = []
        for _ in range(queries):
            kind, query = make(rng)
            started = time.perf_counter()
            getattr(uow, kind).search(query, 50, rng.choice((0, 0, 50, 500)))
            samples.append(time.perf_counter() - started)
            uow.session.rollback()
        results[name] = p95(samples)
    uow.close()
    return results


QUERIES = {
    "residents by grid": lambda rng: ("residents", {"grid_code": rng.choice(GRIDS)}),
    "residents by tag (elderly)": lambda rng: ("residents", {"tag": "elderly"}),
    "residents by grid + age 60-79": lambda rng: ("residents", {"grid_code": rng.choice(GRIDS), "age_min": 60,
                                                                "age_max": 79}),
    "residents by residence type (migrant)": lambda rng: ("residents", {"residence_type": "migrant"}),
    "residents by tag + grid": lambda rng: ("residents", {"tag": "elderly", "grid_code": rng.choice(GRIDS)}),
    "units by type + risk grade": lambda rng: ("units", {"type": rng.choice(UNIT_TYPES), "risk_grade": "major"}),
    "units by grid": lambda rng: ("units", {"grid_code": rng.choice(GRIDS)}),
}

HTTP_PARAMS = {
    "residents by grid": lambda rng: ("residents", {"grid_code": rng.choice(GRIDS)}),
    "residents by tag + age 60-79": lambda rng: ("residents", {"tag": "elderly", "age_min": 60, "age_max": 79}),
    "residents by grid + tag": lambda rng: ("residents", {"grid_code": rng.choice(GRIDS), "tag": "elderly"}),
    "units by type + grid": lambda rng: ("units", {"type": rng.choice(UNIT_TYPES), "grid_code": rng.choice(GRIDS)}),
}


def http_latencies(dbs, queries, rng, log_dir):
    with RabbitVhost() as vhost:
        env = {"AMQP_URI": vhost.uri, "DATABASE_URL": dbs.url, **KEYS}
        process = ServiceProcess(["registry"], free_port(), env, log_path=os.path.join(log_dir, "registry.log"))
        process.start(migrate=True)  # the migrations make the access store the token is checked in
        try:
            session, results = requests.Session(), {}
            session.headers["Authorization"] = f"Bearer {process.admin_token(subject='bench', scopes=[READ])}"
            for name, make in HTTP_PARAMS.items():
                samples = []
                for _ in range(queries):
                    path, params = make(rng)
                    started = time.perf_counter()
                    response = session.get(f"{process.url}/api/registry/{path}", params=params, timeout=30)
                    samples.append(time.perf_counter() - started)
                    assert response.status_code == 200, response.text
                results[name] = p95(samples)
            return results
        finally:
            process.stop()


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--residents", type=int, default=100_000)
    parser.add_argument("--units", type=int, default=50_000)
    parser.add_argument("--queries", type=int, default=200)
    args = parser.parse_args()
    rng = random.Random(2026)
    work = tempfile.mkdtemp(prefix="registry-bench-")
    residents_csv, units_csv = os.path.join(work, "residents.csv"), os.path.join(work, "units.csv")
    write_csv(residents_csv, ["id_number", "name", "residence_type", "grid_code", "phone", "tags"],
              resident_rows(args.residents, rng))
    write_csv(units_csv, ["credit_code", "name", "type", "grid_code", "risk_grade", "hazardous_chemicals"],
              unit_rows(args.units, rng))
    with PostgresDatabases() as dbs:
        url = dbs.url.format(service="registry")
        upgrade("registry", url)
        engine = dbs.engine("registry")
        uow = RegistryUnitOfWork(sessionmaker(engine)(), "registry")
        make_grids(uow)
        uow.close()
        lines = []
        for kind, path, count in (("residents", residents_csv, args.residents), ("units", units_csv, args.units)):
            report, elapsed = timed_import(engine, kind, path)
            lines.append(f"| import {count:,} {kind} | {count / elapsed:,.0f} rows/s ({elapsed:.1f} s; "
                         f"{report.counts}) |")
            print(lines[-1], flush=True)
        report, elapsed = timed_import(engine, "residents", residents_csv)
        lines.append(f"| import the same {args.residents:,} residents again | {args.residents / elapsed:,.0f} rows/s "
                     f"({elapsed:.1f} s; {report.counts}) |")
        print(lines[-1], flush=True)
        with engine.begin() as connection:
            outbox = connection.scalar(text("SELECT count(*) FROM outbox"))
            connection.execute(text("ANALYZE"))
            connection.execute(text("UPDATE outbox SET published_at = now() WHERE published_at IS NULL"))
        lines.append(f"| events written to the outbox | {outbox:,} |")
        for name, value in repository_latencies(engine, args.queries, rng).items():
            lines.append(f"| p95 repository: {name} (page of 50) | {value:.1f} ms |")
            print(lines[-1], flush=True)
        for name, value in http_latencies(dbs, args.queries, rng, work).items():
            lines.append(f"| p95 HTTP GET: {name} (page of 50, {READ} token, masked) | {value:.1f} ms |")
            print(lines[-1], flush=True)
        engine.dispose()
    print(f"\n| registry, {date.today()}, {os.cpu_count()} CPUs | measured |\n|---|---|")
    print("\n".join(lines))


if __name__ == "__main__":
    main()
