"""Reports read models, built only from events, and the journal of every event they came from.

Live and rebuild run the same projection code (projections.py), so a rebuild ends where live
consumption would have.
"""
from sqlalchemy import Column, Integer, MetaData, String, Table, Text, delete, func, select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from safecommunity.envelope import read_envelope
from safecommunity.storage import UnitOfWork
from safecommunity.tables import ID, add_backbone_tables

metadata = add_backbone_tables(MetaData())

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

population = Table(
    "population", metadata,
    Column("grid_code", String(40), primary_key=True),
    Column("residents", Integer, nullable=False),
)

injury_counts = Table(
    "injury_counts", metadata,
    Column("grid_code", String(40), primary_key=True),  # "" when the case named no grid
    Column("month", String(7), primary_key=True),       # YYYY-MM of the injury
    Column("cause", String(30), primary_key=True),
    Column("severity", String(10), primary_key=True),
    Column("injuries", Integer, nullable=False),
)

projects = Table(
    "projects", metadata,
    Column("project_id", String(36), primary_key=True),
    Column("name", String(200), nullable=False),
    Column("intervention_area", String(40), nullable=False),
    Column("status", String(12), nullable=False),
)

READ_MODELS = (grid_names, population, injury_counts, projects)
UNGRIDDED = ""


def _insert(session, table):
    dialect = session.get_bind().dialect.name
    return (postgresql.insert if dialect == "postgresql" else sqlite.insert)(table)


class ReadModels:
    """Writes to the read models; the projections decide what to write."""

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

    def injuries_by_grid(self, year):
        rows = self.session.execute(
            select(injury_counts.c.grid_code, func.sum(injury_counts.c.injuries))
            .where(injury_counts.c.month.like(f"{year:04d}-%")).group_by(injury_counts.c.grid_code)).all()
        return dict(rows)

    def residents_by_grid(self):
        return dict(self.session.execute(select(population.c.grid_code, population.c.residents)).all())

    def grid_names(self):
        rows = self.session.execute(select(grid_names)).all()
        return {row.code: dict(row._mapping) for row in rows}

    def totals(self):
        scalar = self.session.scalar
        return {
            "injuries": scalar(select(func.coalesce(func.sum(injury_counts.c.injuries), 0))),
            "residents": scalar(select(func.coalesce(func.sum(population.c.residents), 0))),
            "grids": scalar(select(func.count()).select_from(grid_names)),
            "projects": scalar(select(func.count()).select_from(projects)),
            "events_kept": scalar(select(func.count()).select_from(journal)),
        }


class ReportsUnitOfWork(UnitOfWork):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.read_models = ReadModels(self.session)


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
