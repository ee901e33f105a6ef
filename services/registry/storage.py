"""Registry repositories and unit of work: the only place with queries. Personal data is sealed
on the way in and opened on the way out with the unit of work's Protector."""
from datetime import date

from sqlalchemy import delete, func, insert, select, update
from sqlalchemy.exc import IntegrityError

from safecommunity.database import utcnow
from safecommunity.errors import Conflict, FieldInvalid, NotFound
from safecommunity.storage import Store, UnitOfWork

from .buildings import Building, Household
from .domain import Facility, Grid, Resident, Unit
from .housing import Rental
from .offices import Assignment, Department
from .pii import PersonalDataKeys
from .tables import (
    assignments,
    audit_log,
    buildings,
    departments,
    facilities,
    grids,
    household_members,
    households,
    metadata,
    rental_tenants,
    rentals,
    resident_tags,
    residents,
    tag_types,
    team_members,
    unit_types,
    units,
    volunteer_pairings,
    volunteer_teams,
    volunteers,
)
from .taxonomy import TagType
from .volunteers import Pairing, Team, Volunteer

__all__ = ["metadata", "RegistryStore", "RegistryUnitOfWork"]


class GridNotFound(NotFound):
    pass


class Repository:
    def __init__(self, uow):
        self.uow = uow
        self.session = uow.session


class GridRepository(Repository):
    def add(self, grid):
        if self.find(grid.code) is not None:
            raise Conflict(f"grid {grid.code} already exists")
        self.session.execute(insert(grids).values(
            code=grid.code, name=grid.name, level=grid.level, parent_code=grid.parent_code))
        self.uow.track(grid)

    def find(self, code):
        row = self.session.execute(select(grids).where(grids.c.code == code)).first()
        return Grid(**row._mapping) if row else None

    def get(self, code):
        grid = self.find(code)
        if grid is None:
            raise GridNotFound(f"no grid {code}")
        return grid

    def referenced_by(self, field, code):
        """The grid a request names in `field`; an unknown one is that field's error (400)."""
        grid = self.find(code)
        if grid is None:
            raise FieldInvalid(field, f"no grid {code}")
        return grid

    def codes(self):
        return set(self.session.scalars(select(grids.c.code)))

    def list(self):
        rows = self.session.execute(select(grids).order_by(grids.c.code)).all()
        return [Grid(**row._mapping) for row in rows]


class TaxonomyRepository(Repository):
    def tag_types(self):
        rows = self.session.execute(select(tag_types).order_by(tag_types.c.code)).all()
        return {row.code: TagType(**row._mapping) for row in rows}

    def tag_type(self, field, code):
        tag_type = self.tag_types().get(code)
        if tag_type is None:
            raise FieldInvalid(field, f"no tag type {code}")
        return tag_type

    def add_tag_type(self, tag_type):
        if tag_type.code in self.tag_types():
            raise Conflict(f"tag type {tag_type.code} already exists")
        self.session.execute(insert(tag_types).values(**vars(tag_type)))

    def unit_types(self):
        return [dict(row._mapping) for row in self.session.execute(select(unit_types).order_by(unit_types.c.code))]

    def add_unit_type(self, row):
        if row["code"] in {t["code"] for t in self.unit_types()}:
            raise Conflict(f"unit type {row['code']} already exists")
        self.session.execute(insert(unit_types).values(**row))


class ResidentRepository(Repository):
    def add_many(self, people):
        if not people:
            return
        protector = self.uow.protector
        self.session.execute(insert(residents), [_resident_row(p, protector) for p in people])
        self._insert_tags(people)
        for person in people:
            self.uow.track(person)

    def add(self, resident):
        self._check_unique(resident)
        self.add_many([resident])

    def save(self, resident):
        self._check_unique(resident)
        self.session.execute(update(residents).where(residents.c.id == resident.id)
                             .values(**_resident_row(resident, self.uow.protector)))
        self.session.execute(delete(resident_tags).where(resident_tags.c.resident_id == resident.id))
        self._insert_tags([resident])
        self.uow.track(resident)

    def _check_unique(self, resident):
        digest = self.uow.protector.digest(resident.id_number)
        if digest and self.session.scalar(select(residents.c.id).where(
                residents.c.id_number_hash == digest, residents.c.id != resident.id)):
            raise FieldInvalid("id_number", "a resident with this ID number is already registered")

    def _insert_tags(self, people):
        rows = [{"resident_id": p.id, "tag": code, "attributes": attributes,
                 "tagged_on": p.tag_dates.get(code, p.registered_on)}
                for p in people for code, attributes in p.tags.items()]
        if rows:
            self.session.execute(insert(resident_tags), rows)

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
        for condition in _resident_filters(query, today or date.today()):
            statement = statement.where(condition)
        if query.get("tag"):
            statement = statement.join(resident_tags, resident_tags.c.resident_id == residents.c.id) \
                .where(resident_tags.c.tag == query["tag"])
        return self._load(statement.order_by(residents.c.id).limit(limit).offset(offset))

    def _load(self, statement):
        rows = self.session.execute(statement).all()
        tags = {}
        if rows:
            for tag in self.session.execute(select(resident_tags).where(
                    resident_tags.c.resident_id.in_([row.id for row in rows]))):
                tags.setdefault(tag.resident_id, {})[tag.tag] = (tag.attributes, tag.tagged_on)
        return [_resident(row, tags.get(row.id, {}), self.uow.protector) for row in rows]


