"""Steps for units and facilities (and the facility types)."""
from safecommunity.errors import FieldInvalid

from ..domain import Facility, Unit
from ..schemas import FacilitySchema, UnitSchema
from ..taxonomy import FACILITY_TYPES
from ..views import audited, unit_view
from .common import saved


def show_units(store, caller, found):
    views = [unit_view(unit, caller.scopes) for unit in found]
    store.audit.record(caller.subject, "unit", audited(views))
    store.commit()
    return UnitSchema(many=True).dump([view for view, _ in views])


def show_facilities(found):
    return FacilitySchema(many=True).dump(found)


def check_unit_references(store, command):
    if "grid_code" in command:
        store.grids.referenced_by("grid_code", command["grid_code"])
    if "type" in command and command["type"] not in {t["code"] for t in store.taxonomy.unit_types()}:
        raise FieldInvalid("type", f"no unit type {command['type']}")


def register_unit(store, command):
    check_unit_references(store, command)
    unit = Unit.register(**command)
    store.units.add(unit)
    store.commit()
    return unit


def update_unit(store, unit_id, changes):
    unit = store.units.get(unit_id)
    check_unit_references(store, changes)
    if unit.update(**changes):
        store.units.save(unit)
        store.commit()
    return unit


def grade_unit(store, unit_id, command):
    unit = store.units.get(unit_id)
    if unit.grade_risk(command["risk_grade"], command["graded_on"]):
        store.units.save(unit)
        store.commit()
    return unit


def register_facility(store, command):
    store.grids.referenced_by("grid_code", command["grid_code"])
    if command.get("unit_id") and not store.units.exists(command["unit_id"]):
        raise FieldInvalid("unit_id", f"no unit {command['unit_id']}")
    facility = Facility.register(**command)
    store.facilities.add(facility)
    store.commit()
    return facility


def inspect_facility(store, facility_id, command):
    facility = store.facilities.get(facility_id)
    facility.inspect(command["inspected_on"], command["status"])
    return saved(store, store.facilities, facility)


def facility_types():
    return [{"code": code, "inspect_every_days": days} for code, days in sorted(FACILITY_TYPES.items())]


def update_facility(store, facility_id, changes):
    facility = store.facilities.get(facility_id)
    if "grid_code" in changes:
        store.grids.referenced_by("grid_code", changes["grid_code"])
    if changes.get("unit_id") and not store.units.exists(changes["unit_id"]):
        raise FieldInvalid("unit_id", f"no unit {changes['unit_id']}")
    if facility.update(**changes):
        store.facilities.save(facility)
        store.commit()
    return facility
