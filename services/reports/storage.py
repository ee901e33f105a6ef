"""Reading and writing reports' tables (tables.py): the read models, the journal, KPI targets and
issued reports. Live and rebuild run the same projection code (projections.py), so a rebuild ends
where live consumption would have."""
import io
import json
import re

from sqlalchemy import and_, delete, func, insert, select, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from safecommunity.database import as_utc, connection_of
from safecommunity.envelope import Event
from safecommunity.errors import NotFound
from safecommunity.storage import UnitOfWork

from .tables import (
    BULK_ROWS,
    COUNTERS,
    DISTRICT,
    FACT_FIELDS,
    LATEST_BY,
    READ_MODELS,
    accident_rollups,
    acknowledgements,
    evidence_rollups,
    facilities,
    generated_reports,
    grid_injuries,
    grid_names,
    grid_residents,
    hazards,
    indicator_values,
    injury_facts,
    injury_rollups,
    journal,
    kpi_targets,
    notice_rollups,
    other_events,
    population_stats,
    population_tags,
    projects,
    public_order,
    rentals,
    tag_sensitivity,
    unit_stats,
    volunteers,
)


def _copy_text(value):
    """A value in COPY's text format (codes, months and counts: no tabs or newlines)."""
    if value is None:
        return "\\N"
    text = str(value)
    return text.replace("\\", "\\\\") if "\\" in text else text


def _execute_values(session, sql, rows):
    """Many rows in one INSERT per thousand on PostgreSQL, where executemany sends them one by one
    (and SQLAlchemy's multi-row VALUES costs more to compile than to run)."""
    from psycopg2.extras import execute_values

    cursor = connection_of(session).connection.cursor()
    try:
        execute_values(cursor, sql, rows, page_size=1000)
    finally:
        cursor.close()


def _insert(session, table):
    dialect = connection_of(session).dialect.name
    return (postgresql.insert if dialect == "postgresql" else sqlite.insert)(table)


