"""Repositories of places: grids, the code lists, units, facilities, compounds, buildings and
households."""

from sqlalchemy import delete, insert, select, update

from safecommunity import sitetime
from safecommunity.bulk import insert_rows
from safecommunity.errors import Conflict, FieldInvalid, NotFound

from ..buildings import Building, Compound, Household
from ..domain import Facility, Grid, Unit
from ..tables import (
    buildings,
    compounds,
    facilities,
    grids,
    household_members,
    households,
    tag_types,
    unit_types,
    units,
)
from ..taxonomy import TagType
from .base import GridNotFound, Repository, matches


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

    def descendants(self, code):
        """The grid's code and the code of every grid below it, at any depth, in one query (the
        hierarchy is a few thousand rows at most); an unknown code stands for itself."""
        tree = select(grids.c.code).where(grids.c.code == code).cte("tree", recursive=True)
        tree = tree.union_all(select(grids.c.code).where(grids.c.parent_code == tree.c.code))
        return sorted(self.session.scalars(select(tree.c.code))) or [code]

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


class UnitRepository(Repository):
    def add_many(self, found):
        if found:
            insert_rows(self.session, units, [self._row(unit) for unit in found])
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
                statement = statement.where(matches(getattr(units.c, name), query[name]))
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
                statement = statement.where(matches(getattr(facilities.c, name), query[name]))
        if query.get("overdue"):
            statement = statement.where(facilities.c.next_inspection_due < (today or sitetime.today()))
        return self._load(statement.order_by(facilities.c.id).limit(limit).offset(offset))


class CompoundRepository(Repository):
    def add(self, compound):
        if self.find(compound.code) is not None:
            raise Conflict(f"compound {compound.code} already exists")
        self.session.execute(insert(compounds).values(**vars(compound)))

    def find(self, code):
        row = self.session.execute(select(compounds).where(compounds.c.code == code)).first()
        return Compound(**row._mapping) if row else None

    def get(self, code):
        compound = self.find(code)
        if compound is None:
            raise NotFound(f"no compound {code}")
        return compound

    def referenced_by(self, field, code):
        compound = self.find(code)
        if compound is None:
            raise FieldInvalid(field, f"no compound {code}")
        return compound

    def named(self, grid_code, name):
        """The grid's compound of that name (the first by code if several), or None."""
        row = self.session.execute(select(compounds).where(compounds.c.grid_code == grid_code,
                                                           compounds.c.name == name)
                                   .order_by(compounds.c.code).limit(1)).first()
        return Compound(**row._mapping) if row else None

    def names(self, codes):
        """{code: name} for the given compound codes."""
        codes = {code for code in codes if code}
        if not codes:
            return {}
        return dict(self.session.execute(select(compounds.c.code, compounds.c.name)
                                         .where(compounds.c.code.in_(codes))).all())

    def search(self, query, limit, offset):
        column = compounds.c
        statement = select(compounds)
        for name in ("grid_code", "name"):
            if query.get(name):
                statement = statement.where(matches(getattr(column, name), query[name]))
        if query.get("property_managed") is not None:
            managed = column.property_manager.is_not(None)
            statement = statement.where(managed if query["property_managed"] else ~managed)
        rows = self.session.execute(statement.order_by(column.code).limit(limit).offset(offset))
        return [Compound(**row._mapping) for row in rows]


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

    def addresses(self, ids):
        """{building id: address} for the given buildings (households show their building's)."""
        ids = set(ids)
        if not ids:
            return {}
        return dict(self.session.execute(select(buildings.c.id, buildings.c.address)
                                         .where(buildings.c.id.in_(ids))).all())

    def search(self, query, limit, offset):
        column = buildings.c
        statement = select(buildings)
        for name in ("grid_code", "compound_code"):
            if query.get(name):
                statement = statement.where(matches(getattr(column, name), query[name]))
        if query.get("compound"):  # by the compound's name, as before compounds had codes
            statement = statement.where(column.compound_code.in_(
                select(compounds.c.code).where(compounds.c.name == query["compound"])))
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
