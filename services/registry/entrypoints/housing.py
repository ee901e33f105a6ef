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
    @http("POST", "/api/registry/rentals", scope=WRITE)
    def register_rental(self, request):
        rental = do.register_rental(self.store, RegisterRentalSchema().load(read_json(request)))
        return 201, do.show_rentals(self.store, self.caller, [rental])[0]

    @http("GET", "/api/registry/rentals", scope=READ)
    def list_rentals(self, request):
        query = do.within_grid(self.store, RentalQuerySchema().load(request.args))
        limit, offset = paging(request)
        found = self.store.rentals.search(query, limit, offset)
        return {"limit": limit, "offset": offset, "rentals": do.show_rentals(self.store, self.caller, found)}

    @http("GET", "/api/registry/rentals/<rental_id>", scope=READ)
    def show_rental(self, request, rental_id):
        return do.show_rentals(self.store, self.caller, [self.store.rentals.get(rental_id)])[0]

    @http("PATCH", "/api/registry/rentals/<rental_id>", scope=WRITE)
    def update_rental(self, request, rental_id):
        rental = do.update_rental(self.store, rental_id, RentalFieldsSchema().load(read_json(request)))
        return do.show_rentals(self.store, self.caller, [rental])[0]

    @http("POST", "/api/registry/rentals/<rental_id>/tenants", scope=WRITE)
    def add_tenant(self, request, rental_id):
        rental = do.add_tenant(self.store, rental_id, TenantInputSchema().load(read_json(request)))
        return do.show_rentals(self.store, self.caller, [rental])[0]

    @http("DELETE", "/api/registry/rentals/<rental_id>/tenants/<resident_id>", scope=WRITE)
    def remove_tenant(self, request, rental_id, resident_id):
        rental = do.remove_tenant(self.store, rental_id, resident_id)
        return do.show_rentals(self.store, self.caller, [rental])[0]

    @http("POST", "/api/registry/rentals/<rental_id>/inspections", scope=WRITE)
    def inspect_rental(self, request, rental_id):
        rental = do.inspect_rental(self.store, rental_id, InspectRentalSchema().load(read_json(request)))
        return do.show_rentals(self.store, self.caller, [rental])[0]

    @http("POST", "/api/registry/compounds", scope=WRITE)
    def register_compound(self, request):
        compound = do.register_compound(self.store, RegisterCompoundSchema().load(read_json(request)))
        return 201, do.show_compounds([compound])[0]

    @http("GET", "/api/registry/compounds", scope=READ)
    def list_compounds(self, request):
        query = do.within_grid(self.store, CompoundQuerySchema().load(request.args))
        limit, offset = paging(request)
        found = self.store.compounds.search(query, limit, offset)
        return {"limit": limit, "offset": offset, "compounds": do.show_compounds(found)}

    @http("GET", "/api/registry/compounds/<code>", scope=READ)
    def show_compound(self, request, code):
        return do.show_compounds([self.store.compounds.get(code)])[0]

    @http("POST", "/api/registry/buildings", scope=WRITE)
    def register_building(self, request):
        building = do.register_building(self.store, RegisterBuildingSchema().load(read_json(request)))
        return 201, do.show_buildings(self.store, [building])[0]

    @http("GET", "/api/registry/buildings", scope=READ)
    def list_buildings(self, request):
        query = do.within_grid(self.store, BuildingQuerySchema().load(request.args))
        limit, offset = paging(request)
        found = self.store.buildings.search(query, limit, offset)
        return {"limit": limit, "offset": offset, "buildings": do.show_buildings(self.store, found)}

    @http("GET", "/api/registry/buildings/<building_id>", scope=READ)
    def show_building(self, request, building_id):
        return do.show_buildings(self.store, [self.store.buildings.get(building_id)])[0]

    @http("PATCH", "/api/registry/buildings/<building_id>", scope=WRITE)
    def update_building(self, request, building_id):
        changes = BuildingFieldsSchema().load(read_json(request))
        return do.show_buildings(self.store, [do.update_building(self.store, building_id, changes)])[0]

    @http("POST", "/api/registry/households", scope=WRITE)
    def register_household(self, request):
        household = do.register_household(self.store, RegisterHouseholdSchema().load(read_json(request)))
        return 201, do.show_households(self.store, self.caller, [household])[0]

    @http("GET", "/api/registry/households", scope=READ)
    def list_households(self, request):
        query = HouseholdQuerySchema().load(request.args)
        limit, offset = paging(request)
        found = do.search_households(self.store, self.caller, query, limit, offset)
        return {"limit": limit, "offset": offset, "households": found}

    @http("GET", "/api/registry/households/<household_id>", scope=READ)
    def show_household(self, request, household_id):
        return do.show_households(self.store, self.caller, [self.store.households.get(household_id)])[0]

    @http("POST", "/api/registry/households/<household_id>/members", scope=WRITE)
    def add_household_member(self, request, household_id):
        command = HouseholdMemberInputSchema().load(read_json(request))
        household = do.add_household_member(self.store, household_id, command)
        return do.show_households(self.store, self.caller, [household])[0]

    @http("DELETE", "/api/registry/households/<household_id>/members/<resident_id>", scope=WRITE)
    def remove_household_member(self, request, household_id, resident_id):
        household = do.remove_household_member(self.store, household_id, resident_id)
        return do.show_households(self.store, self.caller, [household])[0]
