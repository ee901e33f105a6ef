"""Notifications' view of the registry: grids and their parents, departments, people in roles, and
which unit a hazard was reported against. Kept from events (tolerant: a replay overwrites)."""
from datetime import date

from sqlalchemy import delete, insert, select, update

from ..recipients import Holder
from .tables import departments, grids, hazard_units, role_holders


def day(text):
    return None if text is None else date.fromisoformat(text)


class Directory:
    """recipients.Directory over the database, with the grid parents read once per unit of work."""

    def __init__(self, uow):
        self.uow = uow
        self._parents = None

    @property
    def session(self):
        return self.uow.session

    # -- kept from events --------------------------------------------------------------------------
    def grid_created(self, data):
        self._upsert(grids, grids.c.code, data["code"], name=data["name"], level=data["level"],
                     parent_code=data.get("parent_code"))
        self._parents = None

    def department_registered(self, data):
        self._upsert(departments, departments.c.code, data["code"], name=data["name"], kind=data["kind"])

    def assignment_changed(self, data):
        self._upsert(role_holders, role_holders.c.assignment_id, data["assignment_id"],
                     person_key=data["person_key"], role=data["role"], grid_code=data.get("grid_code"),
                     department_code=data.get("department_code"), term_from=day(data["term_from"]),
                     term_to=day(data.get("term_to")))

    def hazard_reported(self, data):
        if data.get("unit_id"):
            self.session.execute(delete(hazard_units).where(hazard_units.c.hazard_id == data["hazard_id"]))
            self.session.execute(insert(hazard_units).values(hazard_id=data["hazard_id"], unit_id=data["unit_id"]))

    def _upsert(self, table, key_column, key, **values):
        changed = self.session.execute(update(table).where(key_column == key).values(**values)).rowcount
        if not changed:
            self.session.execute(insert(table).values({key_column.name: key, **values}))

    # -- read by recipients.py ---------------------------------------------------------------------
    def parent_of(self, grid_code):
        if self._parents is None:
            self._parents = dict(self.session.execute(select(grids.c.code, grids.c.parent_code)).all())
        return self._parents.get(grid_code)

    def holders(self, role, grid_code=None):
        query = select(role_holders).where(role_holders.c.role == role)
        if grid_code is not None:
            query = query.where(role_holders.c.grid_code == grid_code)
        return [Holder(**row._mapping) for row in self.session.execute(query.order_by(role_holders.c.assignment_id))]

    def departments_of_kind(self, kind):
        return list(self.session.scalars(select(departments.c.code).where(departments.c.kind == kind)
                                         .order_by(departments.c.code)))

    def unit_of_hazard(self, hazard_id):
        return hazard_id and self.session.scalar(select(hazard_units.c.unit_id)
                                                 .where(hazard_units.c.hazard_id == hazard_id))

    def grid_names(self, codes):
        """code -> name of those of the grids known here."""
        return dict(self.session.execute(select(grids.c.code, grids.c.name).where(grids.c.code.in_(set(codes)))).all())

    def names(self, payload):
        """(kind, name) pairs of the grid and department the payload names, for the templates."""
        found = []
        if payload.get("grid_code"):
            name = self.session.scalar(select(grids.c.name).where(grids.c.code == payload["grid_code"]))
            found += [("grid", name)] if name else []
        if payload.get("to_department"):
            name = self.session.scalar(select(departments.c.name).where(departments.c.code == payload["to_department"]))
            found += [("department", name)] if name else []
        return tuple(found)
