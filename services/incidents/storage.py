"""Incidents tables and repositories: the only place with queries."""
from datetime import datetime

from sqlalchemy import (
    JSON,
    Boolean,
    Column,
    DateTime,
    Float,
    Index,
    Integer,
    MetaData,
    String,
    Table,
    Text,
    UniqueConstraint,
    insert,
    or_,
    select,
    update,
)

from safecommunity.bulk import insert_rows
from safecommunity.database import as_utc, utcnow
from safecommunity.errors import NotFound
from safecommunity.storage import ConflictOnDuplicate, UnitOfWork
from safecommunity.tables import ID, add_backbone_tables

from .domain import NOT_YET_RECTIFIED, Accident, Hazard, InjuryCase, PublicOrderEvent

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
    Column("report_time", DateTime(timezone=True)),
    Column("details", JSON),  # optional card fields and sub-forms
    Column("version", Integer, nullable=False, server_default="1"),
    UniqueConstraint("source", "external_id", name="uq_injury_cases_source_external_id"),
)

# Every step of a case, hazard or public-order event: who, when, why, evidence.
history = Table(
    "history", metadata,
    Column("id", ID, primary_key=True, autoincrement=True),
    Column("subject_type", String(20), nullable=False),
    Column("subject_id", String(36), nullable=False),
    Column("action", String(30), nullable=False),
    Column("from_status", String(20)),
    Column("to_status", String(20)),
    Column("actor", String(120), nullable=False),
    Column("at", DateTime(timezone=True), nullable=False),
    Column("reason", Text),
    Column("evidence", JSON, nullable=False),
    Column("details", JSON, nullable=False),
    Index("ix_history_subject", "subject_type", "subject_id", "id"),
)

hazards = Table(
    "hazards", metadata,
    Column("id", String(36), primary_key=True),
    Column("source", String(60), nullable=False),
    Column("external_id", String(60)),
    Column("found_by", String(20), nullable=False),
    Column("category", String(30), nullable=False, index=True),
    Column("severity", String(10), nullable=False),
    Column("status", String(20), nullable=False, index=True),
    Column("description", Text, nullable=False),
    Column("reported_by", String(120), nullable=False),
    Column("reported_at", DateTime(timezone=True), nullable=False),
    Column("deadline", DateTime(timezone=True), nullable=False),
    Column("grid_code", String(40), index=True),
    Column("unit_id", String(36), index=True),
    Column("unit_name", String(200)),
    Column("address", String(300)),
    Column("latitude", Float),
    Column("longitude", Float),
    Column("responsible_party", String(200)),
    Column("escalated_to", String(120)),
    Column("escalation_level", Integer, nullable=False),
    Column("rectified_at", DateTime(timezone=True)),
    Column("overdue_raised_at", DateTime(timezone=True)),
    Column("next_reminder_at", DateTime(timezone=True), index=True),
    Column("closed_at", DateTime(timezone=True)),
    UniqueConstraint("source", "external_id", name="uq_hazards_source_external_id"),
    Index("ix_hazards_deadline", "deadline"),
)

attachments = Table(
    "attachments", metadata,
    Column("id", String(36), primary_key=True),
    Column("hazard_id", String(36), nullable=False, index=True),
    Column("filename", String(200), nullable=False),
    Column("content_type", String(100), nullable=False),
    Column("size", Integer, nullable=False),
    Column("sha256", String(64), nullable=False),
    Column("uploaded_by", String(120), nullable=False),
    Column("uploaded_at", DateTime(timezone=True), nullable=False),
)

accidents = Table(
    "accidents", metadata,
    Column("id", String(36), primary_key=True),
    Column("source", String(60), nullable=False),
    Column("external_id", String(60), nullable=False),
    Column("kind", String(30), nullable=False, index=True),
    Column("occurred_at", DateTime(timezone=True), nullable=False, index=True),
    Column("grid_code", String(40), index=True),
    Column("unit_id", String(36), index=True),
    Column("unit_name", String(200)),
    Column("address", String(300)),
    Column("deaths", Integer, nullable=False),
    Column("injuries", Integer, nullable=False),
    Column("economic_loss", Float),
    Column("mass_casualty", Boolean, nullable=False),
    Column("description", Text),
    UniqueConstraint("source", "external_id", name="uq_accidents_source_external_id"),
)

