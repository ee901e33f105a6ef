"""What the entrypoints do between loading a request and answering it: the steps that need the
store, the caller and the domain together (reads that mask and audit, writes that check scopes)."""
from datetime import date

from safecommunity.errors import FieldInvalid

from .buildings import Building, Compound, Household, compound_code_for
from .domain import Facility, Resident, Unit
from .housing import Rental
from .offices import Assignment
from .schemas import (
    AssignmentSchema,
    BuildingSchema,
    CompoundSchema,
    FacilitySchema,
    HouseholdSchema,
    RentalSchema,
    ResidentSchema,
    TeamSchema,
    UnitSchema,
    VolunteerSchema,
)
from .taxonomy import FACILITY_TYPES
from .views import (
    PII,
    assignment_view,
    audited,
    household_view,
    rental_view,
    resident_view,
    team_view,
    unit_view,
    volunteer_view,
)
from .volunteers import Team, Volunteer

READ, WRITE, ADMIN, AUDIT = "registry:read", "registry:write", "registry:admin", "registry:audit"



def saved(store, repository, aggregate):
    """Store a changed aggregate, with the events it recorded, and hand it back."""
    repository.save(aggregate)
    store.commit()
    return aggregate

def within_grid(store, query):
    """A query by grid covers every grid below it (a street's code finds its communities' and
    grids' records): the codes are resolved once per request, then matched on the indexed column."""
    if query.get("grid_code"):
        query["grid_code"] = store.grids.descendants(query["grid_code"])
    return query


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


def move_out_resident(store, resident_id, command):
    """A resident who moves out is taken off what only a resident is on, in the same commit: their
    tenancies and household membership end, an active volunteer record ends (with its pairings and
    teams), and pairings that serve them end. A volunteer record or pairing begun after the day
    given ends the day it began (it cannot end earlier)."""
    resident = store.residents.get(resident_id)
    on = command["moved_out_on"]
    resident.move_out(on)
    store.residents.save(resident)
    for rental in store.rentals.rented_by(resident.id):
        rental.remove_tenant(resident.id)
        store.rentals.save(rental)
    if (household_id := store.households.household_of(resident.id)) is not None:
        household = store.households.get(household_id)
        household.remove_member(resident.id)
        store.households.save(household)
    if (volunteer := store.volunteers.active_for(resident.id)) is not None:
        volunteer.leave(max(on, volunteer.registered_on))
        store.volunteers.save(volunteer)
        store.teams.drop_volunteer(volunteer.id)
    for volunteer in store.volunteers.serving(resident.id):
        pairing = next(p for p in volunteer.current_pairings() if p.resident_id == resident.id)
        volunteer.unpair(resident.id, max(on, pairing.since))
        store.volunteers.save(volunteer)
    store.commit()
    return resident


def tag_resident(store, caller, resident_id, command):
    resident = store.residents.get(resident_id)
    tag_type = store.taxonomy.tag_type("tag", command["tag"])
    require_tag_scope(caller, tag_type)
    resident.tag(tag_type, command["attributes"], command["tagged_on"] or date.today())
    return saved(store, store.residents, resident)


def untag_resident(store, caller, resident_id, code):
    resident = store.residents.get(resident_id)
    require_tag_scope(caller, store.taxonomy.tag_type("tag", code))
    resident.untag(code, date.today())
    return saved(store, store.residents, resident)


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


def search_residents(store, caller, query, limit, offset):
    if query.get("tag"):
        require_tag_scope(caller, store.taxonomy.tag_type("tag", query["tag"]))
    if query.get("id_number"):  # looking someone up by ID number is itself a use of personal data
        caller.require(PII)
        query["id_number_hash"] = store.protector.digest(query.pop("id_number"))
    return show_residents(store, caller, store.residents.search(query, limit, offset))


# -- rental housing -----------------------------------------------------------------------------

def show_rentals(store, caller, found):
    views = [rental_view(rental, caller.scopes) for rental in found]
    store.audit.record(caller.subject, "rental", audited(views))
    store.commit()
    return RentalSchema(many=True).dump([view for view, _ in views])


def check_rental_references(store, command):
    if "grid_code" in command:
        store.grids.referenced_by("grid_code", command["grid_code"])
    if command.get("landlord_resident_id"):
        store.residents.referenced_by("landlord_resident_id", command["landlord_resident_id"])
    tenants = command.get("tenants", [])
    for index, resident_id in enumerate(tenants):
        store.residents.referenced_by(f"tenants.{index}", resident_id)
        if resident_id in tenants[:index]:
            raise FieldInvalid(f"tenants.{index}", f"resident {resident_id} is listed twice")


