"""Incidents tables and repositories: the only place with queries."""
from sqlalchemy import (
    Column,
    DateTime,
    Integer,
    MetaData,
    String,
    Table,
    Text,
    UniqueConstraint,
    insert,
    select,
    tuple_,
)
from sqlalchemy.exc import IntegrityError

from safecommunity.database import as_utc
from safecommunity.errors import Conflict, NotFound
from safecommunity.storage import UnitOfWork
from safecommunity.tables import add_backbone_tables

from .domain import InjuryCase

metadata = add_backbone_tables(MetaData())

injury_cases = Table(
    "injury_cases", metadata,
    Column("id", String(36), primary_key=True),
    Column("source", String(60), nullable=False),
    Column("external_id", String(60), nullable=False),
    Column("grid_code", String(40), index=True),
    Column("injury_time", DateTime(timezone=True), nullable=False),
    Column("visit_time", DateTime(timezone=True), nullable=False, index=True),
    Column("sex", String(10), nullable=False),
    Column("age", Integer, nullable=False),
    Column("residence_type", String(20), nullable=False),
    Column("cause", String(30), nullable=False),
    Column("intent", String(30), nullable=False),
    Column("place", String(30), nullable=False),
    Column("activity", String(30), nullable=False),
    Column("nature", String(30), nullable=False),
    Column("body_part", String(30), nullable=False),
    Column("severity", String(10), nullable=False),
    Column("outcome", String(30), nullable=False),
    Column("description", Text),
    UniqueConstraint("source", "external_id", name="uq_injury_cases_source_external_id"),
)

# This service's own view of registry's grids, kept from grid.created events.
known_grids = Table(
    "known_grids", metadata,
    Column("code", String(40), primary_key=True),
    Column("name", String(200), nullable=False),
    Column("level", String(20), nullable=False),
)

CASE_COLUMNS = [column.name for column in injury_cases.columns]


class CaseRepository:
    def __init__(self, uow):
        self.uow = uow

    def add_many(self, cases):
        if not cases:
            return
        self.uow.session.execute(insert(injury_cases), [
            {name: getattr(case, name) for name in CASE_COLUMNS} for case in cases])
        for case in cases:
            self.uow.track(case)

    def ids_by_key(self, keys):
        """{(source, external_id): case id} for the keys already stored."""
        if not keys:
            return {}
        rows = self.uow.session.execute(
            select(injury_cases.c.source, injury_cases.c.external_id, injury_cases.c.id)
            .where(tuple_(injury_cases.c.source, injury_cases.c.external_id).in_(list(keys)))).all()
        return {(row.source, row.external_id): row.id for row in rows}

    def get(self, case_id):
        row = self.uow.session.execute(select(injury_cases).where(injury_cases.c.id == case_id)).first()
        if row is None:
            raise NotFound(f"no injury case {case_id}")
        return _case(row)

    def list(self, limit, offset):
        rows = self.uow.session.execute(select(injury_cases)
                                        .order_by(injury_cases.c.visit_time.desc(), injury_cases.c.id)
                                        .limit(limit).offset(offset)).all()
        return [_case(row) for row in rows]


def _case(row):
    values = dict(row._mapping)
    values["injury_time"], values["visit_time"] = as_utc(values["injury_time"]), as_utc(values["visit_time"])
    return InjuryCase(**values)


class GridRepository:
    def __init__(self, uow):
        self.uow = uow

    def add_many(self, grids):
        codes = self.known({grid["code"] for grid in grids})
        fresh = {grid["code"]: grid for grid in grids if grid["code"] not in codes}
        if fresh:
            self.uow.session.execute(insert(known_grids), [
                {"code": g["code"], "name": g["name"], "level": g["level"]} for g in fresh.values()])

    def known(self, codes):
        if not codes:
            return set()
        return set(self.uow.session.scalars(select(known_grids.c.code).where(known_grids.c.code.in_(codes))))

    def list(self):
        rows = self.uow.session.execute(select(known_grids).order_by(known_grids.c.code)).all()
        return [dict(row._mapping) for row in rows]


class IncidentsUnitOfWork(UnitOfWork):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.cases = CaseRepository(self)
        self.grids = GridRepository(self)

    def commit(self):
        try:
            super().commit()
        except IntegrityError as exc:  # a concurrent request stored the same case first
            self.rollback()
            raise Conflict(f"conflicting change, try again: {exc.orig}") from None