def _resident_filters(query, today):
    column = residents.c
    conditions = [column.moved_out_on.is_(None) if query.get("status", "active") == "active"
                  else column.moved_out_on.is_not(None)] if query.get("status") != "all" else []
    for name in ("grid_code", "residence_type", "sex", "id_number_hash"):
        if query.get(name):
            conditions.append(getattr(column, name) == query[name])
    if query.get("age_min") is not None:  # at least age_min: born on or before today - age_min years
        conditions.append(column.birth_date <= _years_before(today, query["age_min"]))
    if query.get("age_max") is not None:  # at most age_max: born after today - (age_max + 1) years
        conditions.append(column.birth_date > _years_before(today, query["age_max"] + 1))
    return conditions


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
        tags={code: attributes for code, (attributes, _) in tags.items()},
        tag_dates={code: tagged_on for code, (_, tagged_on) in tags.items()})
    return resident


class UnitRepository(Repository):
    def add_many(self, found):
        if found:
            self.session.execute(insert(units), [self._row(unit) for unit in found])
            for unit in found:
                self.uow.track(unit)

    def add(self, unit):
        if unit.credit_code and self.by_credit_codes([unit.credit_code]):
            raise FieldInvalid("credit_code", "a unit with this credit code is already registered")
        self.add_many([unit])

    def save(self, unit):
        self.session.execute(update(units).where(units.c.id == unit.id).values(**self._row(unit)))
        self.uow.track(unit)

    def _row(self, unit):
        row = {name: value for name, value in vars(unit).items() if not name.startswith("_")}
        phone = row.pop("safety_officer_phone")
        return {**row, "safety_officer_phone_sealed": self.uow.protector.seal(phone),
                "safety_officer_phone_hash": self.uow.protector.digest(phone)}

    def _load(self, statement):
        found = []
        for row in self.session.execute(statement):
            values = dict(row._mapping)
            values.pop("safety_officer_phone_hash")
            phone = self.uow.protector.open(values.pop("safety_officer_phone_sealed"))
            found.append(Unit(**values, safety_officer_phone=phone))
        return found

    def get(self, unit_id):
        found = self._load(select(units).where(units.c.id == unit_id))
        if not found:
            raise NotFound(f"no unit {unit_id}")
        return found[0]

    def exists(self, unit_id):
        return self.session.scalar(select(units.c.id).where(units.c.id == unit_id)) is not None

    def by_credit_codes(self, codes):
        return {u.credit_code: u for u in self._load(select(units).where(units.c.credit_code.in_(list(codes))))}

    def search(self, query, limit, offset):
        statement = select(units)
        for name in ("type", "grid_code", "risk_grade"):
            if query.get(name):
                statement = statement.where(getattr(units.c, name) == query[name])
        return self._load(statement.order_by(units.c.id).limit(limit).offset(offset))


class FacilityRepository(Repository):
    def add_many(self, found):
        if found:
            self.session.execute(insert(facilities), [self._row(f) for f in found])
            for facility in found:
                self.uow.track(facility)

    def add(self, facility):
        if self.by_codes([facility.code]):
            raise FieldInvalid("code", f"facility {facility.code} is already registered")
        self.add_many([facility])

    def save(self, facility):
        self.session.execute(update(facilities).where(facilities.c.id == facility.id).values(**self._row(facility)))
        self.uow.track(facility)

    @staticmethod
    def _row(facility):
        return {name: value for name, value in vars(facility).items() if not name.startswith("_")}

    def _load(self, statement):
        return [Facility(**row._mapping) for row in self.session.execute(statement)]

    def get(self, facility_id):
        found = self._load(select(facilities).where(facilities.c.id == facility_id))
        if not found:
            raise NotFound(f"no facility {facility_id}")
        return found[0]

    def by_codes(self, codes):
        return {f.code: f for f in self._load(select(facilities).where(facilities.c.code.in_(list(codes))))}

    def search(self, query, limit, offset, today=None):
        statement = select(facilities)
        for name in ("type", "grid_code", "status", "unit_id"):
            if query.get(name):
                statement = statement.where(getattr(facilities.c, name) == query[name])
        if query.get("overdue"):
            statement = statement.where(facilities.c.next_inspection_due < (today or date.today()))
        return self._load(statement.order_by(facilities.c.id).limit(limit).offset(offset))


