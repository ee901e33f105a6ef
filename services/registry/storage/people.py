"""Repositories of people: residents and their tags, volunteers and teams, departments and people
in roles. Personal data is sealed on the way in and opened on the way out with the Protector."""
from contextlib import contextmanager
from dataclasses import asdict
from datetime import date

from sqlalchemy import delete, insert, select, update
from sqlalchemy.exc import IntegrityError

from safecommunity import sitetime
from safecommunity.bulk import insert_rows
from safecommunity.errors import Conflict, FieldInvalid, NotFound

from ..domain import Resident
from ..offices import Assignment, Department
from ..tables import (
    assignments,
    departments,
    resident_tags,
    residents,
    tag_types,
    team_members,
    volunteer_pairings,
    volunteer_teams,
    volunteers,
)
from ..volunteers import Pairing, Team, Volunteer
from .base import Repository, matches

FEW_GRIDS = 20  # a community's grids: few enough residents to check each one's tags


class IdNumberTaken(Conflict):
    """Another resident has this ID number. Who, and that it is the ID number, is itself personal
    data: the handlers decide what the caller is told (handlers/residents.py)."""

    def __init__(self, resident_id):
        super().__init__("this clashes with a registered record (a caller with registry:pii is told which)")
        self.resident_id = resident_id


class ResidentRepository(Repository):
    def add_many(self, people):
        if not people:
            return
        protector = self.uow.protector
        insert_rows(self.session, residents, [_resident_row(p, protector) for p in people])
        self._insert_tags(people)
        for person in people:
            self.uow.track(person)

    def add(self, resident):
        self._check_unique(resident)
        with self._unique_id_number(resident):
            self.add_many([resident])

    def save(self, resident):
        self._check_unique(resident)
        with self._unique_id_number(resident):
            self.session.execute(update(residents).where(residents.c.id == resident.id)
                                 .values(**_resident_row(resident, self.uow.protector)))
        self.session.execute(delete(resident_tags).where(resident_tags.c.resident_id == resident.id))
        self._insert_tags([resident])
        self.uow.track(resident)

    def _check_unique(self, resident):
        digest = self.uow.protector.digest(resident.id_number)
        other = digest and self.session.scalar(select(residents.c.id).where(
            residents.c.id_number_hash == digest, residents.c.id != resident.id))
        if other:
            raise IdNumberTaken(other)

    @contextmanager
    def _unique_id_number(self, resident):
        """A concurrent request that registered the same ID number first, between the check and
        the write, makes the database refuse the write: the same IdNumberTaken as when it came
        first in turn (the work is rolled back, as the handler does for that one too)."""
        try:
            yield
        except IntegrityError:
            self.uow.rollback()
            self._check_unique(resident)
            raise Conflict("conflicting change, try again") from None

    def _insert_tags(self, people):
        rows = [{"resident_id": p.id, "tag": code, "attributes": attributes,
                 "tagged_on": p.tag_dates.get(code, p.registered_on)}
                for p in people for code, attributes in p.tags.items()]
        insert_rows(self.session, resident_tags, rows)

    def get(self, resident_id):
        found = self._load(select(residents).where(residents.c.id == resident_id))
        if not found:
            raise NotFound(f"no resident {resident_id}")
        return found[0]

    def referenced_by(self, field, resident_id):
        """Check a resident a request names in `field`: unknown or moved out is that field's error."""
        row = self.session.execute(select(residents.c.id, residents.c.grid_code, residents.c.moved_out_on)
                                   .where(residents.c.id == resident_id)).first()
        if row is None:
            raise FieldInvalid(field, f"no resident {resident_id}")
        if row.moved_out_on is not None:
            raise FieldInvalid(field, f"resident {resident_id} moved out on {row.moved_out_on}")
        return row

    def by_id_hashes(self, digests):
        """{ID-number hash: Resident} for the hashes already registered."""
        found = self._load(select(residents).where(residents.c.id_number_hash.in_(list(digests))))
        return {self.uow.protector.digest(r.id_number): r for r in found}

    def search(self, query, limit, offset, today=None):
        """Residents matching the query (grid, tag, ages, residence type, status), oldest id first."""
        statement = select(residents)
        for condition in _resident_filters(query, today or sitetime.today()):
            statement = statement.where(condition)
        if query.get("tag"):
            tagged = select(resident_tags.c.resident_id).where(resident_tags.c.resident_id == residents.c.id,
                                                               resident_tags.c.tag == query["tag"])
            grids = query.get("grid_code")
            if grids and len(grids if isinstance(grids, list) else [grids]) <= FEW_GRIDS:
                # OFFSET 0 keeps the check a look-up per resident of the grid: PostgreSQL would
                # otherwise read every resident with the tag (a quarter of a district are elderly).
                tagged = tagged.offset(0)
            statement = statement.where(tagged.exists())
        return self._load(statement.order_by(residents.c.id).limit(limit).offset(offset))

    def _load(self, statement):
        rows = self.session.execute(statement).all()
        tags = {}
        if rows:
            # with each tag's sensitivity, which the resident's events tell their consumers
            for tag in self.session.execute(select(resident_tags, tag_types.c.sensitive)
                                            .join(tag_types, tag_types.c.code == resident_tags.c.tag)
                                            .where(resident_tags.c.resident_id.in_([row.id for row in rows]))):
                tags.setdefault(tag.resident_id, {})[tag.tag] = (tag.attributes, tag.tagged_on, tag.sensitive)
        return [_resident(row, tags.get(row.id, {}), self.uow.protector) for row in rows]


