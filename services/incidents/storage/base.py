"""The shared Repository base and the query helpers every repository uses."""
from datetime import datetime

from sqlalchemy import or_, select, update

from safecommunity.bulk import insert_rows
from safecommunity.database import as_utc
from safecommunity.errors import NotFound
from safecommunity.text import text_problem

from ..domain import Hazard, InjuryCase, PublicOrderEvent
from .tables import history

SUBJECTS = {InjuryCase: "injury", Hazard: "hazard", PublicOrderEvent: "public_order"}
TIMES = ("injury_time", "visit_time", "report_time", "reported_at", "deadline", "rectified_at", "overdue_raised_at",
         "next_reminder_at", "closed_at", "occurred_at", "uploaded_at", "rejected_at", "at", "as_of")


def plausible_id(item_id, most=36):
    """Whether an id from a URL could name a row: a query with a NUL in it is an error on
    PostgreSQL, not an empty answer."""
    return isinstance(item_id, str) and 0 < len(item_id) <= most and text_problem(item_id) is None


def not_found(what, item_id):
    return NotFound(f"no {what} {item_id}" if plausible_id(item_id) else f"no {what} with that id")


def _columns(table):
    return [column.name for column in table.columns]


def _row(row):
    values = dict(row._mapping)
    for name in TIMES:
        if name in values:
            values[name] = as_utc(values[name])
    return values


def _jsonable(value):
    if isinstance(value, dict):
        return {key: _jsonable(item) for key, item in value.items()}
    if isinstance(value, (list, tuple)):
        return [_jsonable(item) for item in value]
    return value.isoformat() if isinstance(value, datetime) else value


def _keys_in(table, keys):
    """(source, external_id) IN keys, written so PostgreSQL uses the unique index: a row-value IN
    list of a thousand pairs is planned as a scan of the whole table."""
    by_source = {}
    for source, external_id in keys:
        by_source.setdefault(source, []).append(external_id)
    return or_(*[(table.c.source == source) & table.c.external_id.in_(ids) for source, ids in by_source.items()])


def _filtered(query, table, filters, time_column):
    """Equality on each filter named after a column; `since`/`until` on the time column."""
    for name, value in filters.items():
        if name == "since":
            query = query.where(table.c[time_column] >= value)
        elif name == "until":
            query = query.where(table.c[time_column] < value)
        elif name in table.c:
            query = query.where(table.c[name] == value)
    return query


class Repository:
    table, aggregate, time_column, what = None, None, None, None

    def __init__(self, uow):
        self.uow = uow
        self.session = uow.session
        self.written = {}  # what this unit of work added or saved, by id: read back without a query

    def add_many(self, items):
        if items:
            columns = _columns(self.table)
            insert_rows(self.session, self.table, [{c: getattr(i, c) for c in columns} for i in items])
            for item in items:
                self.uow.track(item)
                self.written[item.id] = item

    def add(self, item):
        self.add_many([item])

    def save(self, item):
        values = {c: getattr(item, c) for c in _columns(self.table) if c != "id"}
        self.session.execute(update(self.table).where(self.table.c.id == item.id).values(**values))
        self.uow.track(item)
        self.written[item.id] = item

    def ids_by_key(self, keys):
        """{(source, external_id): id} for the keys already stored."""
        if not keys:
            return {}
        t = self.table
        rows = self.session.execute(select(t.c.source, t.c.external_id, t.c.id).where(_keys_in(t, keys))).all()
        return {(row.source, row.external_id): row.id for row in rows}

    def get(self, item_id, for_update=False):
        if item_id in self.written and not for_update:
            return self.written[item_id]
        if not plausible_id(item_id):
            raise not_found(self.what, item_id)
        query = select(self.table).where(self.table.c.id == item_id)
        row = self.session.execute(query.with_for_update() if for_update else query).first()
        if row is None:
            raise not_found(self.what, item_id)
        return self._load(row)

    def list(self, filters, limit, offset):
        query = _filtered(select(self.table), self.table, filters, self.time_column)
        query = query.order_by(self.table.c[self.time_column].desc(), self.table.c.id).limit(limit).offset(offset)
        return [self._load(row) for row in self.session.execute(query).all()]

    def history(self, subject_id):
        rows = self.session.execute(select(history).where(history.c.subject_type == SUBJECTS[self.aggregate],
                                                          history.c.subject_id == subject_id)
                                    .order_by(history.c.id)).all()
        return [_row(row) for row in rows]

    def _load(self, row):
        return self.aggregate(**_row(row))