class RentalRepository(Repository):
    """Rentals with their current tenants; the landlord's phone sealed like a resident's."""

    def add(self, rental):
        self.session.execute(insert(rentals).values(**self._row(rental)))
        self._insert_tenants(rental)
        self.uow.track(rental)

    def save(self, rental):
        self.session.execute(update(rentals).where(rentals.c.id == rental.id).values(**self._row(rental)))
        self.session.execute(delete(rental_tenants).where(rental_tenants.c.rental_id == rental.id))
        self._insert_tenants(rental)
        self.uow.track(rental)

    def _row(self, rental):
        row = {name: value for name, value in vars(rental).items() if not name.startswith("_")}
        del row["tenants"]
        phone = row.pop("landlord_phone")
        return {**row, "landlord_phone_sealed": self.uow.protector.seal(phone),
                "landlord_phone_hash": self.uow.protector.digest(phone)}

    def _insert_tenants(self, rental):
        rows = [{"rental_id": rental.id, "resident_id": resident_id, "since": since}
                for resident_id, since in rental.tenants.items()]
        if rows:
            self.session.execute(insert(rental_tenants), rows)

    def _load(self, statement):
        rows = self.session.execute(statement).all()
        tenants = {}
        if rows:
            for row in self.session.execute(select(rental_tenants).where(
                    rental_tenants.c.rental_id.in_([row.id for row in rows])).order_by(rental_tenants.c.resident_id)):
                tenants.setdefault(row.rental_id, {})[row.resident_id] = row.since
        found = []
        for row in rows:
            values = dict(row._mapping)
            values.pop("landlord_phone_hash")
            phone = self.uow.protector.open(values.pop("landlord_phone_sealed"))
            found.append(Rental(**values, landlord_phone=phone, tenants=tenants.get(row.id, {})))
        return found

    def get(self, rental_id):
        found = self._load(select(rentals).where(rentals.c.id == rental_id))
        if not found:
            raise NotFound(f"no rental {rental_id}")
        return found[0]

    def search(self, query, limit, offset):
        statement = select(rentals)
        for name in ("grid_code", "group_rental", "letter_signed"):
            if query.get(name) is not None:
                statement = statement.where(getattr(rentals.c, name) == query[name])
        return self._load(statement.order_by(rentals.c.id).limit(limit).offset(offset))


class VolunteerRepository(Repository):
    """Volunteers with every pairing they have had (current ones have no `until`)."""

    def add(self, volunteer):
        if self.session.scalar(select(volunteers.c.id).where(volunteers.c.resident_id == volunteer.resident_id,
                                                             volunteers.c.left_on.is_(None))):
            raise FieldInvalid("resident_id", f"resident {volunteer.resident_id} is already a volunteer")
        self.session.execute(insert(volunteers).values(**self._row(volunteer)))
        self._insert_pairings(volunteer)
        self.uow.track(volunteer)

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
                statement = statement.where(getattr(volunteers.c, name) == query[name])
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
                statement = statement.where(getattr(volunteer_teams.c, name) == query[name])
        return self._load(statement.order_by(volunteer_teams.c.id).limit(limit).offset(offset))

    def drop_volunteer(self, volunteer_id):
        """A volunteer who left is in no team any more."""
        self.session.execute(delete(team_members).where(team_members.c.volunteer_id == volunteer_id))


class DepartmentRepository(Repository):
    def add(self, department):
        if self.find(department.code) is not None:
            raise Conflict(f"department {department.code} already exists")
        self.session.execute(insert(departments).values(**vars(department)))

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

    def save(self, assignment):
        self.session.execute(update(assignments).where(assignments.c.id == assignment.id)
                             .values(**self._row(assignment)))

    def _row(self, assignment):
        row = dict(vars(assignment))
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


class BuildingRepository(Repository):
    def add(self, building):
        self.session.execute(insert(buildings).values(**vars(building)))

    def save(self, building):
        self.session.execute(update(buildings).where(buildings.c.id == building.id).values(**vars(building)))

    def _load(self, statement):
        return [Building(**row._mapping) for row in self.session.execute(statement)]

    def get(self, building_id):
        found = self._load(select(buildings).where(buildings.c.id == building_id))
        if not found:
            raise NotFound(f"no building {building_id}")
        return found[0]

    def referenced_by(self, field, building_id):
        if self.session.scalar(select(buildings.c.id).where(buildings.c.id == building_id)) is None:
            raise FieldInvalid(field, f"no building {building_id}")

    def search(self, query, limit, offset):
        column = buildings.c
        statement = select(buildings)
        for name in ("grid_code", "compound"):
            if query.get(name):
                statement = statement.where(getattr(column, name) == query[name])
        if query.get("property_managed") is not None:
            managed = column.property_manager.is_not(None)
            statement = statement.where(managed if query["property_managed"] else ~managed)
        if query.get("built_before") is not None:
            statement = statement.where(column.year_built < query["built_before"])
        return self._load(statement.order_by(column.id).limit(limit).offset(offset))


