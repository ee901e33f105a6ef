"""Projects tables and repositories: the only place with queries."""
from sqlalchemy import Column, Date, MetaData, String, Table, insert, select

from safecommunity.errors import NotFound
from safecommunity.storage import UnitOfWork
from safecommunity.tables import add_backbone_tables

from .domain import Project

metadata = add_backbone_tables(MetaData())

projects = Table(
    "projects", metadata,
    Column("id", String(36), primary_key=True),
    Column("name", String(200), nullable=False),
    Column("intervention_area", String(40), nullable=False, index=True),
    Column("status", String(12), nullable=False),
    Column("working_group", String(200)),
    Column("target_group", String(200)),
    Column("start_date", Date),
)


class ProjectRepository:
    def __init__(self, uow):
        self.uow = uow

    def add(self, project):
        self.uow.session.execute(insert(projects).values(
            **{column.name: getattr(project, column.name) for column in projects.columns}))
        self.uow.track(project)

    def get(self, project_id):
        row = self.uow.session.execute(select(projects).where(projects.c.id == project_id)).first()
        if row is None:
            raise NotFound(f"no project {project_id}")
        return Project(**row._mapping)

    def list(self, limit, offset):
        rows = self.uow.session.execute(select(projects).order_by(projects.c.name, projects.c.id)
                                        .limit(limit).offset(offset)).all()
        return [Project(**row._mapping) for row in rows]


class ProjectsUnitOfWork(UnitOfWork):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.projects = ProjectRepository(self)
