"""Activities and their occurrences. Two replicas never both record a miss or a report: each is a
conditional UPDATE of an occurrence still scheduled, and only the one that changed the row tells."""
from sqlalchemy import select, update

from safecommunity.errors import Conflict

from ..activities import TRAININGS, Activity, Occurrence
from ..domain import RUNNING
from .base import Repository, values_of
from .tables import activities, occurrences, projects


def running(project_id_column):
    """Of a project planned or active: a suspended or completed one's activities are not extended,
    nor its occurrences missed (the ones not yet due are cancelled: commands.move_project)."""
    return project_id_column.in_(select(projects.c.id).where(projects.c.lifecycle.in_(RUNNING)))


class ActivityRepository(Repository):
    table, aggregate, what = activities, Activity, "activity"

    def list(self, project_id, limit, offset):
        return self.select(select(activities).where(activities.c.project_id == project_id)
                           .order_by(activities.c.created_at, activities.c.id).limit(limit).offset(offset))

    def claim_behind(self, horizon, limit=200):
        """Recurring activities whose next occurrence is within the horizon, locked; replicas skip
        each other's rows (PostgreSQL; SQLite has one writer anyway)."""
        return self.select(select(activities).where(activities.c.next_on <= horizon, running(activities.c.project_id))
                           .order_by(activities.c.next_on).limit(limit).with_for_update(skip_locked=True))

    def trainings(self, since, until):
        """(done_on, hours, attendee_ids) of every training or drill done in [since, until)."""
        rows = self.session.execute(
            select(occurrences.c.done_on, activities.c.hours, occurrences.c.attendee_ids)
            .join(activities, activities.c.id == occurrences.c.activity_id)
            .where(occurrences.c.kind.in_(TRAININGS), occurrences.c.status == "done",
                   occurrences.c.done_on >= since, occurrences.c.done_on < until)).all()
        return [tuple(row) for row in rows]


class OccurrenceRepository(Repository):
    table, aggregate, what = occurrences, Occurrence, "occurrence"

    def list(self, filters, limit, offset):
        query = select(occurrences)
        for name in ("activity_id", "project_id", "status"):
            if name in filters:
                query = query.where(occurrences.c[name] == filters[name])
        return self.select(query.order_by(occurrences.c.scheduled_on, occurrences.c.id).limit(limit).offset(offset))

    def due_between(self, project_id, since, until):
        return self.select(select(occurrences).where(occurrences.c.project_id == project_id,
                                                     occurrences.c.due_on >= since, occurrences.c.due_on < until))

    def past_due(self, today, limit=500):
        return self.select(select(occurrences).where(occurrences.c.status == "scheduled", occurrences.c.due_on < today,
                                                     running(occurrences.c.project_id))
                           .order_by(occurrences.c.due_on).limit(limit))

    def set_status(self, project_id, old, new, today):
        """A project's occurrences in status old not due before today, now in status new."""
        self.session.execute(update(occurrences).where(occurrences.c.project_id == project_id,
                                                       occurrences.c.status == old, occurrences.c.due_on >= today)
                             .values(status=new))

    def save_if_scheduled(self, occurrence):
        """Write the occurrence's new state if the row is still scheduled; whether it was."""
        values = {k: v for k, v in values_of(occurrence, occurrences).items() if k != "id"}
        changed = self.session.execute(update(occurrences).where(occurrences.c.id == occurrence.id,
                                                                 occurrences.c.status == "scheduled")
                                       .values(**values)).rowcount
        if changed:
            self.uow.track(occurrence)
        return bool(changed)

    def report(self, occurrence):
        if not self.save_if_scheduled(occurrence):
            raise Conflict(f"occurrence {occurrence.id} was marked missed or reported meanwhile; look again")
