"""Registry domain: the grid hierarchy, residents and their group tags, units and facilities.
Pure Python. Events carry what other services count by (grid, sex, birth year, residence type,
tags), never a name, an ID number, a phone or an address."""
from dataclasses import dataclass, field, replace
from datetime import date, timedelta

from safecommunity import sitetime
from safecommunity.domain import Aggregate
from safecommunity.errors import Conflict, FieldInvalid, IllegalTransition, NotFound
from safecommunity.ids import new_id

from .codes import CodeInvalid, parse_id_number
from .taxonomy import FACILITY_TYPES

# Top to bottom; a site may use fewer levels, but a child always sits below its parent.
GRID_LEVELS = ("district", "street", "community", "grid")


class GridOutOfOrder(Conflict):
    pass


@dataclass
class Grid(Aggregate):
    code: str
    name: str
    level: str
    parent_code: str | None = None

    @property
    def id(self):
        return self.code

    @classmethod
    def create(cls, code, name, level, parent=None):
        if parent is not None and GRID_LEVELS.index(level) <= GRID_LEVELS.index(parent.level):
            raise GridOutOfOrder(f"a {level} cannot sit under the {parent.level} {parent.code}")
        grid = cls(code=code, name=name, level=level, parent_code=parent.code if parent else None)
        grid.record("grid.created", code=code, name=name, level=level, parent_code=grid.parent_code)
        return grid


def check_identity(id_number, sex, birth_date):
    """The ID number must be well formed and agree with the record's birth date and sex."""
    if id_number is None:
        return
    try:
        _, born, id_sex = parse_id_number(id_number)
    except CodeInvalid as exc:
        raise FieldInvalid("id_number", str(exc)) from None
    if born != birth_date:
        raise FieldInvalid("id_number", f"says born {born}, the record says {birth_date}")
    if sex != "unknown" and id_sex != sex:
        raise FieldInvalid("id_number", f"says {id_sex}, the record says {sex}")


# Fields a resident's update may change; the first four are what consumers count by.
KEY_FIELDS = ("grid_code", "sex", "birth_date", "residence_type")
PERSONAL_FIELDS = ("name", "id_number", "phone", "address")
UPDATABLE = KEY_FIELDS + PERSONAL_FIELDS + ("permit_expires_on",)


@dataclass
class Resident(Aggregate):
    id: str
    name: str
    sex: str
    birth_date: date
    residence_type: str
    grid_code: str
    registered_on: date
    id_number: str | None = None
    phone: str | None = None
    address: str | None = None
    permit_expires_on: date | None = None
    moved_out_on: date | None = None
    tags: dict = field(default_factory=dict)  # tag code -> attributes
    tag_dates: dict = field(default_factory=dict)  # tag code -> tagged on
    # tag code -> whether its type is sensitive, for the tags whose type this resident was given:
    # resident events say which tags are sensitive, so that no consumer needs a list of its own.
    tag_sensitivity: dict = field(default_factory=dict)

    @classmethod
    def register(cls, name, sex, birth_date, residence_type, grid, registered_on=None, tags=(), **personal):
        resident = cls(id=new_id(), name=name, sex=sex, birth_date=birth_date, residence_type=residence_type,
                       grid_code=grid.code, registered_on=registered_on or sitetime.today(), **personal)
        resident._check()
        for tag_type, attributes in tags:
            resident._attach(tag_type, attributes, resident.registered_on)
        # Consumers get what population denominators need, never the name.
        resident.record("resident.registered", resident_id=resident.id, grid_code=grid.code, sex=sex,
                        birth_year=birth_date.year, residence_type=residence_type,
                        registered_on=resident.registered_on, tags=sorted(resident.tags),
                        sensitive_tags=resident.sensitive_tags())
        return resident

    def sensitive_tags(self):
        """The resident's sensitive tags, or None when it does not know every tag's type (loaded
        without them): its events then say nothing rather than something wrong."""
        if any(code not in self.tag_sensitivity for code in self.tags):
            return None
        return sorted(code for code in self.tags if self.tag_sensitivity[code])

    def _check(self):
        check_identity(self.id_number, self.sex, self.birth_date)
        if self.permit_expires_on and self.residence_type != "migrant":
            raise FieldInvalid("permit_expires_on", "only a migrant has a residence permit")

    def key(self):
        return {"grid_code": self.grid_code, "sex": self.sex, "birth_year": self.birth_date.year,
                "residence_type": self.residence_type}

    @property
    def active(self):
        return self.moved_out_on is None

    def _require_active(self):
        if not self.active:
            raise IllegalTransition(f"resident {self.id} moved out on {self.moved_out_on}")

    def update(self, **changes):
        """Apply changed fields; True if anything changed (then resident.updated is recorded)."""
        self._require_active()
        changed = sorted(name for name in UPDATABLE if name in changes and changes[name] != getattr(self, name))
        if not changed:
            return False
        previous = self.key()
        proposed = replace(self, **{name: changes[name] for name in changed})
        proposed._check()
        for name in changed:
            setattr(self, name, changes[name])
        self.record("resident.updated", resident_id=self.id, **self.key(), tags=sorted(self.tags),
                    sensitive_tags=self.sensitive_tags(), previous=previous, changed=changed)
        return True

    def move_out(self, on):
        self._require_active()
        if on < self.registered_on:
            raise FieldInvalid("moved_out_on", f"must not be before moving in ({self.registered_on})")
        self.moved_out_on = on
        self.record("resident.moved_out", resident_id=self.id, **self.key(), tags=sorted(self.tags),
                    sensitive_tags=self.sensitive_tags(), moved_out_on=on)

    def tag(self, tag_type, attributes, on):
        """Give the resident a group tag, or new attributes for one they have."""
        self._require_active()
        is_new = tag_type.code not in self.tags
        self._attach(tag_type, attributes, on)
        if is_new:
            self.record("resident.tagged", resident_id=self.id, tag=tag_type.code, **self.key(), tagged_on=on,
                        sensitive=tag_type.sensitive)
        return is_new

    def _attach(self, tag_type, attributes, on):
        errors = tag_type.check_attributes(attributes)
        if errors:
            invalid = FieldInvalid("attributes", "not taken by this tag")
            invalid.messages = {"attributes": errors}
            raise invalid
        reason = tag_type.check_age(self.birth_date, on)
        if reason:
            raise FieldInvalid("tag", reason)
        self.tags[tag_type.code] = {key: value for key, value in attributes.items() if value is not None}
        self.tag_dates.setdefault(tag_type.code, on)
        self.tag_sensitivity[tag_type.code] = tag_type.sensitive

    def untag(self, code, on):
        self._require_active()
        if code not in self.tags:
            raise NotFound(f"resident {self.id} has no tag {code}")
        del self.tags[code], self.tag_dates[code]
        self.record("resident.untagged", resident_id=self.id, tag=code, **self.key(), untagged_on=on,
                    sensitive=self.tag_sensitivity.pop(code, None))