public_order_events = Table(
    "public_order_events", metadata,
    Column("id", String(36), primary_key=True),
    Column("source", String(60), nullable=False),
    Column("external_id", String(60), nullable=False),
    Column("kind", String(30), nullable=False, index=True),
    Column("occurred_at", DateTime(timezone=True), nullable=False, index=True),
    Column("grid_code", String(40), index=True),
    Column("address", String(300)),
    Column("description", Text),
    Column("stage", String(20)),
    UniqueConstraint("source", "external_id", name="uq_public_order_source_external_id"),
)

intake_rejections = Table(
    "intake_rejections", metadata,
    Column("id", String(36), primary_key=True),
    Column("channel", String(10), nullable=False),
    Column("department", String(60), index=True),
    Column("kind", String(30)),
    Column("source", String(60)),
    Column("external_id", String(60)),
    Column("routing_key", String(200)),
    Column("message_id", String(200)),
    Column("reasons", JSON, nullable=False),
    Column("rejected_at", DateTime(timezone=True), nullable=False, index=True),
)

# This service's own view of registry's grids, kept from grid.created events.
known_grids = Table(
    "known_grids", metadata,
    Column("code", String(40), primary_key=True),
    Column("name", String(200), nullable=False),
    Column("level", String(20), nullable=False),
)

# ... and of its units, kept from unit.registered and unit.updated: what resolves a unit a report names.
known_units = Table(
    "known_units", metadata,
    Column("unit_id", String(36), primary_key=True),
    Column("credit_code", String(18), index=True),
    Column("name", String(200), nullable=False),
    Column("type", String(40), nullable=False),
    Column("grid_code", String(40), nullable=False),
    Column("as_of", DateTime(timezone=True), nullable=False),  # time of the newest event applied
)
UNIT_COLUMNS = ("unit_id", "credit_code", "name", "type", "grid_code", "as_of")

SUBJECTS = {InjuryCase: "injury", Hazard: "hazard", PublicOrderEvent: "public_order"}
TIMES = ("injury_time", "visit_time", "report_time", "reported_at", "deadline", "rectified_at", "overdue_raised_at",
         "next_reminder_at", "closed_at", "occurred_at", "uploaded_at", "rejected_at", "at", "as_of")


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
        query = select(self.table).where(self.table.c.id == item_id)
        row = self.session.execute(query.with_for_update() if for_update else query).first()
        if row is None:
            raise NotFound(f"no {self.what} {item_id}")
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


class CaseRepository(Repository):
    table, aggregate, time_column, what = injury_cases, InjuryCase, "visit_time", "injury case"

    def by_keys(self, keys):
        """{(source, external_id): InjuryCase} for the keys already stored, locked for amendment."""
        if not keys:
            return {}
        rows = self.session.execute(select(self.table).where(_keys_in(self.table, keys)).with_for_update()).all()
        cases = [self._load(row) for row in rows]
        return {(case.source, case.external_id): case for case in cases}

    def _load(self, row):
        values = _row(row)
        values["details"] = values["details"] or {}
        return InjuryCase(**values)


class HazardRepository(Repository):
    table, aggregate, time_column, what = hazards, Hazard, "reported_at", "hazard"

    def list(self, filters, limit, offset):
        filters = dict(filters)
        overdue = filters.pop("overdue", None)
        query = _filtered(select(hazards), hazards, filters, "reported_at")
        if overdue is not None:
            late = (hazards.c.status.in_(NOT_YET_RECTIFIED)) & (hazards.c.deadline < utcnow())
            query = query.where(late if overdue else ~late)
        query = query.order_by(hazards.c.reported_at.desc(), hazards.c.id).limit(limit).offset(offset)
        return [self._load(row) for row in self.session.execute(query).all()]

    def claim_overdue(self, now, limit=200):
        """Hazards past their deadline not yet told, locked; replicas skip each other's rows."""
        return self._claim((hazards.c.overdue_raised_at.is_(None)) & (hazards.c.deadline <= now)
                           & hazards.c.status.in_(NOT_YET_RECTIFIED), limit)

    def claim_reminders(self, now, limit=200):
        return self._claim(hazards.c.next_reminder_at <= now, limit)

    def _claim(self, condition, limit):
        rows = self.session.execute(select(hazards).where(condition).order_by(hazards.c.deadline)
                                    .limit(limit).with_for_update(skip_locked=True)).all()
        return [self._load(row) for row in rows]

    def get(self, hazard_id, for_update=False):
        """The hazard with the ids of its attachments (the evidence a transition may cite)."""
        hazard = super().get(hazard_id, for_update)
        hazard.attachment_ids = set(self.session.scalars(select(attachments.c.id)
                                                         .where(attachments.c.hazard_id == hazard.id)))
        return hazard

    def attachments(self, hazard_id):
        rows = self.session.execute(select(attachments).where(attachments.c.hazard_id == hazard_id)
                                    .order_by(attachments.c.uploaded_at)).all()
        return [_row(row) for row in rows]

    def add_attachment(self, **values):
        self.session.execute(insert(attachments), values)

    def attachment(self, attachment_id):
        row = self.session.execute(select(attachments).where(attachments.c.id == attachment_id)).first()
        if row is None:
            raise NotFound(f"no attachment {attachment_id}")
        return _row(row)


