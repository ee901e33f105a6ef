"""Registry: grids, residents and their group tags, units, facilities (entrypoints only).

Every entrypoint first checks the caller's scope; reads of personal or sensitive data are masked
or audited in handlers.py."""
from safecommunity.auth import Auth
from safecommunity.errors import FieldInvalid
from safecommunity.web import http, paging, read_json

from . import handlers as do
from .domain import Grid
from .handlers import ADMIN, AUDIT, READ, WRITE
from .importer import import_upload
from .offices import Department, roles
from .schemas import (
    AppointSchema,
    AssignmentQuerySchema,
    AuditQuerySchema,
    BuildingFieldsSchema,
    BuildingQuerySchema,
    CompoundQuerySchema,
    CreateGridSchema,
    DepartmentQuerySchema,
    DepartmentSchema,
    EndTermSchema,
    FacilityFieldsSchema,
    FacilityQuerySchema,
    FormTeamSchema,
    GradeRiskSchema,
    GridSchema,
    HouseholdMemberInputSchema,
    HouseholdQuerySchema,
    InspectFacilitySchema,
    InspectRentalSchema,
    LeaveSchema,
    MemberInputSchema,
    MoveOutSchema,
    PairInputSchema,
    RegisterBuildingSchema,
    RegisterCompoundSchema,
    RegisterFacilitySchema,
    RegisterHouseholdSchema,
    RegisterRentalSchema,
    RegisterResidentSchema,
    RegisterUnitSchema,
    RegisterVolunteerSchema,
    RentalFieldsSchema,
    RentalQuerySchema,
    ResidentFieldsSchema,
    ResidentQuerySchema,
    TagInputSchema,
    TagTypeSchema,
    TeamQuerySchema,
    TenantInputSchema,
    UnitFieldsSchema,
    UnitQuerySchema,
    UnitTypeSchema,
    VolunteerFieldsSchema,
    VolunteerQuerySchema,
)
from .storage import RegistryStore
from .taxonomy import TagType, check_attribute_specs