def register_rental(store, command):
    check_rental_references(store, command)
    rental = Rental.register(**command)
    store.rentals.add(rental)
    store.commit()
    return rental


def update_rental(store, rental_id, changes):
    rental = store.rentals.get(rental_id)
    check_rental_references(store, changes)
    if rental.update(**changes):
        store.rentals.save(rental)
        store.commit()
    return rental


def add_tenant(store, rental_id, command):
    rental = store.rentals.get(rental_id)
    store.residents.referenced_by("resident_id", command["resident_id"])
    rental.add_tenant(command["resident_id"], command["since"])
    return saved(store, store.rentals, rental)


def remove_tenant(store, rental_id, resident_id):
    rental = store.rentals.get(rental_id)
    rental.remove_tenant(resident_id)
    return saved(store, store.rentals, rental)


def inspect_rental(store, rental_id, command):
    rental = store.rentals.get(rental_id)
    rental.inspect(command["score"], command["inspected_on"])
    return saved(store, store.rentals, rental)


# -- volunteers and teams -----------------------------------------------------------------------

def show_volunteers(store, caller, found):
    views = [volunteer_view(volunteer, caller.scopes) for volunteer in found]
    store.audit.record(caller.subject, "volunteer", audited(views))
    store.commit()
    return VolunteerSchema(many=True).dump([view for view, _ in views])


def register_volunteer(store, command):
    person = store.residents.referenced_by("resident_id", command["resident_id"])
    volunteer = Volunteer.register(**command, grid_code=person.grid_code)
    store.volunteers.add(volunteer)
    store.commit()
    return volunteer


def update_volunteer(store, volunteer_id, changes):
    volunteer = store.volunteers.get(volunteer_id)
    if volunteer.update(**changes):
        store.volunteers.save(volunteer)
        store.commit()
    return volunteer


def volunteer_leaves(store, volunteer_id, command):
    volunteer = store.volunteers.get(volunteer_id)
    volunteer.leave(command["left_on"])
    store.volunteers.save(volunteer)
    store.teams.drop_volunteer(volunteer.id)
    store.commit()
    return volunteer


def pair_volunteer(store, volunteer_id, command):
    volunteer = store.volunteers.get(volunteer_id)
    store.residents.referenced_by("resident_id", command["resident_id"])
    served = store.residents.get(command["resident_id"])
    volunteer.pair(served.id, served.tags, command["since"])
    return saved(store, store.volunteers, volunteer)


def unpair_volunteer(store, volunteer_id, resident_id):
    volunteer = store.volunteers.get(volunteer_id)
    volunteer.unpair(resident_id, date.today())
    return saved(store, store.volunteers, volunteer)


def show_teams(found):
    return TeamSchema(many=True).dump([team_view(team) for team in found])


def form_team(store, command):
    if command["grid_code"]:
        store.grids.referenced_by("grid_code", command["grid_code"])
    if command["unit_id"] and not store.units.exists(command["unit_id"]):
        raise FieldInvalid("unit_id", f"no unit {command['unit_id']}")
    members = command["members"]
    for index, volunteer_id in enumerate(members):
        store.volunteers.referenced_by(f"members.{index}", volunteer_id)
        if volunteer_id in members[:index]:
            raise FieldInvalid(f"members.{index}", f"volunteer {volunteer_id} is listed twice")
    team = Team.form(**command)
    store.teams.add(team)
    store.commit()
    return team


def join_team(store, team_id, command):
    team = store.teams.get(team_id)
    store.volunteers.referenced_by("volunteer_id", command["volunteer_id"])
    team.join(command["volunteer_id"], command["since"])
    return saved(store, store.teams, team)


def leave_team(store, team_id, volunteer_id):
    team = store.teams.get(team_id)
    team.drop(volunteer_id)
    return saved(store, store.teams, team)


# -- people in roles ----------------------------------------------------------------------------

def show_assignments(store, caller, found):
    views = [assignment_view(assignment, caller.scopes) for assignment in found]
    store.audit.record(caller.subject, "assignment", audited(views))
    store.commit()
    return AssignmentSchema(many=True).dump([view for view, _ in views])


