"""A hospital's CSV export through `safecommunity incidents import-injuries`, on PostgreSQL (two
lanes in flight) and on SQLite: good rows in, bad rows reported by line and field, a corrected
row amending its case after the original, and the same file again changing nothing."""
import csv
import os
import subprocess
import sys

import pytest
from sqlalchemy import create_engine, text

from safecommunity.testing import migrate
from tests.support import injury_card

pytestmark = pytest.mark.integration

COLUMNS = ["external_id", "injury_time", "visit_time", "sex", "age", "residence_type", "cause", "intent",
           "place", "activity", "nature", "body_part", "severity", "outcome"]


def write_export(path, rows):
    with open(path, "w", newline="", encoding="utf-8") as file:
        writer = csv.DictWriter(file, fieldnames=COLUMNS, extrasaction="ignore")
        writer.writeheader()
        writer.writerows(rows)


def import_csv(database_url, path, *extra):
    done = subprocess.run([sys.executable, "-m", "safecommunity.cli", "incidents", "import-injuries", str(path),
                           "--source", "city-hospital", "--batch", "7", *extra],
                          env={**os.environ, "DATABASE_URL": database_url, "PYTHONWARNINGS": "ignore"},
                          capture_output=True, text=True, timeout=120)
    assert done.returncode in (0, 1), done.stderr
    assert "100%" in done.stderr  # the progress bar reached the end
    return done.stdout.strip()


@pytest.fixture(params=["postgresql", "sqlite"])
def database_url(request, tmp_path):
    if request.param == "sqlite":
        url = f"sqlite:///{tmp_path}/{{service}}.db"
        migrate(url, ["incidents"])
        yield url
        return
    databases = request.getfixturevalue("databases")
    migrate(databases.url, ["incidents"])
    yield databases.url


def test_an_export_goes_in_once_with_bad_rows_reported_and_corrections_amending(database_url, tmp_path):
    path = tmp_path / "export.csv"
    cards = [injury_card(source="city-hospital") for _ in range(60)]
    broken = injury_card(cause="teleport", age=130)
    correction = {**cards[3], "severity": "severe", "outcome": "admitted"}
    nameless = {**injury_card(), "external_id": ""}
    # 60 distinct cases, then a broken row, an exact repeat, a correction and a row with no id.
    write_export(path, cards + [broken, cards[10], correction, nameless])

    summary = import_csv(database_url, path)
    assert summary.startswith("64 rows: 60 created, 1 amended, 1 duplicate, 2 rejected"), summary

    with open(f"{path}.errors.csv", newline="", encoding="utf-8") as file:
        errors = list(csv.DictReader(file))
    by_line = {}
    for error in errors:
        by_line.setdefault(int(error["line"]), set()).add(error["field"])
    assert by_line == {62: {"cause", "age"}, 65: {"external_id"}}  # line 1 is the header
    assert {e["external_id"] for e in errors if e["line"] == "62"} == {broken["external_id"]}

    engine = create_engine(database_url.format(service="incidents"))
    with engine.connect() as connection:
        assert connection.scalar(text("SELECT count(*) FROM injury_cases")) == 60
        severity, version = connection.execute(
            text("SELECT severity, version FROM injury_cases WHERE external_id = :id"),
            {"id": cards[3]["external_id"]}).one()
        assert (severity, version) == ("severe", 2)  # the correction, read after the row it corrects
        types = dict(connection.execute(text("SELECT type, count(*) FROM outbox GROUP BY type")).all())
        assert types == {"injury.reported": 60, "injury.amended": 1}

    # The hospital sends its export again, the correction now in place of the original row.
    write_export(path, cards[:3] + [correction] + cards[4:])
    again = import_csv(database_url, path)
    assert again == "60 rows: 0 created, 0 amended, 60 duplicate, 0 rejected", again
    with engine.connect() as connection:
        assert connection.scalar(text("SELECT count(*) FROM outbox")) == 61
    engine.dispose()
