"""What the projects repositories share: rows to aggregates and back, ids from URLs."""
from contextlib import contextmanager
from dataclasses import fields
from datetime import date, datetime

from sqlalchemy import select, update
from sqlalchemy.exc import IntegrityError

from safecommunity.database import as_utc
from safecommunity.errors import Conflict, NotFound
from safecommunity.text import text_problem


def plausible_id(item_id, most=36):
    """Whether an id from a URL could name a row (a NUL in a query is an error on PostgreSQL)."""
    return isinstance(item_id, str) and 0 < len(item_id) <= most and text_problem(item_id) is None


def not_found(what, item_id):
    return NotFound(f"no {what} {item_id}" if plausible_id(item_id, 64) else f"no {what} with that id")


def jsonable(value):
    if isinstance(value, dict):
        return {key: jsonable(item) for key, item in value.items()}
    if isinstance(value, (list, tuple)):
        return [jsonable(item) for item in value]
    return value.isoformat() if isinstance(value, (date, datetime)) else value


def values_of(item, table):
    return {c.name: jsonable(getattr(item, c.name)) if c.type.__class__.__name__ == "JSON" else getattr(item, c.name)
            for c in table.columns if hasattr(item, c.name)}


def row_values(row):
    return {key: as_utc(value) if isinstance(value, datetime) else value for key, value in row._mapping.items()}


@contextmanager
def unique(what):
    """A unique key a write would break (a working group's name, an occurrence's day): a 409."""
    try:
        yield
    except IntegrityError as exc:
        raise Conflict(f"{what} exists already (or was just made by another request)") from exc


class Repository:
    table, aggregate, what, key = None, None, None, "id"

    def __init__(self, uow):
        self.uow, self.session = uow, uow.session

    def add(self, item):
        self.add_many([item])

    def add_many(self, items):
        if items:
            with unique(f"such a {self.what}"):
                self.session.execute(self.table.insert(), [values_of(item, self.table) for item in items])
            for item in items:
                self.uow.track(item)

    def save(self, item):
        values = {k: v for k, v in values_of(item, self.table).items() if k != self.key}
        with unique(f"such a {self.what}"):
            self.session.execute(update(self.table).where(self.table.c[self.key] == getattr(item, self.key))
                                 .values(**values))
        self.uow.track(item)

    def get(self, item_id, for_update=False):
        if not plausible_id(item_id, self.table.c[self.key].type.length):
            raise not_found(self.what, item_id)
        query = select(self.table).where(self.table.c[self.key] == item_id)
        row = self.session.execute(query.with_for_update() if for_update else query).first()
        if row is None:
            raise not_found(self.what, item_id)
        return self.load(row)

    def load(self, row):
        names = {f.name for f in fields(self.aggregate)}
        return self.aggregate(**{k: v for k, v in row_values(row).items() if k in names})

    def select(self, query):
        return [self.load(row) for row in self.session.execute(query).all()]