class RegistryService:
    name = "registry"
    store = RegistryStore()
    caller = Auth()

    @http("POST", "/api/registry/grids")
    def create_grid(self, request):
        self.caller.require(WRITE)
        command = CreateGridSchema().load(read_json(request))
        parent_code = command.pop("parent_code")
        parent = self.store.grids.referenced_by("parent_code", parent_code) if parent_code else None
        grid = Grid.create(**command, parent=parent)
        self.store.grids.add(grid)
        self.store.commit()
        return 201, GridSchema().dump(grid)

    @http("GET", "/api/registry/grids")
    def list_grids(self, request):
        self.caller.require(READ)
        return {"grids": GridSchema(many=True).dump(self.store.grids.list())}

    @http("GET", "/api/registry/grids/<code>")
    def show_grid(self, request, code):
        self.caller.require(READ)
        return GridSchema().dump(self.store.grids.get(code))

    @http("GET", "/api/registry/grids/<code>/people")
    def list_grid_people(self, request, code):
        self.caller.require(READ)
        limit, offset = paging(request)
        people = do.grid_people(self.store, self.caller, code, limit, offset)
        return {"limit": limit, "offset": offset, "assignments": people}

    # -- residents ------------------------------------------------------------------------------

    @http("POST", "/api/registry/residents")
    def register_resident(self, request):
        self.caller.require(WRITE)
        resident = do.register_resident(self.store, self.caller, RegisterResidentSchema().load(read_json(request)))
        return 201, do.show_residents(self.store, self.caller, [resident])[0]

    @http("GET", "/api/registry/residents")
    def list_residents(self, request):
        self.caller.require(READ)
        query = do.within_grid(self.store, ResidentQuerySchema().load(request.args))
        limit, offset = paging(request)
        found = do.search_residents(self.store, self.caller, query, limit, offset)
        return {"limit": limit, "offset": offset, "residents": found}

    @http("GET", "/api/registry/residents/<resident_id>")
    def show_resident(self, request, resident_id):
        self.caller.require(READ)
        return do.show_residents(self.store, self.caller, [self.store.residents.get(resident_id)])[0]

    @http("PATCH", "/api/registry/residents/<resident_id>")
    def update_resident(self, request, resident_id):
        self.caller.require(WRITE)
        changes = ResidentFieldsSchema().load(read_json(request))
        resident = do.update_resident(self.store, self.caller, resident_id, changes)
        return do.show_residents(self.store, self.caller, [resident])[0]

    @http("POST", "/api/registry/residents/<resident_id>/move-out")
    def move_out_resident(self, request, resident_id):
        self.caller.require(WRITE)
        resident = do.move_out_resident(self.store, resident_id, MoveOutSchema().load(read_json(request)))
        return do.show_residents(self.store, self.caller, [resident])[0]

    @http("POST", "/api/registry/residents/<resident_id>/tags")
    def tag_resident(self, request, resident_id):
        self.caller.require(WRITE)
        resident = do.tag_resident(self.store, self.caller, resident_id, TagInputSchema().load(read_json(request)))
        return do.show_residents(self.store, self.caller, [resident])[0]

    @http("DELETE", "/api/registry/residents/<resident_id>/tags/<code>")
    def untag_resident(self, request, resident_id, code):
        self.caller.require(WRITE)
        resident = do.untag_resident(self.store, self.caller, resident_id, code)
        return do.show_residents(self.store, self.caller, [resident])[0]

    # -- taxonomies -----------------------------------------------------------------------------

    @http("GET", "/api/registry/tag-types")
    def list_tag_types(self, request):
        self.caller.require(READ)
        return {"tag_types": [vars(t) for t in self.store.taxonomy.tag_types().values()]}

    @http("POST", "/api/registry/tag-types")
    def add_tag_type(self, request):
        self.caller.require(ADMIN)
        command = TagTypeSchema().load(read_json(request))
        if errors := check_attribute_specs(command["attributes"]):
            raise FieldInvalid("attributes", errors)
        self.store.taxonomy.add_tag_type(TagType(**command))
        self.store.commit()
        return 201, command

    @http("GET", "/api/registry/unit-types")
    def list_unit_types(self, request):
        self.caller.require(READ)
        return {"unit_types": self.store.taxonomy.unit_types()}

    @http("POST", "/api/registry/unit-types")
    def add_unit_type(self, request):
        self.caller.require(ADMIN)
        command = UnitTypeSchema().load(read_json(request))
        self.store.taxonomy.add_unit_type(command)
        self.store.commit()
        return 201, command

    @http("GET", "/api/registry/facility-types")
    def list_facility_types(self, request):
        self.caller.require(READ)
        return {"facility_types": do.facility_types()}

    # -- units and facilities -------------------------------------------------------------------

    @http("POST", "/api/registry/units")
    def register_unit(self, request):
        self.caller.require(WRITE)
        unit = do.register_unit(self.store, RegisterUnitSchema().load(read_json(request)))
        return 201, do.show_units(self.store, self.caller, [unit])[0]

    @http("GET", "/api/registry/units")
    def list_units(self, request):
        self.caller.require(READ)
        query = do.within_grid(self.store, UnitQuerySchema().load(request.args))
        limit, offset = paging(request)
        found = self.store.units.search(query, limit, offset)
        return {"limit": limit, "offset": offset, "units": do.show_units(self.store, self.caller, found)}

    @http("GET", "/api/registry/units/<unit_id>")
    def show_unit(self, request, unit_id):
        self.caller.require(READ)
        return do.show_units(self.store, self.caller, [self.store.units.get(unit_id)])[0]

    @http("PATCH", "/api/registry/units/<unit_id>")
    def update_unit(self, request, unit_id):
        self.caller.require(WRITE)
        unit = do.update_unit(self.store, unit_id, UnitFieldsSchema().load(read_json(request)))
        return do.show_units(self.store, self.caller, [unit])[0]

    @http("POST", "/api/registry/units/<unit_id>/risk-grade")
    def grade_unit_risk(self, request, unit_id):
        self.caller.require(WRITE)
        unit = do.grade_unit(self.store, unit_id, GradeRiskSchema().load(read_json(request)))
        return do.show_units(self.store, self.caller, [unit])[0]

    @http("POST", "/api/registry/facilities")
    def register_facility(self, request):
        self.caller.require(WRITE)
        facility = do.register_facility(self.store, RegisterFacilitySchema().load(read_json(request)))
        return 201, do.show_facilities([facility])[0]

    @http("GET", "/api/registry/facilities")
    def list_facilities(self, request):
        self.caller.require(READ)
        query = do.within_grid(self.store, FacilityQuerySchema().load(request.args))
        limit, offset = paging(request)
        found = self.store.facilities.search(query, limit, offset)
        return {"limit": limit, "offset": offset, "facilities": do.show_facilities(found)}

    @http("GET", "/api/registry/facilities/<facility_id>")
    def show_facility(self, request, facility_id):
        self.caller.require(READ)
        return do.show_facilities([self.store.facilities.get(facility_id)])[0]

    @http("PATCH", "/api/registry/facilities/<facility_id>")
    def update_facility(self, request, facility_id):
        self.caller.require(WRITE)
        changes = FacilityFieldsSchema().load(read_json(request))
        return do.show_facilities([do.update_facility(self.store, facility_id, changes)])[0]

    @http("POST", "/api/registry/facilities/<facility_id>/inspections")
    def inspect_facility(self, request, facility_id):
        self.caller.require(WRITE)
        facility = do.inspect_facility(self.store, facility_id, InspectFacilitySchema().load(read_json(request)))
        return do.show_facilities([facility])[0]

    # -- rental housing -------------------------------------------------------------------------

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

    # -- volunteers and teams -------------------------------------------------------------------

    @http("POST", "/api/registry/volunteers")
    def register_volunteer(self, request):
        self.caller.require(WRITE)
        volunteer = do.register_volunteer(self.store, RegisterVolunteerSchema().load(read_json(request)))
        return 201, do.show_volunteers(self.store, self.caller, [volunteer])[0]

    @http("GET", "/api/registry/volunteers")
    def list_volunteers(self, request):
        self.caller.require(READ)
        query = do.within_grid(self.store, VolunteerQuerySchema().load(request.args))
        limit, offset = paging(request)
        found = self.store.volunteers.search(query, limit, offset)
        return {"limit": limit, "offset": offset, "volunteers": do.show_volunteers(self.store, self.caller, found)}

    @http("GET", "/api/registry/volunteers/<volunteer_id>")
    def show_volunteer(self, request, volunteer_id):
        self.caller.require(READ)
        return do.show_volunteers(self.store, self.caller, [self.store.volunteers.get(volunteer_id)])[0]

    @http("PATCH", "/api/registry/volunteers/<volunteer_id>")
    def update_volunteer(self, request, volunteer_id):
        self.caller.require(WRITE)
        volunteer = do.update_volunteer(self.store, volunteer_id, VolunteerFieldsSchema().load(read_json(request)))
        return do.show_volunteers(self.store, self.caller, [volunteer])[0]

    @http("POST", "/api/registry/volunteers/<volunteer_id>/leave")
    def volunteer_leaves(self, request, volunteer_id):
        self.caller.require(WRITE)
        volunteer = do.volunteer_leaves(self.store, volunteer_id, LeaveSchema().load(read_json(request)))
        return do.show_volunteers(self.store, self.caller, [volunteer])[0]

    @http("POST", "/api/registry/volunteers/<volunteer_id>/pairings")
    def pair_volunteer(self, request, volunteer_id):
        self.caller.require(WRITE)
        volunteer = do.pair_volunteer(self.store, volunteer_id, PairInputSchema().load(read_json(request)))
        return do.show_volunteers(self.store, self.caller, [volunteer])[0]

    @http("DELETE", "/api/registry/volunteers/<volunteer_id>/pairings/<resident_id>")
    def unpair_volunteer(self, request, volunteer_id, resident_id):
        self.caller.require(WRITE)
        volunteer = do.unpair_volunteer(self.store, volunteer_id, resident_id)
        return do.show_volunteers(self.store, self.caller, [volunteer])[0]

    @http("POST", "/api/registry/volunteer-teams")
    def form_team(self, request):
        self.caller.require(WRITE)
        return 201, do.show_teams([do.form_team(self.store, FormTeamSchema().load(read_json(request)))])[0]

    @http("GET", "/api/registry/volunteer-teams")
    def list_teams(self, request):
        self.caller.require(READ)
        query = do.within_grid(self.store, TeamQuerySchema().load(request.args))
        limit, offset = paging(request)
        return {"limit": limit, "offset": offset, "teams": do.show_teams(self.store.teams.search(query, limit, offset))}

    @http("GET", "/api/registry/volunteer-teams/<team_id>")
    def show_team(self, request, team_id):
        self.caller.require(READ)
        return do.show_teams([self.store.teams.get(team_id)])[0]

    @http("POST", "/api/registry/volunteer-teams/<team_id>/members")
    def join_team(self, request, team_id):
        self.caller.require(WRITE)
        return do.show_teams([do.join_team(self.store, team_id, MemberInputSchema().load(read_json(request)))])[0]

    @http("DELETE", "/api/registry/volunteer-teams/<team_id>/members/<volunteer_id>")
    def leave_team(self, request, team_id, volunteer_id):
        self.caller.require(WRITE)
        return do.show_teams([do.leave_team(self.store, team_id, volunteer_id)])[0]

    # -- departments, roles and people in roles -------------------------------------------------

    @http("POST", "/api/registry/departments")
    def add_department(self, request):
        self.caller.require(WRITE)
        command = DepartmentSchema().load(read_json(request))
        self.store.departments.add(Department(**command))
        self.store.commit()
        return 201, command

    @http("GET", "/api/registry/departments")
    def list_departments(self, request):
        self.caller.require(READ)
        query = DepartmentQuerySchema().load(request.args)
        return {"departments": [vars(d) for d in self.store.departments.list(query.get("kind"))]}

    @http("GET", "/api/registry/departments/<code>")
    def show_department(self, request, code):
        self.caller.require(READ)
        return vars(self.store.departments.get(code))

    @http("GET", "/api/registry/roles")
    def list_roles(self, request):
        self.caller.require(READ)
        return {"roles": roles()}

    @http("POST", "/api/registry/assignments")
    def appoint(self, request):
        self.caller.require(WRITE)
        assignment = do.appoint(self.store, AppointSchema().load(read_json(request)))
        return 201, do.show_assignments(self.store, self.caller, [assignment])[0]

    @http("GET", "/api/registry/assignments")
    def list_assignments(self, request):
        self.caller.require(READ)
        query = AssignmentQuerySchema().load(request.args)
        limit, offset = paging(request)
        found = do.show_assignments(self.store, self.caller, self.store.assignments.search(query, limit, offset))
        return {"limit": limit, "offset": offset, "assignments": found}

    @http("GET", "/api/registry/assignments/<assignment_id>")
    def show_assignment(self, request, assignment_id):
        self.caller.require(READ)
        return do.show_assignments(self.store, self.caller, [self.store.assignments.get(assignment_id)])[0]

    @http("POST", "/api/registry/assignments/<assignment_id>/end")
    def end_term(self, request, assignment_id):
        self.caller.require(WRITE)
        assignment = do.end_term(self.store, assignment_id, EndTermSchema().load(read_json(request)))
        return do.show_assignments(self.store, self.caller, [assignment])[0]

    # -- compounds, buildings and households ----------------------------------------------------

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

    # -- imports and the audit log --------------------------------------------------------------

    @http("POST", "/api/registry/imports/<kind>")
    def import_file(self, request, kind):
        self.caller.require(WRITE)
        return import_upload(self.store, kind, request, self.caller.scopes)

    @http("GET", "/api/registry/audit")
    def list_audit(self, request):
        self.caller.require(AUDIT)
        query = AuditQuerySchema().load(request.args)
        limit, offset = paging(request)
        return {"limit": limit, "offset": offset, "entries": self.store.audit.search(query, limit, offset)}


SERVICE = RegistryService