class ReadModels:
    """Writes to and reads from the read models; the projections decide what to write."""

    def __init__(self, session):
        self.session = session

    # -- writing -------------------------------------------------------------------------------

    def apply(self, changes, bulk=False):
        """Write a batch of changes: new rows, then updates in order, then counter increments
        (bulk: a rebuild's whole sums into emptied tables, copied in). Case cells must have been
        rolled up (Changes.roll_up)."""
        if changes.case_cells:
            raise ValueError("injury cells not rolled up to their scopes yet")
        self.write_rows(changes, bulk)
        for table, increments in changes.increments.items():
            if bulk and self._postgres():
                keys = [column.name for column in table.primary_key.columns]
                self._copy(table, keys + [COUNTERS[table]], [key + (n,) for key, n in increments.items()])
            else:
                self.add_to(table, COUNTERS[table], increments)
        changes.clear()

    def write_rows(self, changes, bulk=False):
        """New rows and row updates, which a rebuild writes chunk by chunk (bulk: into empty
        tables, so the injury facts can be copied in)."""
        for table, rows in changes.rows.items():
            if bulk and table in BULK_ROWS and self._postgres() and rows:
                columns = list(rows[0])
                self._copy(table, columns, [[row[column] for column in columns] for row in rows])
            else:
                self.put(table, rows)
        for table, key, values in changes.updates:
            self.session.execute(update(table).where(*[table.c[k] == v for k, v in key.items()]).values(**values))
        for table, rows in changes.latest.items():
            self.put_latest(table, list(rows.values()))
        changes.rows.clear()
        changes.updates.clear()
        changes.latest.clear()
        changes.new_facts.clear()

    def add_to(self, table, counter, increments):
        """Add increments {key tuple: n} to `counter`, keyed by the table's primary key."""
        if not increments:
            return
        keys = [column.name for column in table.primary_key.columns]
        if self._postgres():
            columns = ", ".join(keys + [counter])
            _execute_values(self.session, f"INSERT INTO {table.name} ({columns}) VALUES %s ON CONFLICT "
                                          f"({', '.join(keys)}) DO UPDATE SET {counter} = "
                                          f"{table.name}.{counter} + EXCLUDED.{counter}",
                            [key + (n,) for key, n in increments.items()])
            return
        statement = _insert(self.session, table)
        statement = statement.on_conflict_do_update(
            index_elements=keys, set_={counter: table.c[counter] + statement.excluded[counter]})
        self.session.execute(statement, [{**dict(zip(keys, key, strict=True)), counter: n}
                                         for key, n in increments.items()])

    def put(self, table, rows):
        """Insert rows, leaving any row whose key is already there as it is."""
        if not rows:
            return
        if self._postgres():
            columns = list(rows[0])
            _execute_values(self.session, f"INSERT INTO {table.name} ({', '.join(columns)}) VALUES %s "
                                          "ON CONFLICT DO NOTHING",
                            [tuple(row[column] for column in columns) for row in rows])
            return
        self.session.execute(_insert(self.session, table).on_conflict_do_nothing(), rows)

    def put_latest(self, table, rows):
        """Insert rows, or overwrite the row of their key if it is not later by LATEST_BY."""
        if not rows:
            return
        keys, order = [column.name for column in table.primary_key.columns], LATEST_BY[table]
        statement = _insert(self.session, table)
        statement = statement.on_conflict_do_update(
            index_elements=keys, set_={name: statement.excluded[name] for name in rows[0] if name not in keys},
            where=table.c[order] <= statement.excluded[order])
        self.session.execute(statement, rows)

    def _copy(self, table, columns, rows):
        """COPY rows (values in the order of columns) in: several times faster than INSERT for a
        rebuild's millions of facts."""
        import psycopg2.extensions

        if not rows:
            return
        text = "".join("\t".join(map(_copy_text, row)) + "\n" for row in rows)
        cursor = connection_of(self.session).connection.cursor()
        callback = psycopg2.extensions.get_wait_callback()
        psycopg2.extensions.set_wait_callback(None)  # COPY cannot run with eventlet's wait callback
        try:
            cursor.copy_expert(f"COPY {table.name} ({', '.join(columns)}) FROM STDIN", io.StringIO(text))
        finally:
            psycopg2.extensions.set_wait_callback(callback)
            cursor.close()

    def _postgres(self):
        return connection_of(self.session).dialect.name == "postgresql"

    def journal(self, events):
        self.put(journal, [{"event_id": e.id, "type": e.type, "time": e.time, "envelope": e.to_json()}
                           for e in events])

    # -- reading -------------------------------------------------------------------------------

    def grids(self):
        return {row.code: dict(row._mapping) for row in self.session.execute(select(grid_names)).all()}

    def hierarchy(self):
        return dict(self.session.execute(select(grid_names.c.code, grid_names.c.parent_code)).all())

    def fact(self, case_id):
        """A case as the read models have it, or None."""
        row = self.session.execute(select(injury_facts).where(injury_facts.c.case_id == case_id)).first()
        return dict(row._mapping) if row else None

    def rollup(self, scope, months, dimensions):
        """{(dimension, value): injuries} of the cases under `scope` in those months."""
        c = injury_rollups.c
        rows = self.session.execute(
            select(c.dimension, c.value, func.sum(c.injuries))
            .where(c.scope == scope, c.month.in_(months), c.dimension.in_(dimensions))
            .group_by(c.dimension, c.value)).all()
        return {(dimension, value): int(total) for dimension, value, total in rows}

    def own_facts(self, grid, months):
        """[(month, {field: value})] of the cases reported in the grid itself."""
        c = injury_facts.c
        rows = self.session.execute(select(c.month, *[c[name] for name in FACT_FIELDS])
                                    .where(c.grid_code == grid, c.month.in_(months))).all()
        return [(row.month, dict(zip(FACT_FIELDS, row[1:], strict=True))) for row in rows]

    def totals_by_month(self, scope, months):
        """{month: injuries} under the scope, and in it if it is a grid."""
        c, own = injury_rollups.c, grid_injuries.c
        found = dict(self.session.execute(
            select(c.month, func.sum(c.injuries))
            .where(c.scope == scope, c.month.in_(months), c.dimension == "all").group_by(c.month)).all())
        for month, injuries in self.session.execute(
                select(own.month, own.injuries).where(own.grid_code == scope, own.month.in_(months))).all():
            found[month] = found.get(month, 0) + injuries
        return {month: int(total) for month, total in found.items()}

    def totals_by_scope(self, scopes, months):
        """{scope: injuries} in those months, each scope with everything below it."""
        c, own = injury_rollups.c, grid_injuries.c
        found = {scope: 0 for scope in scopes}
        for table_rows in (
                self.session.execute(select(c.scope, func.sum(c.injuries)).where(
                    c.scope.in_(scopes), c.month.in_(months), c.dimension == "all").group_by(c.scope)).all(),
                self.session.execute(select(own.grid_code, func.sum(own.injuries)).where(
                    own.grid_code.in_(scopes), own.month.in_(months)).group_by(own.grid_code)).all()):
            for scope, injuries in table_rows:
                found[scope] += int(injuries)
        return found

    def population(self, scope):
        """[(birth_year, sex, residence_type, residents)] in the scope and below it."""
        c = population_stats.c
        rows = self.session.execute(select(c.birth_year, c.sex, c.residence_type, c.residents)
                                    .where(c.scope == scope)).all()
        return [tuple(row) for row in rows]

    def residents_by_scope(self, scopes):
        c = population_stats.c
        rows = self.session.execute(select(c.scope, func.sum(c.residents)).where(c.scope.in_(scopes))
                                    .group_by(c.scope)).all()
        return {scope: int(total) for scope, total in rows}

    def own_injuries_by_grid(self, months):
        """{grid code: injuries} of the cases reported in each grid itself ("" for none)."""
        c = grid_injuries.c
        rows = self.session.execute(select(c.grid_code, func.sum(c.injuries)).where(c.month.in_(months))
                                    .group_by(c.grid_code)).all()
        return {grid: int(total) for grid, total in rows}

    def own_residents_by_grid(self):
        return dict(self.session.execute(select(grid_residents.c.grid_code, grid_residents.c.residents)).all())

    def tags(self, scope):
        c = population_tags.c
        rows = self.session.execute(select(c.tag, c.residents).where(c.scope == scope, c.residents != 0)
                                    .order_by(c.tag)).all()
        return {tag: int(residents) for tag, residents in rows}

    def tag_sensitivity(self):
        """{tag: True if any event said it is sensitive, False if events said only that it is not}."""
        c, found = tag_sensitivity.c, {}
        for tag, sensitive in self.session.execute(select(c.tag, c.sensitive).where(c.events > 0)).all():
            found[tag] = found.get(tag, False) or bool(sensitive)
        return found

    def units(self, scope):
        """{(type, risk grade): units} in and under the scope."""
        c = unit_stats.c
        rows = self.session.execute(select(c.type, c.risk_grade, c.units).where(c.scope == scope, c.units != 0)).all()
        return {(type_, grade): int(units) for type_, grade, units in rows}

    def facilities(self, grids):
        return self._rows_in(facilities, grids)

    def rentals(self, grids):
        return self._rows_in(rentals, grids)

    def volunteers(self, grids):
        return [row for row in self._rows_in(volunteers, grids) if row["active"]]

    def _rows_in(self, table, grids):
        """The table's rows in those grids; all of them for None (the whole district)."""
        query = select(table) if grids is None else select(table).where(table.c.grid_code.in_(grids))
        return [dict(row._mapping) for row in self.session.execute(query).all()]

    def hazards(self, grids):
        """Hazard rows in those grids (all of them, those with no grid included, for None)."""
        return self._rows_in(hazards, grids)

    def accidents(self, scope, months):
        """{(kind, measure): amount} of the accidents in and under the scope in those months."""
        c = accident_rollups.c
        rows = self.session.execute(select(c.kind, c.measure, func.sum(c.amount))
                                    .where(c.scope == scope, c.month.in_(months))
                                    .group_by(c.kind, c.measure)).all()
        return {(kind, measure): float(amount) for kind, measure, amount in rows}

    def public_order(self, grids, months):
        """Public-order rows of those months in those grids (all of them, those with no grid
        included, for None)."""
        c = public_order.c
        query = select(c.kind, c.grid_code, c.month, c.stage).where(c.month.in_(months))
        if grids is not None:
            query = query.where(c.grid_code.in_(grids))
        return [dict(row._mapping) for row in self.session.execute(query).all()]

    def other_events(self, grids, months):
        """{(type, month): events} of the types with no read model of their own, in those months and
        grids (all of them, those with no grid included, for None)."""
        c = other_events.c
        query = select(c.type, c.month, func.sum(c.events)).where(c.month.in_(months))
        if grids is not None:
            query = query.where(c.grid_code.in_(grids))
        rows = self.session.execute(query.group_by(c.type, c.month)).all()
        return {(type_, month): int(n) for type_, month, n in rows}

    def notices(self, months):
        """{(channel, status): deliveries} in those months."""
        c = notice_rollups.c
        rows = self.session.execute(select(c.channel, c.status, func.sum(c.notices)).where(c.month.in_(months))
                                    .group_by(c.channel, c.status)).all()
        return {(channel, status): int(n) for channel, status, n in rows}

    def evidence(self, months):
        """{AQ/T 9001 element: evidence items} received in those months."""
        c = evidence_rollups.c
        rows = self.session.execute(select(c.element, func.sum(c["items"])).where(c.month.in_(months))
                                    .group_by(c.element)).all()
        return {element: int(n) for element, n in rows}

    def acknowledgements(self, months):
        """[(event_type, severity, seconds)] of the acknowledgements in those months."""
        c = acknowledgements.c
        return [tuple(row) for row in self.session.execute(
            select(c.event_type, c.severity, c.seconds).where(c.month.in_(months))).all()]

    def projects(self):
        rows = self.session.execute(select(projects).order_by(projects.c.name)).all()
        return [dict(row._mapping) for row in rows]

    def latest_indicators(self, end):
        """Each indicator's row of the latest month it has up to `end` ('YYYY-MM')."""
        c = indicator_values.c
        last = (select(c.indicator_id, func.max(c.month).label("month")).where(c.month <= end)
                .group_by(c.indicator_id).subquery())
        rows = self.session.execute(select(indicator_values).join(
            last, and_(c.indicator_id == last.c.indicator_id, c.month == last.c.month))).all()
        return [dict(row._mapping) for row in rows]

    def indicator_series(self, months):
        """[{indicator_id, month, numerator, value, on_target}] of those months."""
        c = indicator_values.c
        rows = self.session.execute(select(c.indicator_id, c.month, c.numerator, c.value, c.on_target)
                                    .where(c.month.in_(months))).all()
        return [dict(row._mapping) for row in rows]

    def kpi_targets(self):
        rows = self.session.execute(select(kpi_targets)).all()
        return {row.code: {"target": row.target, "amber": row.amber} for row in rows}

    def set_kpi_target(self, code, target, amber):
        statement = _insert(self.session, kpi_targets).values(code=code, target=target, amber=amber)
        self.session.execute(statement.on_conflict_do_update(
            index_elements=["code"], set_={"target": target, "amber": amber}))

    def totals(self):
        scalar = self.session.scalar
        return {
            "injuries": scalar(select(func.coalesce(func.sum(injury_rollups.c.injuries), 0)).where(
                injury_rollups.c.scope == DISTRICT, injury_rollups.c.dimension == "all")),
            "residents": scalar(select(func.coalesce(func.sum(population_stats.c.residents), 0)).where(
                population_stats.c.scope == DISTRICT)),
            "grids": scalar(select(func.count()).select_from(grid_names)),
            "projects": scalar(select(func.count()).select_from(projects)),
            "events_kept": scalar(select(func.count()).select_from(journal)),
        }


