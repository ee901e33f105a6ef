"""What a hospital's export file may be: UTF-8 with or without a BOM, or GB18030 (found, or declared
with --encoding), times without an offset on the site's clock; and what refuses the whole file with
a clear message, exit status 2 and nothing imported: binary data, an over-long line, a control
character, a column that is no card field."""
import csv
import io
import os
import subprocess
import sys
from datetime import datetime, timezone

import pytest
from sqlalchemy import create_engine, text

from safecommunity.testing import migrate
from tests.integration.test_incidents_csv import COLUMNS
from tests.support import injury_card

pytestmark = pytest.mark.integration
AT = datetime(2026, 11, 20, 0, 10, tzinfo=timezone.utc)  # 08:10 in Shanghai


@pytest.fixture(params=["sqlite", "postgresql"])
def database_url(request, tmp_path):
    url = f"sqlite:///{tmp_path}/{{service}}.db" if request.param == "sqlite" else \
        request.getfixturevalue("databases").url
    migrate(url, ["incidents"])
    return url


def export(rows, columns=COLUMNS + ["description"]):
    out = io.StringIO(newline="")
    writer = csv.DictWriter(out, fieldnames=columns, extrasaction="ignore")
    writer.writeheader()
    writer.writerows(rows)
    return out.getvalue()


def run(database_url, path, *extra):
    done = subprocess.run([sys.executable, "-m", "safecommunity.cli", "incidents", "import-injuries", str(path),
                           "--source", "city-hospital", *extra], capture_output=True, text=True, timeout=120,
                          env={**os.environ, "DATABASE_URL": database_url, "PYTHONWARNINGS": "ignore"})
    return done.returncode, done.stdout.strip(), done.stderr


def stored(database_url, what="count(*)"):
    engine = create_engine(database_url.format(service="incidents"))
    try:
        with engine.connect() as connection:
            return connection.execute(text(f"SELECT {what} FROM injury_cases")).all()
    finally:
        engine.dispose()


def test_utf8_with_a_bom_and_gb18030_found_or_declared_are_read_alike(database_url, tmp_path):
    rows = [injury_card(description=f"在家中跌倒，左髋部骨折 {n}", injury_time="2026-11-20 08:10",
                        visit_time="2026-11-20T09:00:00") for n in range(3)]
    for name, data, extra in (("bom.csv", "\ufeff" + export(rows[:1]), ()),
                              ("gb.csv", export(rows[1:2]).encode("gb18030"), ()),
                              ("gb-declared.csv", export(rows[2:]).encode("gb18030"), ("--encoding", "GBK"))):
        path = tmp_path / name
        path.write_bytes(data.encode("utf-8") if isinstance(data, str) else data)
        status, summary, errors = run(database_url, path, *extra)
        assert status == 0 and summary.startswith("1 rows: 1 created"), (name, summary, errors)
    found = stored(database_url, "description, injury_time")
    assert sorted(row[0] for row in found) == sorted(row["description"] for row in rows)
    for _, injury_time in found:  # on the site's clock, Asia/Shanghai: 00:10 UTC
        moment = datetime.fromisoformat(injury_time) if isinstance(injury_time, str) else injury_time
        assert moment.replace(tzinfo=moment.tzinfo or timezone.utc) == AT
    status, summary, _ = run(database_url, tmp_path / "gb.csv", "--timezone", "+00:00")
    assert status == 0 and "1 amended" in summary  # the same clock reading, another instant


@pytest.mark.parametrize("what, spoil, says", [
    ("binary data", lambda good: b"PK\x03\x04\x00\x00" + good, "binary data"),
    ("an over-long line", lambda good: good + b"x" * 70_000 + b"\n", "line 4 is longer than 65536 characters"),
    ("a control character", lambda good: good.replace(b"floor", b"fl\x1boor"), "line 2 contains the control character"),
    ("a column that is no card field", lambda good: b"colour," + good.replace(b"\r\n", b"\r\nred,", 1),
     "columns that are no card fields: colour"),
    ("bytes that are text in no encoding declared", lambda good: good + "好".encode("gb18030") + b"\n",
     "is not text in utf-8"),
])
def test_a_file_with_a_file_level_problem_is_refused_whole(tmp_path, what, spoil, says):
    """Refused before a database is opened: SQLite stands for both."""
    database_url = f"sqlite:///{tmp_path}/{{service}}.db"
    migrate(database_url, ["incidents"])
    good = export([injury_card(description="wet floor"), injury_card()]).encode("utf-8")
    path = tmp_path / "export.csv"
    path.write_bytes(spoil(good))
    extra = ("--encoding", "utf-8") if what.startswith("bytes") else ()
    status, summary, errors = run(database_url, path, *extra)
    assert status == 2 and says in errors and "nothing imported" in errors, (what, summary, errors)
    assert stored(database_url) == [(0,)]
