"""insert_rows and upsert_rows: the JSON-array path on PostgreSQL stores exactly what an INSERT
stores, awkward values included, inside the caller's transaction."""
from datetime import date, datetime, timedelta, timezone

import pytest
from sqlalchemy import (
    JSON,
    Boolean,
    Column,
    Date,
    DateTime,
    Float,
    Integer,
    MetaData,
    String,
    Table,
    Text,
    create_engine,
    insert,
    select,
)
from sqlalchemy.orm import Session

from safecommunity.bulk import insert_rows, upsert_rows
from safecommunity.migrate import create_database_if_missing

metadata = MetaData()


def table(name):
    return Table(name, metadata,
                 Column("id", Integer, primary_key=True, autoincrement=True),
                 Column("code", String(40)), Column("note", Text), Column("count", Integer),
                 Column("ratio", Float), Column("flag", Boolean), Column("at", DateTime(timezone=True)),
                 Column("day", Date), Column("details", JSON), Column("tags", JSON(none_as_null=True)))


by_copy, by_insert = table("by_copy"), table("by_insert")

ROWS = [
    {"code": "plain", "note": "line one\nline two, with a comma", "count": 0, "ratio": 0.1, "flag": True,
     "at": datetime(2026, 1, 2, 3, 4, 5, 678901, tzinfo=timezone.utc), "day": date(2026, 1, 2),
     "details": {"a": [1, 2], "quote": 'say "hi"', "中文": "跌倒"}, "tags": ["x"]},
    {"code": "", "note": '"', "count": -5, "ratio": 1e-9, "flag": False,
     "at": datetime(2026, 1, 2, 11, 0, tzinfo=timezone(timedelta(hours=8))), "day": date(1900, 1, 1),
     "details": {}, "tags": []},
    {"code": None, "note": None, "count": None, "ratio": None, "flag": None, "at": None, "day": None,
     "details": None, "tags": None},
    {"code": "\\N", "note": "\\.", "count": 2**31 - 1, "ratio": -2.5, "flag": True,
     "at": datetime(2026, 6, 1, tzinfo=timezone.utc), "day": date(2026, 6, 1), "details": "just a string",
     "tags": None},
]


@pytest.fixture(params=["postgresql", "sqlite"])
def engine(request, tmp_path):
    if request.param == "postgresql":
        databases = request.getfixturevalue("databases")
        url = databases.url.format(service="bulk")
        create_database_if_missing(url)
    else:
        url = f"sqlite:///{tmp_path}/bulk.db"
    engine = create_engine(url)
    metadata.create_all(engine)
    yield engine
    engine.dispose()


def stored(session, table_):
    return [row._asdict() for row in session.execute(select(table_).order_by(table_.c.id))]


def test_rows_read_back_as_an_insert_stores_them(engine):
    with Session(engine) as session:
        insert_rows(session, by_copy, ROWS)
        session.execute(insert(by_insert), ROWS)
        session.commit()
    with Session(engine) as session:
        copied, inserted = stored(session, by_copy), stored(session, by_insert)
        assert copied == inserted
        assert [row["code"] for row in copied] == ["plain", "", None, "\\N"]
        assert copied[0]["details"]["中文"] == "跌倒" and copied[1]["note"] == '"'
        assert session.scalar(select(by_copy.c.id).where(by_copy.c.tags.is_(None))) == 3  # SQL NULL
        assert session.scalar(select(by_copy.c.id).where(by_copy.c.details.is_(None))) is None  # JSON null


def test_the_rows_belong_to_the_callers_transaction(engine):
    with Session(engine) as session:
        insert_rows(session, by_copy, ROWS)
        session.rollback()
    with Session(engine) as session:
        assert stored(session, by_copy) == []


def test_upserted_rows_replace_the_columns_they_name_or_are_left_as_they_were(engine):
    with Session(engine) as session:
        insert_rows(session, by_copy, [{**row, "id": n} for n, row in enumerate(ROWS[:2], start=1)])
        upsert_rows(session, by_copy, [{"id": 1, "count": 7, "details": {"b": 1}},
                                       {"id": 9, "count": 9, "details": None}])
        upsert_rows(session, by_copy, [{"id": 2, "count": 99}, {"id": 10, "count": 10}], keep_existing=True)
        session.commit()
    with Session(engine) as session:
        rows = {row["id"]: row for row in stored(session, by_copy)}
        assert sorted(rows) == [1, 2, 9, 10]
        assert rows[1]["count"] == 7 and rows[1]["details"] == {"b": 1} and rows[1]["code"] == "plain"
        assert rows[2]["count"] == -5 and rows[10]["count"] == 10 and rows[9]["code"] is None
        assert session.scalar(select(by_copy.c.id).where(by_copy.c.details.is_(None))) != 9  # JSON null, as insert
