"""Steps for rental housing and tenants, compounds, buildings and households."""
from safecommunity.errors import FieldInvalid

from ..buildings import Building, Compound, Household, compound_code_for
from ..housing import Rental
from ..schemas import BuildingSchema, CompoundSchema, HouseholdSchema, RentalSchema
from ..views import PII, audited, household_view, rental_view
from .common import saved


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
    """Households with their building's address; where they are is masked without the PII scope."""
    addresses = store.buildings.addresses(h.building_id for h in found)
    views = [household_view(household, addresses.get(household.building_id), caller.scopes) for household in found]
    store.audit.record(caller.subject, "household", audited(views))
    store.commit()
    return HouseholdSchema(many=True).dump([view for view, _ in views])


def search_households(store, caller, query, limit, offset):
    if query.get("building_id"):  # who lives in a building is where they live: personal data
        caller.require(PII)
    return show_households(store, caller, store.households.search(query, limit, offset))


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
