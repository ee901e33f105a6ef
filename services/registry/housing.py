"""Registry domain: rental housing (出租屋), incl. group rentals (群租) and basements, with the
tenant list kept current, the "10-point" inspection score and the landlord's responsibility letter.
Pure Python. Events carry what reports counts by: never the address, the landlord or a tenant."""
from dataclasses import dataclass, field, replace
from datetime import date

from safecommunity import sitetime
from safecommunity.domain import Aggregate
from safecommunity.errors import Conflict, FieldInvalid

from .domain import new_id

TOP_SCORE = 10
RENTAL_UPDATABLE = ("grid_code", "address", "landlord_resident_id", "landlord_name", "landlord_phone",
                    "group_rental", "basement", "letter_signed", "signed_on")


class TenantConflict(Conflict):
    pass


@dataclass
class Rental(Aggregate):
    id: str
    grid_code: str
    address: str
    registered_on: date
    landlord_resident_id: str | None = None
    landlord_name: str | None = None
    landlord_phone: str | None = None
    group_rental: bool = False
    basement: bool = False
    letter_signed: bool = False
    signed_on: date | None = None
    inspection_score: int | None = None
    inspected_on: date | None = None
    tenants: dict = field(default_factory=dict)  # resident id -> since

    @classmethod
    def register(cls, registered_on=None, tenants=(), **fields):
        rental = cls(id=new_id(), registered_on=registered_on or sitetime.today(), **fields)
        rental._check()
        for resident_id in tenants:
            rental.tenants[resident_id] = rental.registered_on
        rental.record("rental.registered", **rental.public(), registered_on=rental.registered_on)
        return rental

    def public(self):
        return {"rental_id": self.id, "grid_code": self.grid_code, "group_rental": self.group_rental,
                "basement": self.basement, "letter_signed": self.letter_signed, "tenants": len(self.tenants),
                "inspection_score": self.inspection_score}

    def _check(self):
        if self.landlord_resident_id and (self.landlord_name or self.landlord_phone):
            raise FieldInvalid("landlord_resident_id", "give a resident id or a name and phone, not both")
        if self.landlord_phone and not self.landlord_name:
            raise FieldInvalid("landlord_name", "a landlord's phone needs the landlord's name")
        if self.letter_signed and self.signed_on is None:
            raise FieldInvalid("signed_on", "a signed letter needs the day it was signed")
        if self.signed_on is not None and not self.letter_signed:
            raise FieldInvalid("letter_signed", "must be true when signed_on is given")

    def _updated(self, changed):
        self.record("rental.updated", **self.public(), changed=sorted(changed))

    def update(self, **changes):
        """Apply changed fields; True if anything changed (then rental.updated is recorded)."""
        if changes.get("letter_signed") is True and "signed_on" not in changes and self.signed_on is None:
            changes["signed_on"] = sitetime.today()
        if changes.get("letter_signed") is False and "signed_on" not in changes:
            changes["signed_on"] = None
        changed = [name for name in RENTAL_UPDATABLE if name in changes and changes[name] != getattr(self, name)]
        if not changed:
            return False
        replace(self, **{name: changes[name] for name in changed})._check()
        for name in changed:
            setattr(self, name, changes[name])
        self._updated(changed)
        return True

    def add_tenant(self, resident_id, since):
        if resident_id in self.tenants:
            raise TenantConflict(f"resident {resident_id} already rents {self.id}")
        self.tenants[resident_id] = since
        self._updated(["tenants"])

    def remove_tenant(self, resident_id):
        if resident_id not in self.tenants:
            raise TenantConflict(f"resident {resident_id} is not a tenant of {self.id}")
        del self.tenants[resident_id]
        self._updated(["tenants"])

    def inspect(self, score, on):
        if not 0 <= score <= TOP_SCORE:
            raise FieldInvalid("score", f"must be 0 to {TOP_SCORE}")
        if self.inspected_on and on < self.inspected_on:
            raise FieldInvalid("inspected_on", f"must not be before the last inspection ({self.inspected_on})")
        self.inspection_score, self.inspected_on = score, on
        self._updated(["inspected_on", "inspection_score"])
