"""Reports read models, built only from events, and the journal of every event they came from.

Live and rebuild run the same projection code (projections.py), so a rebuild ends where live
consumption would have.

Counts are kept per *scope*: the grid a case or resident belongs to ("" when none was given) and
"*" for the whole district, so district figures read a handful of rows; a street or community is
the sum of its grids.
"""
import json

from sqlalchemy import Column, DateTime, Float, Integer, MetaData, String, Table, Text, delete, func, insert, select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from safecommunity.database import as_utc
from safecommunity.envelope import read_envelope
from safecommunity.errors import NotFound
from safecommunity.storage import UnitOfWork
from safecommunity.tables import ID, add_backbone_tables

metadata = add_backbone_tables(MetaData())
DISTRICT = "*"
NO_GRID = ""

journal = Table(
    "journal", metadata,
    Column("position", ID, primary_key=True, autoincrement=True),
    Column("event_id", String(64), nullable=False, unique=True),
    Column("type", String(100), nullable=False, index=True),
    Column("time", String(40), nullable=False),
    Column("envelope", Text, nullable=False),
)

grid_names = Table(
    "grid_names", metadata,
    Column("code", String(40), primary_key=True),
    Column("name", String(200), nullable=False),
    Column("level", String(20), nullable=False),
    Column("parent_code", String(40)),
)

# Injuries by scope, month of injury, and one dimension of the card at a time: ("all", "") is the
# total; ("cause", "fall"), ("age_band", "60-79"), ("age_band*cause", "60-79*fall") and so on.
injury_stats = Table(
    "injury_stats", metadata,
    Column("scope", String(40), primary_key=True),
    Column("month", String(7), primary_key=True),
    Column("dimension", String(30), primary_key=True),
    Column("value", String(60), primary_key=True),
    Column("injuries", Integer, nullable=False),
)

population_stats = Table(
    "population_stats", metadata,
    Column("scope", String(40), primary_key=True),
    Column("birth_year", Integer, primary_key=True),
    Column("sex", String(10), primary_key=True),
    Column("residence_type", String(20), primary_key=True),
    Column("residents", Integer, nullable=False),
)

projects = Table(
    "projects", metadata,
    Column("project_id", String(36), primary_key=True),
    Column("name", String(200), nullable=False),
    Column("intervention_area", String(40), nullable=False),
    Column("status", String(12), nullable=False),
)

# A site's own KPI targets; not a read model (a rebuild keeps them).
kpi_targets = Table(
    "kpi_targets", metadata,
    Column("code", String(40), primary_key=True),
    Column("target", Float),
    Column("amber", Float, nullable=False),
)

# Periodic reports as issued: their figures are a snapshot, not a read model (a rebuild keeps them).
generated_reports = Table(
    "generated_reports", metadata,
    Column("id", String(36), primary_key=True),
    Column("kind", String(20), nullable=False),
    Column("year", Integer, nullable=False),
    Column("period", Integer),
    Column("grid_code", String(40)),
    Column("generated_at", DateTime(timezone=True), nullable=False, index=True),
    Column("snapshot", Text, nullable=False),
)

READ_MODELS = (grid_names, injury_stats, population_stats, projects)


def _insert(session, table):
    dialect = session.get_bind().dialect.name
    return (postgresql.insert if dialect == "postgresql" else sqlite.insert)(table)