def appoint(store, command):
    if command["grid_code"]:
        store.grids.referenced_by("grid_code", command["grid_code"])
    if command["department_code"]:
        store.departments.referenced_by("department_code", command["department_code"])
    if command["resident_id"]:
        store.residents.referenced_by("resident_id", command["resident_id"])
    assignment = Assignment.appoint(**command)
    store.assignments.add(assignment)
    store.commit()
    return assignment


def end_term(store, assignment_id, command):
    assignment = store.assignments.get(assignment_id)
    assignment.end(command["ended_on"])
    return saved(store, store.assignments, assignment)


def grid_people(store, caller, code, limit, offset):
    """Who holds a role on the grid today (its responsible persons)."""
    store.grids.get(code)
    found = store.assignments.search({"grid_code": code, "active_on": date.today()}, limit, offset)
    return show_assignments(store, caller, found)


# -- buildings and households -------------------------------------------------------------------

def show_compounds(found):
    return CompoundSchema(many=True).dump(found)


def register_compound(store, command):
    store.grids.referenced_by("grid_code", command["grid_code"])
    compound = Compound.register(**command)
    store.compounds.add(compound)
    store.commit()
    return compound


def show_buildings(store, found):
    """Buildings with their compound's code and, as before compounds had codes, its name."""
    names = store.compounds.names(b.compound_code for b in found)
    return BuildingSchema(many=True).dump([{**vars(b), "compound": names.get(b.compound_code)} for b in found])


def resolve_compound(store, command, grid_code):
    """Turn a compound's name (what clients sent before compounds had codes) into compound_code:
    the grid's compound of that name, made if there is none, as the 0005 migration did."""
    if "compound" in command and "compound_code" in command:
        raise FieldInvalid("compound", "give compound_code or compound (a name), not both")
    if "compound" not in command:
        return
    name = command.pop("compound")
    if name is None:
        command["compound_code"] = None
        return
    compound = store.compounds.named(grid_code, name)
    if compound is None:
        compound = Compound.register(code=compound_code_for(grid_code, name), name=name, grid_code=grid_code)
        store.compounds.add(compound)
    command["compound_code"] = compound.code


def check_compound(store, compound_code, grid_code):
    """A building in a compound stands in the compound's grid or in a grid below it."""
    if compound_code is None:
        return
    compound = store.compounds.referenced_by("compound_code", compound_code)
    if grid_code not in store.grids.descendants(compound.grid_code):
        raise FieldInvalid("grid_code", f"is not in compound {compound_code}'s grid {compound.grid_code}")


def register_building(store, command):
    store.grids.referenced_by("grid_code", command["grid_code"])
    resolve_compound(store, command, command["grid_code"])
    check_compound(store, command.get("compound_code"), command["grid_code"])
    building = Building.register(**command)
    store.buildings.add(building)
    store.commit()
    return building


def update_building(store, building_id, changes):
    building = store.buildings.get(building_id)
    if "grid_code" in changes:
        store.grids.referenced_by("grid_code", changes["grid_code"])
    grid_code = changes.get("grid_code", building.grid_code)
    resolve_compound(store, changes, grid_code)
    check_compound(store, changes.get("compound_code", building.compound_code), grid_code)
    if building.update(**changes):
        store.buildings.save(building)
    store.commit()  # also a compound made from a name
    return building


def show_households(store, caller, found):
    views = [household_view(household, caller.scopes) for household in found]
    store.audit.record(caller.subject, "household", audited(views))
    store.commit()
    return HouseholdSchema(many=True).dump([view for view, _ in views])


def check_household_member(store, field, resident_id):
    store.residents.referenced_by(field, resident_id)
    if (elsewhere := store.households.household_of(resident_id)) is not None:
        raise FieldInvalid(field, f"resident {resident_id} already lives in household {elsewhere}")


def register_household(store, command):
    store.buildings.referenced_by("building_id", command["building_id"])
    members = command["members"]
    for index, resident_id in enumerate(members):
        check_household_member(store, f"members.{index}", resident_id)
        if resident_id in members[:index]:
            raise FieldInvalid(f"members.{index}", f"resident {resident_id} is listed twice")
    household = Household.register(**command)
    store.households.add(household)
    store.commit()
    return household


def add_household_member(store, household_id, command):
    household = store.households.get(household_id)
    if command["resident_id"] not in household.members:  # already here is the domain's 409
        check_household_member(store, "resident_id", command["resident_id"])
    household.add_member(command["resident_id"], command["since"])
    return saved(store, store.households, household)


def remove_household_member(store, household_id, resident_id):
    household = store.households.get(household_id)
    household.remove_member(resident_id)
    return saved(store, store.households, household)
