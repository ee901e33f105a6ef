"""Projects, their history and their funding ledger."""
from sqlalchemy import func, insert, select, update

from ..domain import Project
from .base import Repository, jsonable, row_values
from .tables import funding, project_history, projects

FILTERS = ("intervention_area", "working_group_id", "status", "lifecycle")


class ProjectRepository(Repository):
    table, aggregate, what = projects, Project, "project"

    def list(self, filters, limit, offset):
        query = select(projects)
        for name in FILTERS:
            if name in filters:
                query = query.where(projects.c[name] == filters[name])
        return self.select(query.order_by(projects.c.name, projects.c.id).limit(limit).offset(offset))

    def history(self, project_id):
        rows = self.session.execute(select(project_history).where(project_history.c.project_id == project_id)
                                    .order_by(project_history.c.id)).all()
        return [{k: v for k, v in row_values(row).items() if k not in ("id", "project_id")} for row in rows]

    def write_history(self, items):
        rows = [{"project_id": item.id, "action": e.action, "from_stage": e.from_stage, "to_stage": e.to_stage,
                 "actor": e.actor, "at": e.at, "reason": e.reason, "details": jsonable(e.details)}
                for item in items for e in item.collect_history()]
        if rows:
            self.session.execute(insert(project_history), rows)

    def count_using(self, column, value):
        return self.session.scalar(select(func.count()).select_from(projects).where(projects.c[column] == value))

    def move(self, column, old, new):
        """Projects of a merged area or group, now the other's."""
        self.session.execute(update(projects).where(projects.c[column] == old).values({column: new}))

    def add_funding(self, line):
        self.session.execute(insert(funding), [{**line.__dict__}])

    def funding(self, project_id):
        rows = self.session.execute(select(funding).where(funding.c.project_id == project_id)
                                    .order_by(funding.c.recorded_on, funding.c.id)).all()
        return [{k: v for k, v in row_values(row).items() if k != "project_id"} for row in rows]
