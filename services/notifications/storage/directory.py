"""Notifications' view of the registry: grids and their parents, departments, people in roles, units'
types, and which unit a hazard was reported against. Kept from events (tolerant: a replay overwrites)."""
from datetime import date

from sqlalchemy import delete, insert, select, update

from ..recipients import Holder, grid_and_above
from .tables import departments, grids, hazard_units, role_holders, units

NAMED = (("grid", grids, "grid_code"), ("department", departments, "to_department"))  # kind, table, field
CHUNK = 500  # grids per query: well under SQLite's limit on bound parameters


def day(text):
    return None if text is None else date.fromisoformat(text)


class Directory:
    """recipients.Directory over the database, with the grid parents read once per unit of work."""

    def __init__(self, uow):
        self.uow = uow
        self._parents, self._holders, self._kinds, self._names, self._unit_types = None, {}, {}, {}, {}
        self._in_grid, self._grids_read = {}, set()  # (role, grid) -> holders, for the grids read so far

    @property
    def session(self):
        return self.uow.session

    # -- kept from events --------------------------------------------------------------------------
    def grid_created(self, data):
        self._upsert(grids, grids.c.code, data["code"], name=data["name"], level=data["level"],
                     parent_code=data.get("parent_code"))
        self._parents, self._names = None, {}

    def department_registered(self, data):
        self._upsert(departments, departments.c.code, data["code"], name=data["name"], kind=data["kind"])
        self._kinds, self._names = {}, {}

    def assignment_changed(self, data):
        self._upsert(role_holders, role_holders.c.assignment_id, data["assignment_id"],
                     person_key=data["person_key"], role=data["role"], grid_code=data.get("grid_code"),
                     department_code=data.get("department_code"), term_from=day(data["term_from"]),
                     term_to=day(data.get("term_to")))
        self._holders, self._in_grid, self._grids_read = {}, {}, set()

    def unit_changed(self, data):
        self._upsert(units, units.c.unit_id, data["unit_id"], type=data["type"], grid_code=data.get("grid_code"))
        self._unit_types.pop(data["unit_id"], None)

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
        """Those in the role in the grid (read_holders read them for a batch's grids), or in every
        grid and department (read once per role and unit of work)."""
        if grid_code is not None:
            self.read_holders([{"grid_code": grid_code}])  # nothing to read when the batch's were read
            return self._in_grid.get((role, grid_code), [])
        if role not in self._holders:
            query = select(role_holders).where(role_holders.c.role == role).order_by(role_holders.c.assignment_id)
            self._holders[role] = [Holder(**row._mapping) for row in self.session.execute(query)]
        return self._holders[role]

    def read_holders(self, payloads):
        """Read who holds which role in the grids the payloads name and every grid above them, in
        a query per 500 grids: a batch of hazards in forty grids reads those, not a district's
        thousand grid heads."""
        wanted = {grid for payload in payloads for code in [payload.get("grid_code"), *payload.get("grid_codes", ())]
                  for grid in grid_and_above(self, code)} - self._grids_read
        codes = sorted(wanted)
        for start in range(0, len(codes), CHUNK):
            query = (select(role_holders).where(role_holders.c.grid_code.in_(codes[start:start + CHUNK]))
                     .order_by(role_holders.c.assignment_id))
            for row in self.session.execute(query):
                self._in_grid.setdefault((row.role, row.grid_code), []).append(Holder(**row._mapping))
        self._grids_read |= wanted

    def departments_of_kind(self, kind):
        if kind not in self._kinds:
            self._kinds[kind] = list(self.session.scalars(select(departments.c.code).where(departments.c.kind == kind)
                                                          .order_by(departments.c.code)))
        return self._kinds[kind]

    def unit_of_hazard(self, hazard_id):
        return hazard_id and self.session.scalar(select(hazard_units.c.unit_id)
                                                 .where(hazard_units.c.hazard_id == hazard_id))

    def read_unit_types(self, payloads):
        """Read the types of the units the payloads name, in one query (fanout's unit_type filter)."""
        wanted = {payload["unit_id"] for payload in payloads if payload.get("unit_id")} - set(self._unit_types)
        if wanted:
            found = dict(self.session.execute(select(units.c.unit_id, units.c.type)
                                              .where(units.c.unit_id.in_(wanted))).all())
            self._unit_types.update({unit_id: found.get(unit_id) for unit_id in wanted})

    def unit_type(self, unit_id):
        """The unit's type (registry's code: school, market…), None for a unit not known here."""
        self.read_unit_types([{"unit_id": unit_id}])
        return self._unit_types[unit_id]

    def grid_names(self, codes):
        """code -> name of those of the grids known here."""
        return dict(self.session.execute(select(grids.c.code, grids.c.name).where(grids.c.code.in_(set(codes)))).all())

    def read_names(self, payloads):
        """Read the names of the grids and departments the payloads name, in a query each."""
        payloads = list(payloads)
        for kind, table, field in NAMED:
            codes = {payload[field] for payload in payloads
                     if payload.get(field) and (kind, payload[field]) not in self._names}  # not read yet
            if codes:
                query = select(table.c.code, table.c.name).where(table.c.code.in_(codes))
                found = dict(self.session.execute(query).all())
                self._names.update({(kind, code): found.get(code) for code in codes})

    def names(self, payload):
        """(kind, name) pairs of the grid and department the payload names, for the templates."""
        self.read_names([payload])  # nothing to read when the batch's were read already
        return tuple((kind, self._names[kind, payload[field]]) for kind, _, field in NAMED
                     if payload.get(field) and self._names[kind, payload[field]])