UNIT_PUBLIC = ("name", "type", "grid_code", "credit_code", "scale", "industry", "hazardous_chemicals",
               "major_hazard_source", "risk_grade", "special_workers", "certified_special_workers")
UNIT_UPDATABLE = UNIT_PUBLIC + ("safety_officer", "safety_officer_phone", "address", "latitude", "longitude")


@dataclass
class Unit(Aggregate):
    id: str
    name: str
    type: str
    grid_code: str
    registered_on: date
    credit_code: str | None = None
    scale: str | None = None
    industry: str | None = None
    hazardous_chemicals: bool = False
    major_hazard_source: bool = False
    risk_grade: str | None = None
    safety_officer: str | None = None
    safety_officer_phone: str | None = None
    special_workers: int = 0
    certified_special_workers: int = 0
    address: str | None = None
    latitude: float | None = None
    longitude: float | None = None

    @classmethod
    def register(cls, registered_on=None, **fields):
        unit = cls(id=new_id(), registered_on=registered_on or sitetime.today(), **fields)
        unit._check()
        unit.record("unit.registered", unit_id=unit.id, **unit.public(), registered_on=unit.registered_on)
        return unit

    def public(self):
        return {name: getattr(self, name) for name in UNIT_PUBLIC}

    def _check(self):
        if self.certified_special_workers > self.special_workers:
            raise FieldInvalid("certified_special_workers", "must not exceed special_workers")

    def update(self, **changes):
        changed = [name for name in UNIT_UPDATABLE if name in changes and changes[name] != getattr(self, name)]
        if not changed:
            return False
        previous_grade = self.risk_grade
        replace(self, **{name: changes[name] for name in changed})._check()
        for name in changed:
            setattr(self, name, changes[name])
        self.record("unit.updated", unit_id=self.id, **self.public(), changed=sorted(changed))
        if self.risk_grade != previous_grade:
            self._graded(previous_grade, sitetime.today())
        return True

    def grade_risk(self, grade, on):
        if grade == self.risk_grade:
            return False
        previous, self.risk_grade = self.risk_grade, grade
        self._graded(previous, on)
        return True

    def _graded(self, previous, on):
        self.record("unit.risk_graded", unit_id=self.id, type=self.type, grid_code=self.grid_code,
                    risk_grade=self.risk_grade, previous_risk_grade=previous, graded_on=on)


FACILITY_PUBLIC = ("code", "type", "grid_code", "unit_id", "status", "expires_on", "next_inspection_due")
FACILITY_UPDATABLE = ("type", "grid_code", "unit_id", "location", "latitude", "longitude", "status",
                      "expires_on")


@dataclass
class Facility(Aggregate):
    id: str
    code: str
    type: str
    grid_code: str
    status: str
    registered_on: date
    unit_id: str | None = None
    location: str | None = None
    latitude: float | None = None
    longitude: float | None = None
    expires_on: date | None = None
    last_inspected_on: date | None = None
    next_inspection_due: date | None = None

    @classmethod
    def register(cls, registered_on=None, **fields):
        facility = cls(id=new_id(), registered_on=registered_on or sitetime.today(), **fields)
        facility.next_inspection_due = facility._due_after(facility.last_inspected_on or facility.registered_on)
        facility.record("facility.registered", facility_id=facility.id, **facility.public())
        return facility

    def public(self):
        return {name: getattr(self, name) for name in FACILITY_PUBLIC}

    def _due_after(self, day):
        return day + timedelta(days=FACILITY_TYPES[self.type])

    def overdue(self, today):
        return self.next_inspection_due < today

    def inspect(self, on, status, today=None):
        if on > (today or sitetime.today()):
            raise FieldInvalid("inspected_on", "must not be in the future")
        if self.last_inspected_on and on < self.last_inspected_on:
            raise FieldInvalid("inspected_on", f"must not be before the last inspection ({self.last_inspected_on})")
        self.last_inspected_on, self.status = on, status
        self.next_inspection_due = self._due_after(on)
        self.record("facility.inspected", facility_id=self.id, **self.public(), inspected_on=on)

    def update(self, **changes):
        changed = [name for name in FACILITY_UPDATABLE if name in changes and changes[name] != getattr(self, name)]
        if not changed:
            return False
        for name in changed:
            setattr(self, name, changes[name])
        self.next_inspection_due = self._due_after(self.last_inspected_on or self.registered_on)
        self.record("facility.updated", facility_id=self.id, **self.public(), changed=sorted(changed))
        return True
