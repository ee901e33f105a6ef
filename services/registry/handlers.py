"""What the entrypoints do between loading a request and answering it: the steps that need the
store, the caller and the domain together (reads that mask and audit, writes that check scopes)."""
from datetime import date

from safecommunity.errors import FieldInvalid

from .domain import Facility, Resident, Unit
from .schemas import FacilitySchema, ResidentSchema, UnitSchema
from .taxonomy import FACILITY_TYPES
from .views import PII, audited, resident_view, unit_view

READ, WRITE, ADMIN, AUDIT = "registry:read", "registry:write", "registry:admin", "registry:audit"


def show_residents(store, caller, found):
    """Residents as the caller may see them; what was revealed is audited and committed first."""
    tag_types = store.taxonomy.tag_types()
    views = [resident_view(resident, caller.scopes, tag_types) for resident in found]
    store.audit.record(caller.subject, "resident", audited(views))
    store.commit()  # no personal data leaves before its audit row is stored
    return ResidentSchema(many=True).dump([view for view, _ in views])


def show_units(store, caller, found):
    views = [unit_view(unit, caller.scopes) for unit in found]
    store.audit.record(caller.subject, "unit", audited(views))
    store.commit()
    return UnitSchema(many=True).dump([view for view, _ in views])


def show_facilities(found):
    return FacilitySchema(many=True).dump(found)


def tags_for(store, caller, requested):
    """[(TagType, attributes)] for the tags a request gives; a sensitive one needs its scope."""
    chosen = []
    for index, item in enumerate(requested):
        tag_type = store.taxonomy.tag_type(f"tags.{index}.tag", item["tag"])
        require_tag_scope(caller, tag_type)
        chosen.append((tag_type, item["attributes"]))
    return chosen


def require_tag_scope(caller, tag_type):
    if not tag_type.visible_to(caller.scopes):
        caller.require(f"registry:sensitive:{tag_type.code}")


def register_resident(store, caller, command):
    grid = store.grids.referenced_by("grid_code", command.pop("grid_code"))
    tags = tags_for(store, caller, command.pop("tags"))
    resident = Resident.register(**command, grid=grid, tags=tags)
    store.residents.add(resident)
    store.commit()
    return resident


def update_resident(store, caller, resident_id, changes):
    resident = store.residents.get(resident_id)
    if "grid_code" in changes:
        store.grids.referenced_by("grid_code", changes["grid_code"])
    if resident.update(**changes):
        store.residents.save(resident)
        store.commit()
    return resident


def tag_resident(store, caller, resident_id, command):
    resident = store.residents.get(resident_id)
    tag_type = store.taxonomy.tag_type("tag", command["tag"])
    require_tag_scope(caller, tag_type)
    resident.tag(tag_type, command["attributes"], command["tagged_on"] or date.today())
    store.residents.save(resident)
    store.commit()
    return resident


def untag_resident(store, caller, resident_id, code):
    resident = store.residents.get(resident_id)
    require_tag_scope(caller, store.taxonomy.tag_type("tag", code))
    resident.untag(code, date.today())
    store.residents.save(resident)
    store.commit()
    return resident


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
    store.facilities.save(facility)
    store.commit()
    return facility


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


def search_residents(store, caller, query, limit, offset):
    if query.get("tag"):
        require_tag_scope(caller, store.taxonomy.tag_type("tag", query["tag"]))
    if query.get("id_number"):  # looking someone up by ID number is itself a use of personal data
        caller.require(PII)
        query["id_number_hash"] = store.protector.digest(query.pop("id_number"))
    return show_residents(store, caller, store.residents.search(query, limit, offset))
