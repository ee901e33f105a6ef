"""Intervention areas, working groups and meetings."""
from sqlalchemy import delete, insert, select, update

from safecommunity.database import utcnow
from safecommunity.errors import Conflict, FieldInvalid

from ..organisation import Meeting, WorkingGroup
from .base import Repository, jsonable, not_found, plausible_id, row_values, unique
from .tables import areas, committee, meetings, organisation_history, working_groups


class AreaRepository:
    def __init__(self, uow):
        self.session = uow.session

    def list(self):
        return [row_values(row) for row in self.session.execute(select(areas).order_by(areas.c.code)).all()]

    def get(self, code, field=None):
        row = None
        if plausible_id(code, 40):
            row = self.session.execute(select(areas).where(areas.c.code == code)).first()
        if row is None:
            if field:
                raise FieldInvalid(field, f"no intervention area {code}")
            raise not_found("intervention area", code)
        return row_values(row)

    def check(self, codes, field):
        for code in codes:
            self.get(code, field)

    def add(self, code, name):
        if self.session.execute(select(areas.c.code).where(areas.c.code == code)).first():
            raise Conflict(f"intervention area {code} exists")
        self.session.execute(insert(areas), [{"code": code, "name": name, "working_group_id": None}])

    def rename(self, code, name):
        self.session.execute(update(areas).where(areas.c.code == code).values(name=name))

    def holders(self):
        return {row.code: row.working_group_id for row in self.session.execute(select(areas)).all()}

    def held_by(self, group_id):
        return list(self.session.scalars(select(areas.c.code).where(areas.c.working_group_id == group_id)
                                         .order_by(areas.c.code)))

    def hold(self, group_id, codes):
        """The group holds exactly these areas; one another group took meanwhile is a 409."""
        self.session.execute(update(areas).where(areas.c.working_group_id == group_id).values(working_group_id=None))
        if codes:
            free = areas.c.working_group_id.is_(None) | (areas.c.working_group_id == group_id)
            taken = self.session.execute(update(areas).where(areas.c.code.in_(codes), free)
                                         .values(working_group_id=group_id)).rowcount
            if taken != len(set(codes)):
                raise Conflict("an area was just given to another working group; look again")

    def delete(self, code):
        self.session.execute(delete(areas).where(areas.c.code == code))


class CommitteeRepository:
    """The site's one promotion committee: its office (a department code) and members."""
    KEY = "committee"

    def __init__(self, uow):
        self.session = uow.session

    def get(self):
        row = self.session.execute(select(committee).where(committee.c.id == self.KEY)).first()
        values = row_values(row) if row else {"office_department": None, "members": [], "changed_by": None,
                                              "changed_at": None}
        return {k: v for k, v in values.items() if k != "id"}

    def put(self, office_department, members, actor):
        values = {"office_department": office_department, "members": members, "changed_by": actor,
                  "changed_at": utcnow()}
        if self.session.execute(update(committee).where(committee.c.id == self.KEY).values(**values)).rowcount == 0:
            with unique("the committee"):
                self.session.execute(insert(committee), [{"id": self.KEY, **values}])


class OrganisationLog:
    """Who changed the organisation, when, how: areas added, renamed, merged, dropped; groups
    created, changed, merged, dropped (the rows of a merged or dropped one stay)."""

    def __init__(self, uow):
        self.uow, self.session = uow, uow.session

    def write(self, subject_type, subject_id, action, **details):
        self.session.execute(insert(organisation_history), [{
            "subject_type": subject_type, "subject_id": subject_id, "action": action, "actor": self.uow.actor,
            "at": utcnow(), "details": jsonable(details)}])

    def list(self, limit, offset):
        rows = self.session.execute(select(organisation_history).order_by(organisation_history.c.id.desc())
                                    .limit(limit).offset(offset)).all()
        return [{k: v for k, v in row_values(row).items() if k != "id"} for row in rows]

    def of(self, subject_type, subject_id):
        rows = self.session.execute(select(organisation_history).where(
            organisation_history.c.subject_type == subject_type, organisation_history.c.subject_id == subject_id)
            .order_by(organisation_history.c.id)).all()
        return [{k: v for k, v in row_values(row).items() if k not in ("id", "subject_type", "subject_id")}
                for row in rows]


class GroupRepository(Repository):
    table, aggregate, what = working_groups, WorkingGroup, "working group"

    def add(self, group):
        if self.session.execute(select(working_groups.c.id).where(working_groups.c.name == group.name)).first():
            raise Conflict(f"a working group is named {group.name} already")
        super().add(group)

    def load(self, row):
        group = super().load(row)
        group.areas = self.uow.areas.held_by(group.id)
        return group

    def check(self, group_id, field="working_group_id"):
        if group_id is not None and not (plausible_id(group_id) and self.session.execute(
                select(working_groups.c.id).where(working_groups.c.id == group_id)).first()):
            raise FieldInvalid(field, f"no working group {group_id}")

    def list(self):
        return self.select(select(working_groups).order_by(working_groups.c.name))

    def members(self):
        return {member for group in self.list() for member in group.members}

    def delete(self, group_id):
        self.session.execute(delete(working_groups).where(working_groups.c.id == group_id))


class MeetingRepository(Repository):
    table, aggregate, what = meetings, Meeting, "meeting"

    def list(self, filters, limit, offset, since=None, until=None):
        query = select(meetings)
        for name in ("kind", "working_group_id"):
            if name in filters:
                query = query.where(meetings.c[name] == filters[name])
        if since:
            query = query.where(meetings.c.held_on >= since, meetings.c.held_on < until)
        return self.select(query.order_by(meetings.c.held_on.desc(), meetings.c.id).limit(limit).offset(offset))

    def days(self, kinds, since, until):
        return list(self.session.scalars(select(meetings.c.held_on).where(
            meetings.c.kind.in_(kinds), meetings.c.held_on >= since, meetings.c.held_on < until)))