def _resident_filters(query, today):
    column = residents.c
    conditions = [column.moved_out_on.is_(None) if query.get("status", "active") == "active"
                  else column.moved_out_on.is_not(None)] if query.get("status") != "all" else []
    for name in ("grid_code", "residence_type", "sex", "id_number_hash"):
        if query.get(name):
            conditions.append(matches(getattr(column, name), query[name]))
    by_year = query.get("ages_by_birth_year", False)
    if query.get("age_min") is not None:  # at least age_min: born on or before today - age_min years
        conditions.append(column.birth_date <= _age_bound(today, query["age_min"], by_year))
    if query.get("age_max") is not None:  # at most age_max: born after today - (age_max + 1) years
        conditions.append(column.birth_date > _age_bound(today, query["age_max"] + 1, by_year))
    return conditions


def _age_bound(today, years, by_year):
    """The last birth date of people `years` old or more: today, years ago; or, when ages are
    counted from the birth year (this year - birth year), the last day of that year."""
    return date(today.year - years, 12, 31) if by_year else _years_before(today, years)


def _years_before(day, years):
    try:
        return day.replace(year=day.year - years)
    except ValueError:  # 29 February
        return day.replace(year=day.year - years, day=28)


def _resident_row(resident, protector):
    return {"id": resident.id, "name": resident.name, "sex": resident.sex, "birth_date": resident.birth_date,
            "residence_type": resident.residence_type, "grid_code": resident.grid_code,
            "registered_on": resident.registered_on, "address": resident.address,
            "id_number_sealed": protector.seal(resident.id_number),
            "id_number_hash": protector.digest(resident.id_number),
            "phone_sealed": protector.seal(resident.phone), "phone_hash": protector.digest(resident.phone),
            "permit_expires_on": resident.permit_expires_on, "moved_out_on": resident.moved_out_on}


def _resident(row, tags, protector):
    values = dict(row._mapping)
    resident = Resident(
        id=values["id"], name=values["name"], sex=values["sex"], birth_date=values["birth_date"],
        residence_type=values["residence_type"], grid_code=values["grid_code"],
        registered_on=values["registered_on"], address=values["address"],
        id_number=protector.open(values["id_number_sealed"]), phone=protector.open(values["phone_sealed"]),
        permit_expires_on=values["permit_expires_on"], moved_out_on=values["moved_out_on"],
        tags={code: attributes for code, (attributes, _, _) in tags.items()},
        tag_dates={code: tagged_on for code, (_, tagged_on, _) in tags.items()},
        tag_sensitivity={code: sensitive for code, (_, _, sensitive) in tags.items()})
    return resident


