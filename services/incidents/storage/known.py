"""This service's own views of registry's grids and units (known_grids, known_units)."""
from sqlalchemy import insert, or_, select, update

from safecommunity.database import as_utc

from .base import _row
from .tables import UNIT_COLUMNS, known_grids, known_units


class GridRepository:
    def __init__(self, uow):
        self.uow = uow

    def add_many(self, grids):
        codes = self.known({grid["code"] for grid in grids})
        fresh = {grid["code"]: grid for grid in grids if grid["code"] not in codes}
        if fresh:
            self.uow.session.execute(insert(known_grids), [
                {"code": g["code"], "name": g["name"], "level": g["level"]} for g in fresh.values()])

    def known(self, codes):
        if not codes:
            return set()
        return set(self.uow.session.scalars(select(known_grids.c.code).where(known_grids.c.code.in_(codes))))

    def list(self):
        rows = self.uow.session.execute(select(known_grids).order_by(known_grids.c.code)).all()
        return [dict(row._mapping) for row in rows]


class UnitRepository:
    def __init__(self, uow):
        self.uow = uow

    def apply(self, units):
        """Units as registry last told (each a dict with `as_of`, its event's time): the newest wins,
        so an older event arriving late (a replayed dead letter) changes nothing. A credit code now
        held by one unit is taken off any other (registry keeps them unique)."""
        session = self.uow.session
        ids = {unit["unit_id"] for unit in units}
        seen = dict(session.execute(select(known_units.c.unit_id, known_units.c.as_of)
                                    .where(known_units.c.unit_id.in_(ids))).all()) if ids else {}
        for unit in sorted(units, key=lambda u: u["as_of"]):
            row = {name: unit.get(name) for name in UNIT_COLUMNS}
            before = seen.get(row["unit_id"])
            if before is not None and as_utc(before) > row["as_of"]:
                continue
            if row["credit_code"]:
                session.execute(update(known_units).where(known_units.c.credit_code == row["credit_code"],
                                                          known_units.c.unit_id != row["unit_id"])
                                .values(credit_code=None))
            if before is None:
                session.execute(insert(known_units), row)
            else:
                session.execute(update(known_units).where(known_units.c.unit_id == row["unit_id"]).values(**row))
            seen[row["unit_id"]] = row["as_of"]

    def find(self, unit_ids, credit_codes):
        """The known units with any of these ids or credit codes."""
        if not unit_ids and not credit_codes:
            return []
        query = select(known_units).where(or_(known_units.c.unit_id.in_(unit_ids),
                                              known_units.c.credit_code.in_(credit_codes)))
        return [_row(row) for row in self.uow.session.execute(query).all()]

    def list(self, limit, offset):
        query = select(known_units).order_by(known_units.c.name, known_units.c.unit_id).limit(limit).offset(offset)
        return [_row(row) for row in self.uow.session.execute(query).all()]
