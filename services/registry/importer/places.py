"""Importing units and facilities."""
import copy

from marshmallow import ValidationError

from ..domain import Facility, Unit
from .base import Importer
from .row_schemas import FacilityRowSchema, UnitRowSchema


class UnitImporter(Importer):
    kind, schema_class, key = "units", UnitRowSchema, "credit_code"

    def __init__(self, store, scopes=None):
        super().__init__(store, scopes)
        self.types = {t["code"] for t in store.taxonomy.unit_types()}

    def prepare(self, row, raw):
        self._reference_grid(row)
        if row["type"] not in self.types:
            raise ValidationError({"type": [f"no unit type {row['type']}"]})
        return row

    def existing(self, rows):
        return self.store.units.by_credit_codes({row["credit_code"] for row in rows})

    def apply(self, unit, row):
        if unit is None:
            return "created", Unit.register(**row)
        changed = copy.deepcopy(unit)
        fields = {k: v for k, v in row.items() if k != "registered_on"}
        return ("updated", changed) if changed.update(**fields) else ("unchanged", unit)

    def save(self, unit):
        self.store.units.save(unit)

    def add_many(self, found):
        self.store.units.add_many(found)


class FacilityImporter(Importer):
    kind, schema_class, key = "facilities", FacilityRowSchema, "code"

    def prepare(self, row, raw):
        self._reference_grid(row)
        return row

    def resolve(self, valid, report):
        units = self.store.units.by_credit_codes({row["unit_credit_code"] for _, row in valid
                                                  if row.get("unit_credit_code")})
        resolved = []
        for number, row in valid:
            credit_code = row.pop("unit_credit_code", None)
            if credit_code and credit_code not in units:
                report.reject(number, {"unit_credit_code": [f"no unit with credit code {credit_code}"]})
                continue
            if credit_code:
                row["unit_id"] = units[credit_code].id
            resolved.append((number, row))
        return resolved

    def existing(self, rows):
        return self.store.facilities.by_codes({row["code"] for row in rows})

    def apply(self, facility, row):
        if facility is None:
            return "created", Facility.register(**row)
        changed = copy.deepcopy(facility)
        fields = {k: v for k, v in row.items() if k not in ("registered_on", "last_inspected_on", "code")}
        return ("updated", changed) if changed.update(**fields) else ("unchanged", facility)

    def save(self, facility):
        self.store.facilities.save(facility)

    def add_many(self, found):
        self.store.facilities.add_many(found)