class VolunteerRepository(Repository):
    """Volunteers with every pairing they have had (current ones have no `until`)."""

    def add(self, volunteer):
        """Written at the commit: the database keeps one active volunteer per resident, and a
        concurrent registration that got there first makes this commit a 409."""
        if self.active_for(volunteer.resident_id) is not None:
            raise FieldInvalid("resident_id", f"resident {volunteer.resident_id} is already a volunteer")
        self.uow.at_commit(lambda: self._insert(volunteer))
        self.uow.track(volunteer)

    def _insert(self, volunteer):
        self.session.execute(insert(volunteers).values(**self._row(volunteer)))
        self._insert_pairings(volunteer)

    def active_for(self, resident_id):
        """The resident's active volunteer record, or None."""
        found = self._load(select(volunteers).where(volunteers.c.resident_id == resident_id,
                                                    volunteers.c.left_on.is_(None)))
        return found[0] if found else None

    def serving(self, resident_id):
        """The volunteers paired with the resident now."""
        return self._load(select(volunteers).where(volunteers.c.id.in_(
            select(volunteer_pairings.c.volunteer_id).where(volunteer_pairings.c.resident_id == resident_id,
                                                            volunteer_pairings.c.until.is_(None))))
            .order_by(volunteers.c.id))

    def save(self, volunteer):
        self.session.execute(update(volunteers).where(volunteers.c.id == volunteer.id)
                             .values(**self._row(volunteer)))
        self.session.execute(delete(volunteer_pairings).where(volunteer_pairings.c.volunteer_id == volunteer.id))
        self._insert_pairings(volunteer)
        self.uow.track(volunteer)

    @staticmethod
    def _row(volunteer):
        return {name: value for name, value in vars(volunteer).items()
                if not name.startswith("_") and name != "pairings"}

    def _insert_pairings(self, volunteer):
        rows = [{"volunteer_id": volunteer.id, **vars(p)} for p in volunteer.pairings]
        if rows:
            self.session.execute(insert(volunteer_pairings), rows)

    def _load(self, statement):
        rows = self.session.execute(statement).all()
        pairings = {}
        if rows:
            for row in self.session.execute(select(volunteer_pairings).where(
                    volunteer_pairings.c.volunteer_id.in_([row.id for row in rows]))
                    .order_by(volunteer_pairings.c.since, volunteer_pairings.c.resident_id)):
                pairings.setdefault(row.volunteer_id, []).append(Pairing(row.resident_id, row.since, row.until))
        return [Volunteer(**row._mapping, pairings=pairings.get(row.id, [])) for row in rows]

    def get(self, volunteer_id):
        found = self._load(select(volunteers).where(volunteers.c.id == volunteer_id))
        if not found:
            raise NotFound(f"no volunteer {volunteer_id}")
        return found[0]

    def referenced_by(self, field, volunteer_id):
        """An active volunteer a request names in `field`; unknown or gone is that field's error."""
        left = self.session.execute(select(volunteers.c.left_on).where(volunteers.c.id == volunteer_id)).first()
        if left is None or left.left_on is not None:
            raise FieldInvalid(field, f"no active volunteer {volunteer_id}")

    def search(self, query, limit, offset, today=None):
        statement = select(volunteers)
        for name in ("grid_code", "type"):
            if query.get(name):
                statement = statement.where(matches(getattr(volunteers.c, name), query[name]))
        status = query.get("status", "active")
        if status != "all":
            left = volunteers.c.left_on
            statement = statement.where(left.is_(None) if status == "active" else left.is_not(None))
        if query.get("serves"):
            statement = statement.where(volunteers.c.id.in_(select(volunteer_pairings.c.volunteer_id).where(
                volunteer_pairings.c.resident_id == query["serves"], volunteer_pairings.c.until.is_(None))))
        return self._load(statement.order_by(volunteers.c.id).limit(limit).offset(offset))


