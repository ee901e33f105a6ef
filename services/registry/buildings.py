"""Registry domain: compounds (小区/院落) in a grid, buildings (楼栋) in a compound or standing on
their own, with storeys, age, property manager (or none) and lifts, and households linking the
residents who live together. Pure Python; no events yet (no consumer needs them)."""
import hashlib
from dataclasses import dataclass, field
from datetime import date

from safecommunity import sitetime
from safecommunity.errors import Conflict

from .domain import new_id

BUILDING_UPDATABLE = ("grid_code", "name", "compound_code", "address", "storeys", "year_built", "property_manager",
                      "lifts")


class MemberOfHousehold(Conflict):
    pass


def compound_code_for(grid_code, name):
    """The code of a compound made from a building's compound name (by the 0005 migration, or for a
    client that still names the compound): the same grid and name always give the same code."""
    return "CP-" + hashlib.sha1(f"{grid_code}/{name}".encode()).hexdigest()[:12]


@dataclass
class Compound:
    code: str
    name: str
    grid_code: str
    registered_on: date
    property_manager: str | None = None  # the property company; None means no property management
    address: str | None = None

    @classmethod
    def register(cls, registered_on=None, **fields):
        return cls(registered_on=registered_on or sitetime.today(), **fields)


@dataclass
class Building:
    id: str
    grid_code: str
    name: str
    storeys: int
    registered_on: date
    compound_code: str | None = None  # None for a building standing on its own
    address: str | None = None
    year_built: int | None = None
    property_manager: str | None = None  # the property company; None means no property management
    lifts: int = 0

    @classmethod
    def register(cls, registered_on=None, **fields):
        return cls(id=new_id(), registered_on=registered_on or sitetime.today(), **fields)

    def age(self, today=None):
        return None if self.year_built is None else (today or sitetime.today()).year - self.year_built

    def update(self, **changes):
        changed = [name for name in BUILDING_UPDATABLE if name in changes and changes[name] != getattr(self, name)]
        for name in changed:
            setattr(self, name, changes[name])
        return bool(changed)


@dataclass
class Household:
    id: str
    building_id: str
    room: str
    registered_on: date
    members: dict = field(default_factory=dict)  # resident id -> since

    @classmethod
    def register(cls, building_id, room, registered_on=None, members=()):
        household = cls(id=new_id(), building_id=building_id, room=room,
                        registered_on=registered_on or sitetime.today())
        household.members = {resident_id: household.registered_on for resident_id in members}
        return household

    def add_member(self, resident_id, since):
        if resident_id in self.members:
            raise MemberOfHousehold(f"resident {resident_id} already lives in household {self.id}")
        self.members[resident_id] = since

    def remove_member(self, resident_id):
        if resident_id not in self.members:
            raise MemberOfHousehold(f"resident {resident_id} does not live in household {self.id}")
        del self.members[resident_id]