class AccidentRepository(Repository):
    table, aggregate, time_column, what = accidents, Accident, "occurred_at", "accident"


class PublicOrderRepository(Repository):
    table, aggregate, time_column, what = public_order_events, PublicOrderEvent, "occurred_at", "public-order event"


class RejectionRepository:
    def __init__(self, uow):
        self.uow = uow

    def add_many(self, rejections):
        if rejections:
            columns = _columns(intake_rejections)
            self.uow.session.execute(insert(intake_rejections),
                                     [{c: getattr(r, c) for c in columns} for r in rejections])
            for rejection in rejections:
                self.uow.track(rejection)

    def list(self, department, limit, offset):
        query = select(intake_rejections)
        if department:
            query = query.where(intake_rejections.c.department == department)
        query = query.order_by(intake_rejections.c.rejected_at.desc(), intake_rejections.c.id)
        return [_row(row) for row in self.uow.session.execute(query.limit(limit).offset(offset)).all()]


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


class UnitRepository:
    def __init__(self, uow):
        self.uow = uow

    def apply(self, units):
        """Units as registry last told (each a dict with `as_of`, its event's time): the newest wins,
        so an older event arriving late (a replayed dead letter) changes nothing. A credit code now
        held by one unit is taken off any other (registry keeps them unique)."""
        session = self.uow.session
        ids = {unit["unit_id"] for unit in units}
        seen = dict(session.execute(select(known_units.c.unit_id, known_units.c.as_of)
                                    .where(known_units.c.unit_id.in_(ids))).all()) if ids else {}
        for unit in sorted(units, key=lambda u: u["as_of"]):
            row = {name: unit.get(name) for name in UNIT_COLUMNS}
            before = seen.get(row["unit_id"])
            if before is not None and as_utc(before) > row["as_of"]:
                continue
            if row["credit_code"]:
                session.execute(update(known_units).where(known_units.c.credit_code == row["credit_code"],
                                                          known_units.c.unit_id != row["unit_id"])
                                .values(credit_code=None))
            if before is None:
                session.execute(insert(known_units), row)
            else:
                session.execute(update(known_units).where(known_units.c.unit_id == row["unit_id"]).values(**row))
            seen[row["unit_id"]] = row["as_of"]

    def find(self, unit_ids, credit_codes):
        """The known units with any of these ids or credit codes."""
        if not unit_ids and not credit_codes:
            return []
        query = select(known_units).where(or_(known_units.c.unit_id.in_(unit_ids),
                                              known_units.c.credit_code.in_(credit_codes)))
        return [_row(row) for row in self.uow.session.execute(query).all()]

    def list(self, limit, offset):
        query = select(known_units).order_by(known_units.c.name, known_units.c.unit_id).limit(limit).offset(offset)
        return [_row(row) for row in self.uow.session.execute(query).all()]


class IncidentsUnitOfWork(ConflictOnDuplicate, UnitOfWork):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.cases = CaseRepository(self)
        self.hazards = HazardRepository(self)
        self.accidents = AccidentRepository(self)
        self.public_order = PublicOrderRepository(self)
        self.rejections = RejectionRepository(self)
        self.grids = GridRepository(self)
        self.units = UnitRepository(self)

    def commit(self):
        self._write_history()
        super().commit()

    def _write_history(self):
        rows = [{"subject_type": SUBJECTS[type(item)], "subject_id": item.id, "action": entry.action,
                 "from_status": entry.from_status, "to_status": entry.to_status, "actor": entry.actor,
                 "at": entry.at, "reason": entry.reason, "evidence": list(entry.evidence),
                 "details": _jsonable(entry.details)}
                for item in self._tracked if hasattr(item, "collect_history")
                for entry in item.collect_history()]
        if rows:
            self.session.execute(insert(history), rows)