class ReportArchive:
    """Periodic reports as they were issued."""

    COLUMNS = ("id", "kind", "year", "period", "grid_code", "generated_at")
    # ids are ids.new_id()'s; anything else is no report, found without asking the database (which
    # PostgreSQL would refuse for a NUL, say)
    ID = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}")

    def __init__(self, uow):
        self.uow = uow

    def add(self, report):
        self.uow.session.execute(insert(generated_reports).values(
            **{name: getattr(report, name) for name in self.COLUMNS},
            snapshot=json.dumps(report.snapshot, ensure_ascii=False)))
        self.uow.track(report)

    def get(self, report_id):
        row = self.ID.fullmatch(report_id) and self.uow.session.execute(
            select(generated_reports).where(generated_reports.c.id == report_id)).first()
        if not row:
            raise NotFound(f"no report {report_id[:40]}")
        return {**self._summary(row), "snapshot": json.loads(row.snapshot)}

    def list(self, limit, offset):
        rows = self.uow.session.execute(
            select(*[generated_reports.c[name] for name in self.COLUMNS])
            .order_by(generated_reports.c.generated_at.desc()).limit(limit).offset(offset)).all()
        return [self._summary(row) for row in rows]

    def _summary(self, row):
        return {**{name: getattr(row, name) for name in self.COLUMNS},
                "generated_at": as_utc(row.generated_at).isoformat()}


class ReportsUnitOfWork(UnitOfWork):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.read_models = ReadModels(self.session)
        self.reports = ReportArchive(self)


def rebuild_read_models(engine, chunk=20000):
    """Empty the read models and replay the journal into them, in one transaction.

    New rows (facts) are written chunk by chunk; counters are summed in memory over the whole
    journal and written once at the end, since there are far fewer of them than events.
    """
    from .projections import Changes, Hierarchy, project_into

    count, hierarchy = 0, Hierarchy({})
    with Session(engine) as session:
        for table in READ_MODELS:
            session.execute(delete(table))
        models = ReadModels(session)
        changes = Changes(stored_fact=models.fact)
        last = 0
        while True:
            rows = session.execute(select(journal.c.position, journal.c.envelope)
                                   .where(journal.c.position > last).order_by(journal.c.position)
                                   .limit(chunk)).all()
            if not rows:
                break
            project_into(changes, hierarchy, [Event.from_trusted_json(row.envelope) for row in rows], roll_up=False)
            models.write_rows(changes, bulk=True)
            last, count = rows[-1].position, count + len(rows)
        changes.roll_up(hierarchy)
        models.apply(changes, bulk=True)
        session.commit()
    return count