class TeamRepository(Repository):
    def add(self, team):
        self.session.execute(insert(volunteer_teams).values(**self._row(team)))
        self._insert_members(team)

    def save(self, team):
        self.session.execute(update(volunteer_teams).where(volunteer_teams.c.id == team.id).values(**self._row(team)))
        self.session.execute(delete(team_members).where(team_members.c.team_id == team.id))
        self._insert_members(team)

    @staticmethod
    def _row(team):
        return {name: value for name, value in vars(team).items() if not name.startswith("_") and name != "members"}

    def _insert_members(self, team):
        rows = [{"team_id": team.id, "volunteer_id": vid, "since": since} for vid, since in team.members.items()]
        if rows:
            self.session.execute(insert(team_members), rows)

    def _load(self, statement):
        rows = self.session.execute(statement).all()
        members = {}
        if rows:
            for row in self.session.execute(select(team_members).where(
                    team_members.c.team_id.in_([row.id for row in rows])).order_by(team_members.c.volunteer_id)):
                members.setdefault(row.team_id, {})[row.volunteer_id] = row.since
        return [Team(**row._mapping, members=members.get(row.id, {})) for row in rows]

    def get(self, team_id):
        found = self._load(select(volunteer_teams).where(volunteer_teams.c.id == team_id))
        if not found:
            raise NotFound(f"no volunteer team {team_id}")
        return found[0]

    def search(self, query, limit, offset):
        statement = select(volunteer_teams)
        for name in ("grid_code", "type"):
            if query.get(name):
                statement = statement.where(matches(getattr(volunteer_teams.c, name), query[name]))
        return self._load(statement.order_by(volunteer_teams.c.id).limit(limit).offset(offset))

    def drop_volunteer(self, volunteer_id):
        """A volunteer who left is in no team any more."""
        self.session.execute(delete(team_members).where(team_members.c.volunteer_id == volunteer_id))


class DepartmentRepository(Repository):
    def add(self, department):
        if self.find(department.code) is not None:
            raise Conflict(f"department {department.code} already exists")
        self.session.execute(insert(departments).values(**asdict(department)))
        self.uow.track(department)

    def find(self, code):
        row = self.session.execute(select(departments).where(departments.c.code == code)).first()
        return Department(**row._mapping) if row else None

    def get(self, code):
        department = self.find(code)
        if department is None:
            raise NotFound(f"no department {code}")
        return department

    def referenced_by(self, field, code):
        if self.find(code) is None:
            raise FieldInvalid(field, f"no department {code}")

    def list(self, kind=None):
        statement = select(departments).order_by(departments.c.code)
        if kind:
            statement = statement.where(departments.c.kind == kind)
        return [Department(**row._mapping) for row in self.session.execute(statement)]


class AssignmentRepository(Repository):
    """People in roles; a person named without a resident record has their phone sealed."""

    def add(self, assignment):
        self.session.execute(insert(assignments).values(**self._row(assignment)))
        self.uow.track(assignment)

    def save(self, assignment):
        self.session.execute(update(assignments).where(assignments.c.id == assignment.id)
                             .values(**self._row(assignment)))
        self.uow.track(assignment)

    def _row(self, assignment):
        row = asdict(assignment)  # its fields, not the events it recorded
        phone = row.pop("person_phone")
        return {**row, "person_phone_sealed": self.uow.protector.seal(phone),
                "person_phone_hash": self.uow.protector.digest(phone)}

    def _load(self, statement):
        found = []
        for row in self.session.execute(statement):
            values = dict(row._mapping)
            values.pop("person_phone_hash")
            phone = self.uow.protector.open(values.pop("person_phone_sealed"))
            found.append(Assignment(**values, person_phone=phone))
        return found

    def get(self, assignment_id):
        found = self._load(select(assignments).where(assignments.c.id == assignment_id))
        if not found:
            raise NotFound(f"no assignment {assignment_id}")
        return found[0]

    def search(self, query, limit, offset):
        column = assignments.c
        statement = select(assignments)
        for name, field in (("role", "role"), ("grid_code", "grid_code"), ("department", "department_code"),
                            ("resident_id", "resident_id")):
            if query.get(name):
                statement = statement.where(getattr(column, field) == query[name])
        if query.get("active_on"):
            day = query["active_on"]
            statement = statement.where(column.term_from <= day, (column.term_to.is_(None)) | (column.term_to >= day))
        return self._load(statement.order_by(column.term_from, column.id).limit(limit).offset(offset))