class HouseholdRepository(Repository):
    """Households and their members; a resident lives in one household at most."""

    def add(self, household):
        self._check_room(household)
        self.session.execute(insert(households).values(
            id=household.id, building_id=household.building_id, room=household.room,
            registered_on=household.registered_on))
        self._insert_members(household)

    def save(self, household):
        self.session.execute(delete(household_members).where(household_members.c.household_id == household.id))
        self._insert_members(household)

    def _check_room(self, household):
        if self.session.scalar(select(households.c.id).where(households.c.building_id == household.building_id,
                                                             households.c.room == household.room)):
            raise FieldInvalid("room", f"building {household.building_id} already has a household in {household.room}")

    def _insert_members(self, household):
        rows = [{"household_id": household.id, "resident_id": rid, "since": since}
                for rid, since in household.members.items()]
        if rows:
            self.session.execute(insert(household_members), rows)

    def household_of(self, resident_id):
        return self.session.scalar(select(household_members.c.household_id)
                                   .where(household_members.c.resident_id == resident_id))

    def _load(self, statement):
        rows = self.session.execute(statement).all()
        members = {}
        if rows:
            for row in self.session.execute(select(household_members).where(
                    household_members.c.household_id.in_([row.id for row in rows]))
                    .order_by(household_members.c.resident_id)):
                members.setdefault(row.household_id, {})[row.resident_id] = row.since
        return [Household(**row._mapping, members=members.get(row.id, {})) for row in rows]

    def get(self, household_id):
        found = self._load(select(households).where(households.c.id == household_id))
        if not found:
            raise NotFound(f"no household {household_id}")
        return found[0]

    def search(self, query, limit, offset):
        statement = select(households)
        if query.get("building_id"):
            statement = statement.where(households.c.building_id == query["building_id"])
        if query.get("resident_id"):
            statement = statement.where(households.c.id == self.household_of(query["resident_id"]))
        return self._load(statement.order_by(households.c.building_id, households.c.room).limit(limit).offset(offset))


class AuditLog(Repository):
    def record(self, subject, resource_type, revealed, action="read"):
        """One row per record whose personal or sensitive data the caller is about to see.

        `revealed` is [(record id, field names)]; records with nothing revealed are skipped."""
        now = utcnow()
        rows = [{"at": now, "subject": subject, "action": action, "resource_type": resource_type,
                 "resource_id": resource_id, "fields": ",".join(sorted(fields))}
                for resource_id, fields in revealed if fields]
        if rows:
            self.session.execute(insert(audit_log), rows)

    def search(self, query, limit, offset):
        statement = select(audit_log)
        for name in ("subject", "resource_id", "resource_type"):
            if query.get(name):
                statement = statement.where(getattr(audit_log.c, name) == query[name])
        if query.get("since"):
            statement = statement.where(audit_log.c.at >= query["since"])
        rows = self.session.execute(statement.order_by(audit_log.c.id.desc()).limit(limit).offset(offset))
        return [dict(row._mapping) for row in rows]

    def count(self):
        return self.session.scalar(select(func.count()).select_from(audit_log))


class RegistryUnitOfWork(UnitOfWork):
    def __init__(self, *args, protector=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.protector = protector
        self.grids = GridRepository(self)
        self.taxonomy = TaxonomyRepository(self)
        self.residents = ResidentRepository(self)
        self.units = UnitRepository(self)
        self.facilities = FacilityRepository(self)
        self.rentals = RentalRepository(self)
        self.volunteers = VolunteerRepository(self)
        self.teams = TeamRepository(self)
        self.departments = DepartmentRepository(self)
        self.assignments = AssignmentRepository(self)
        self.buildings = BuildingRepository(self)
        self.households = HouseholdRepository(self)
        self.audit = AuditLog(self)

    def commit(self):
        try:
            super().commit()
        except IntegrityError as exc:  # a concurrent request stored the same key first
            self.rollback()
            raise Conflict(f"conflicting change, try again: {exc.orig}") from None


class RegistryStore(Store):
    """The backbone's Store, with the Protector for personal data in every unit of work."""

    keys = PersonalDataKeys()

    def __init__(self):
        super().__init__(RegistryUnitOfWork)

    def get_dependency(self, worker_ctx):
        uow = super().get_dependency(worker_ctx)
        uow.protector = self.keys.protector
        return uow
