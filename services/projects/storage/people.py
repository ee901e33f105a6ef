"""The registry's people in roles (registry_assignments), as its assignment events tell them:
ids, keys, roles, places and terms, never a name or phone."""
from datetime import date

from sqlalchemy import select, update

from safecommunity.bulk import upsert_rows

from ..organisation import Assignment, check_people, people_detail
from .base import not_found, plausible_id, row_values
from .tables import registry_assignments

STARTED = ("assignment_id", "person_key", "role", "grid_code", "department_code", "term_from", "term_to")


def _day(value):
    return date.fromisoformat(value) if isinstance(value, str) else value


class PeopleView:
    def __init__(self, uow):
        self.session = uow.session

    def keep(self, type_, data):
        """assignment.started (as appointed) or assignment.ended (its last day). An end is kept apart
        from the term appointed, so a start handled after its end (a retried event) leaves it ended."""
        row = {name: _day(data.get(name)) if name.startswith("term_") else data.get(name) for name in STARTED}
        upsert_rows(self.session, registry_assignments, [row])
        if type_ == "assignment.ended":
            self.session.execute(update(registry_assignments).where(
                registry_assignments.c.assignment_id == row["assignment_id"]).values(ended_on=_day(data["term_to"])))

    def known(self, ids):
        """{id: Assignment} of those of `ids` projects knows."""
        wanted = sorted({person for person in ids if plausible_id(person, 64)})
        if not wanted:
            return {}
        rows = self.session.execute(select(registry_assignments).where(
            registry_assignments.c.assignment_id.in_(wanted))).all()
        return {row.assignment_id: Assignment(**row_values(row)) for row in rows}

    def get(self, assignment_id):
        found = self.known([assignment_id]).get(assignment_id)
        if found is None:
            raise not_found("person in a role the registry has told projects of", assignment_id)
        return found

    def check(self, field, ids, day, already=()):
        """A 400 on `field` unless each of `ids` is known and, unless `already` listed, holds the
        role on `day` or later (see organisation.check_people)."""
        if ids:
            check_people(field, list(ids), self.known(ids), day, set(already))

    def detail(self, ids, today):
        return people_detail(ids, self.known(ids), today)
