"""What a record costs on disk, and so what a year costs a city (deploy/SCALING.md).

1. Fresh PostgreSQL databases and a RabbitMQ vhost; registry, incidents, reports and notifications
   migrated. The registry's grids (1,000) and N residents imported in this process, with the code
   of `safecommunity registry import` (bench/registry_import.py's files and importer).
2. The four services started as processes; M injury cards posted in batches; waited on until
   reports has kept (journal) every event the registry and incidents published.
3. VACUUM ANALYZE, then each table's size with its indexes and TOAST, rows and bytes a row; and
   from those, a year at the city's volumes (--residents-year, --cards-year, --registry-events-year).

    .venv/bin/python bench/storage_growth.py [--residents 50000] [--cards 20000]

Needs PostgreSQL on 127.0.0.1:5432 and RabbitMQ with its management API, as the integration tests do.
"""
import argparse
import os
import random
import sys
import tempfile
import time
from contextlib import ExitStack
from pathlib import Path

import requests
from sqlalchemy import text
from sqlalchemy.orm import sessionmaker

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from registry_import import KEYS, make_grids, resident_rows, timed_import, write_csv  # noqa: E402

from safecommunity.testing import (  # noqa: E402
    PostgresDatabases,
    RabbitVhost,
    ServiceProcess,
    free_port,
    migrate,
    wait_until,
)
from services.registry.storage import RegistryUnitOfWork  # noqa: E402
from tests.support import injury_card  # noqa: E402

SERVICES = ("registry", "incidents", "reports", "notifications")
GB = 1024 ** 3


def table_sizes(dbs, service):
    with dbs.engine(service).connect() as connection:
        connection.execution_options(isolation_level="AUTOCOMMIT").execute(text("VACUUM ANALYZE"))
        tables = connection.execute(text("SELECT relname, pg_total_relation_size(relid) AS bytes "
                                         "FROM pg_stat_user_tables ORDER BY bytes DESC")).all()
        total = connection.scalar(text("SELECT pg_database_size(current_database())"))
        return {name: (size, connection.scalar(text(f'SELECT count(*) FROM "{name}"'))) for name, size in tables}, total


def count(dbs, service, table):
    with dbs.engine(service).connect() as connection:
        return connection.scalar(text(f"SELECT count(*) FROM {table}"))


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--residents", type=int, default=50_000)
    parser.add_argument("--cards", type=int, default=20_000)
    parser.add_argument("--residents-year", type=int, default=10_000_000, help="residents registered (a city)")
    parser.add_argument("--cards-year", type=int, default=1_000_000)
    parser.add_argument("--registry-events-year", type=int, default=50_000_000)
    args = parser.parse_args()
    work = tempfile.mkdtemp(prefix="storage-bench-")
    residents_csv = os.path.join(work, "residents.csv")
    write_csv(residents_csv, ["id_number", "name", "residence_type", "grid_code", "phone", "tags"],
              resident_rows(args.residents, random.Random(2026)))
    with ExitStack() as stack:
        vhost = stack.enter_context(RabbitVhost())
        dbs = stack.enter_context(PostgresDatabases())
        migrate(dbs.url, list(SERVICES))
        engine = dbs.engine("registry")
        uow = RegistryUnitOfWork(sessionmaker(engine)(), "registry")
        make_grids(uow)
        uow.close()
        timed_import(engine, "residents", residents_csv)
        env = {"AMQP_URI": vhost.uri, "DATABASE_URL": dbs.url, **KEYS}
        processes = {}
        for name in SERVICES:
            processes[name] = ServiceProcess([name], free_port(), env, os.path.join(work, f"{name}.log"))
            stack.callback(processes[name].stop)
            processes[name].start()
        session = requests.Session()
        session.headers["Authorization"] = f"Bearer {processes['incidents'].admin_token(subject='bench')}"
        for start in range(0, args.cards, 500):
            cases = [injury_card(grid_code=None) for _ in range(min(500, args.cards - start))]
            session.post(f"{processes['incidents'].url}/api/incidents/injuries/batch", json={"cases": cases},
                         timeout=60).raise_for_status()
        published = sum(count(dbs, name, "outbox") for name in ("registry", "incidents"))
        began = time.monotonic()
        wait_until(lambda: count(dbs, "reports", "journal") >= published, timeout=1800, interval=1,
                   message=f"reports to keep {published:,} events")
        print(f"reports kept {published:,} events, the last {time.monotonic() - began:.0f} s after the last card")
        report(args, {name: table_sizes(dbs, name) for name in SERVICES})


def report(args, sizes):
    print("\n| table | rows | MB | bytes a row |\n|---|---|---|---|")
    for service, (tables, total) in sizes.items():
        print(f"| **{service}** (database) | | {total / 2**20:,.1f} | |")
        for name, (size, rows) in tables.items():
            if size >= 1 << 20:
                print(f"| {service}.{name} | {rows:,} | {size / 2**20:,.1f} | {size / max(rows, 1):,.0f} |")

    def per_row(service, table):
        size, rows = sizes[service][0].get(table, (0, 0))
        return size / rows if rows else 0.0

    registry, incidents, reports = sizes["registry"][0], sizes["incidents"][0], sizes["reports"][0]
    resident = sum(size for name, (size, _) in registry.items() if name not in ("outbox", "inbox")) / args.residents
    card = sum(size for name, (size, _) in incidents.items() if name not in ("outbox", "inbox")) / args.cards
    events_year = args.registry_events_year + args.cards_year
    year = {
        "registry: residents and their tables": resident * args.residents_year,
        "registry: outbox (registry events)": per_row("registry", "outbox") * args.registry_events_year,
        "incidents: cases and their tables": card * args.cards_year,
        "incidents: outbox": per_row("incidents", "outbox") * args.cards_year,
        "reports: journal (every event)": per_row("reports", "journal") * events_year,
        "reports: inbox (every event)": per_row("reports", "inbox") * events_year,
        "reports: read models (scaled with the cards)": sum(size for name, (size, _) in reports.items()
                                    if name not in ("journal", "inbox", "outbox")) / args.cards * args.cards_year,
    }
    print(f"\nA year at {args.residents_year:,} residents, {args.cards_year:,} cards and "
          f"{args.registry_events_year:,} registry events (bytes a row as measured above):\n")
    print("| what | GB a year |\n|---|---|")
    for what, size in year.items():
        print(f"| {what} | {size / GB:,.1f} |")
    print(f"| **all** | **{sum(year.values()) / GB:,.1f}** |")


if __name__ == "__main__":
    main()
