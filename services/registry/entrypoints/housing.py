"""Entrypoints for rental housing and tenants, compounds, buildings and households.

A mix-in of RegistryService (service.py), which gives it `store` and `caller`."""
from safecommunity.web import http, paging, read_json

from .. import handlers as do
from ..handlers import READ, WRITE
from ..schemas import (
    BuildingFieldsSchema,
    BuildingQuerySchema,
    CompoundQuerySchema,
    HouseholdMemberInputSchema,
    HouseholdQuerySchema,
    InspectRentalSchema,
    RegisterBuildingSchema,
    RegisterCompoundSchema,
    RegisterHouseholdSchema,
    RegisterRentalSchema,
    RentalFieldsSchema,
    RentalQuerySchema,
    TenantInputSchema,
)


class HousingEntrypoints:
    @http("POST", "/api/registry/rentals")
    def register_rental(self, request):
        self.caller.require(WRITE)
        rental = do.register_rental(self.store, RegisterRentalSchema().load(read_json(request)))
        return 201, do.show_rentals(self.store, self.caller, [rental])[0]

    @http("GET", "/api/registry/rentals")
    def list_rentals(self, request):
        self.caller.require(READ)
        query = do.within_grid(self.store, RentalQuerySchema().load(request.args))
        limit, offset = paging(request)
        found = self.store.rentals.search(query, limit, offset)
        return {"limit": limit, "offset": offset, "rentals": do.show_rentals(self.store, self.caller, found)}

    @http("GET", "/api/registry/rentals/<rental_id>")
    def show_rental(self, request, rental_id):
        self.caller.require(READ)
        return do.show_rentals(self.store, self.caller, [self.store.rentals.get(rental_id)])[0]

    @http("PATCH", "/api/registry/rentals/<rental_id>")
    def update_rental(self, request, rental_id):
        self.caller.require(WRITE)
        rental = do.update_rental(self.store, rental_id, RentalFieldsSchema().load(read_json(request)))
        return do.show_rentals(self.store, self.caller, [rental])[0]

    @http("POST", "/api/registry/rentals/<rental_id>/tenants")
    def add_tenant(self, request, rental_id):
        self.caller.require(WRITE)
        rental = do.add_tenant(self.store, rental_id, TenantInputSchema().load(read_json(request)))
        return do.show_rentals(self.store, self.caller, [rental])[0]

    @http("DELETE", "/api/registry/rentals/<rental_id>/tenants/<resident_id>")
    def remove_tenant(self, request, rental_id, resident_id):
        self.caller.require(WRITE)
        rental = do.remove_tenant(self.store, rental_id, resident_id)
        return do.show_rentals(self.store, self.caller, [rental])[0]

    @http("POST", "/api/registry/rentals/<rental_id>/inspections")
    def inspect_rental(self, request, rental_id):
        self.caller.require(WRITE)
        rental = do.inspect_rental(self.store, rental_id, InspectRentalSchema().load(read_json(request)))
        return do.show_rentals(self.store, self.caller, [rental])[0]

    @http("POST", "/api/registry/compounds")
    def register_compound(self, request):
        self.caller.require(WRITE)
        compound = do.register_compound(self.store, RegisterCompoundSchema().load(read_json(request)))
        return 201, do.show_compounds([compound])[0]

    @http("GET", "/api/registry/compounds")
    def list_compounds(self, request):
        self.caller.require(READ)
        query = do.within_grid(self.store, CompoundQuerySchema().load(request.args))
        limit, offset = paging(request)
        found = self.store.compounds.search(query, limit, offset)
        return {"limit": limit, "offset": offset, "compounds": do.show_compounds(found)}

    @http("GET", "/api/registry/compounds/<code>")
    def show_compound(self, request, code):
        self.caller.require(READ)
        return do.show_compounds([self.store.compounds.get(code)])[0]

    @http("POST", "/api/registry/buildings")
    def register_building(self, request):
        self.caller.require(WRITE)
        building = do.register_building(self.store, RegisterBuildingSchema().load(read_json(request)))
        return 201, do.show_buildings(self.store, [building])[0]

    @http("GET", "/api/registry/buildings")
    def list_buildings(self, request):
        self.caller.require(READ)
        query = do.within_grid(self.store, BuildingQuerySchema().load(request.args))
        limit, offset = paging(request)
        found = self.store.buildings.search(query, limit, offset)
        return {"limit": limit, "offset": offset, "buildings": do.show_buildings(self.store, found)}

    @http("GET", "/api/registry/buildings/<building_id>")
    def show_building(self, request, building_id):
        self.caller.require(READ)
        return do.show_buildings(self.store, [self.store.buildings.get(building_id)])[0]

    @http("PATCH", "/api/registry/buildings/<building_id>")
    def update_building(self, request, building_id):
        self.caller.require(WRITE)
        changes = BuildingFieldsSchema().load(read_json(request))
        return do.show_buildings(self.store, [do.update_building(self.store, building_id, changes)])[0]

    @http("POST", "/api/registry/households")
    def register_household(self, request):
        self.caller.require(WRITE)
        household = do.register_household(self.store, RegisterHouseholdSchema().load(read_json(request)))
        return 201, do.show_households(self.store, self.caller, [household])[0]

    @http("GET", "/api/registry/households")
    def list_households(self, request):
        self.caller.require(READ)
        query = HouseholdQuerySchema().load(request.args)
        limit, offset = paging(request)
        found = do.show_households(self.store, self.caller, self.store.households.search(query, limit, offset))
        return {"limit": limit, "offset": offset, "households": found}

    @http("GET", "/api/registry/households/<household_id>")
    def show_household(self, request, household_id):
        self.caller.require(READ)
        return do.show_households(self.store, self.caller, [self.store.households.get(household_id)])[0]

    @http("POST", "/api/registry/households/<household_id>/members")
    def add_household_member(self, request, household_id):
        self.caller.require(WRITE)
        command = HouseholdMemberInputSchema().load(read_json(request))
        household = do.add_household_member(self.store, household_id, command)
        return do.show_households(self.store, self.caller, [household])[0]

    @http("DELETE", "/api/registry/households/<household_id>/members/<resident_id>")
    def remove_household_member(self, request, household_id, resident_id):
        self.caller.require(WRITE)
        household = do.remove_household_member(self.store, household_id, resident_id)
        return do.show_households(self.store, self.caller, [household])[0]