class ReadModels:
    """Writes to and reads from the read models; the projections decide what to write."""

    def __init__(self, session):
        self.session = session

    def add_to(self, table, counter, increments):
        """Add increments {key tuple: n} to `counter`, keyed by the table's primary key."""
        if not increments:
            return
        keys = [column.name for column in table.primary_key.columns]
        statement = _insert(self.session, table)
        statement = statement.on_conflict_do_update(
            index_elements=keys, set_={counter: table.c[counter] + statement.excluded[counter]})
        self.session.execute(statement, [{**dict(zip(keys, key, strict=True)), counter: n}
                                         for key, n in increments.items()])

    def put(self, table, rows):
        """Insert rows, leaving any row whose key is already there as it is."""
        if rows:
            self.session.execute(_insert(self.session, table).on_conflict_do_nothing(), rows)

    def journal(self, events):
        self.put(journal, [{"event_id": e.id, "type": e.type, "time": e.time, "envelope": e.to_json()}
                           for e in events])

    # -- queries -------------------------------------------------------------------------------

    def grids(self):
        return {row.code: dict(row._mapping) for row in self.session.execute(select(grid_names)).all()}

    def injuries(self, scopes, months, dimensions):
        """{(dimension, value): injuries} summed over the scopes and months."""
        rows = self.session.execute(
            select(injury_stats.c.dimension, injury_stats.c.value, func.sum(injury_stats.c.injuries))
            .where(injury_stats.c.scope.in_(scopes), injury_stats.c.month.in_(months),
                   injury_stats.c.dimension.in_(dimensions))
            .group_by(injury_stats.c.dimension, injury_stats.c.value)).all()
        return {(dimension, value): int(total) for dimension, value, total in rows}

    def injuries_by_month(self, scopes, months):
        rows = self.session.execute(
            select(injury_stats.c.month, func.sum(injury_stats.c.injuries))
            .where(injury_stats.c.scope.in_(scopes), injury_stats.c.month.in_(months),
                   injury_stats.c.dimension == "all").group_by(injury_stats.c.month)).all()
        return {month: int(total) for month, total in rows}

    def injuries_by_grid(self, months):
        """{grid code: injuries} for the grids cases named ("" for none), district row left out."""
        rows = self.session.execute(
            select(injury_stats.c.scope, func.sum(injury_stats.c.injuries))
            .where(injury_stats.c.scope != DISTRICT, injury_stats.c.month.in_(months),
                   injury_stats.c.dimension == "all").group_by(injury_stats.c.scope)).all()
        return {scope: int(total) for scope, total in rows}

    def population(self, scopes):
        """[(birth_year, sex, residence_type, residents)] summed over the scopes."""
        rows = self.session.execute(
            select(population_stats.c.birth_year, population_stats.c.sex, population_stats.c.residence_type,
                   func.sum(population_stats.c.residents))
            .where(population_stats.c.scope.in_(scopes))
            .group_by(population_stats.c.birth_year, population_stats.c.sex,
                      population_stats.c.residence_type)).all()
        return [(year, sex, residence, int(total)) for year, sex, residence, total in rows]

    def residents_by_grid(self):
        rows = self.session.execute(
            select(population_stats.c.scope, func.sum(population_stats.c.residents))
            .where(population_stats.c.scope != DISTRICT).group_by(population_stats.c.scope)).all()
        return {scope: int(total) for scope, total in rows}

    def projects(self):
        rows = self.session.execute(select(projects).order_by(projects.c.name)).all()
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
            "injuries": scalar(select(func.coalesce(func.sum(injury_stats.c.injuries), 0)).where(
                injury_stats.c.scope == DISTRICT, injury_stats.c.dimension == "all")),
            "residents": scalar(select(func.coalesce(func.sum(population_stats.c.residents), 0)).where(
                population_stats.c.scope == DISTRICT)),
            "grids": scalar(select(func.count()).select_from(grid_names)),
            "projects": scalar(select(func.count()).select_from(projects)),
            "events_kept": scalar(select(func.count()).select_from(journal)),
        }


class ReportArchive:
    """Periodic reports as they were issued."""

    COLUMNS = ("id", "kind", "year", "period", "grid_code", "generated_at")

    def __init__(self, uow):
        self.uow = uow

    def add(self, report):
        self.uow.session.execute(insert(generated_reports).values(
            **{name: getattr(report, name) for name in self.COLUMNS},
            snapshot=json.dumps(report.snapshot, ensure_ascii=False)))
        self.uow.track(report)

    def get(self, report_id):
        row = self.uow.session.execute(select(generated_reports)
                                       .where(generated_reports.c.id == report_id)).first()
        if row is None:
            raise NotFound(f"no report {report_id}")
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


def rebuild_read_models(engine, chunk=5000):
    """Empty the read models and replay the journal into them, in one transaction."""
    from .projections import project

    count = 0
    with Session(engine) as session:
        for table in READ_MODELS:
            session.execute(delete(table))
        models = ReadModels(session)
        last = 0
        while True:
            rows = session.execute(select(journal.c.position, journal.c.envelope)
                                   .where(journal.c.position > last).order_by(journal.c.position)
                                   .limit(chunk)).all()
            if not rows:
                break
            project(models, [read_envelope(row.envelope) for row in rows])
            last, count = rows[-1].position, count + len(rows)
        session.commit()
    return count
