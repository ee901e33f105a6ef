"""The repository of rental housing and its tenants."""

from sqlalchemy import delete, insert, select, update

from safecommunity.errors import NotFound

from ..housing import Rental
from ..tables import (
    rental_tenants,
    rentals,
)
from .base import Repository, matches


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

    def rented_by(self, resident_id):
        """The rentals the resident is a tenant of now."""
        return self._load(select(rentals).where(rentals.c.id.in_(
            select(rental_tenants.c.rental_id).where(rental_tenants.c.resident_id == resident_id)))
            .order_by(rentals.c.id))

    def search(self, query, limit, offset):
        statement = select(rentals)
        for name in ("grid_code", "group_rental", "letter_signed"):
            if query.get(name) is not None:
                statement = statement.where(matches(getattr(rentals.c, name), query[name]))
        return self._load(statement.order_by(rentals.c.id).limit(limit).offset(offset))
