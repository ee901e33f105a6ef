"""Entrypoints for grids, the code lists (tag, unit and facility types), units and facilities.

A mix-in of RegistryService (service.py), which gives it `store` and `caller`."""
from safecommunity.errors import FieldInvalid
from safecommunity.web import http, paging, read_json

from .. import handlers as do
from ..domain import Grid
from ..handlers import ADMIN, READ, WRITE
from ..schemas import (
    CreateGridSchema,
    FacilityFieldsSchema,
    FacilityQuerySchema,
    GradeRiskSchema,
    GridSchema,
    InspectFacilitySchema,
    NoQuerySchema,
    RegisterFacilitySchema,
    RegisterUnitSchema,
    TagTypeSchema,
    UnitFieldsSchema,
    UnitQuerySchema,
    UnitTypeSchema,
)
from ..taxonomy import TagType, check_attribute_specs


class PlacesEntrypoints:
    @http("POST", "/api/registry/grids", scope=WRITE)
    def create_grid(self, request):
        command = CreateGridSchema().load(read_json(request))
        parent_code = command.pop("parent_code")
        parent = self.store.grids.referenced_by("parent_code", parent_code) if parent_code else None
        grid = Grid.create(**command, parent=parent)
        self.store.grids.add(grid)
        self.store.commit()
        return 201, GridSchema().dump(grid)

    @http("GET", "/api/registry/grids", scope=READ)
    def list_grids(self, request):
        NoQuerySchema().load(request.args)
        return {"grids": GridSchema(many=True).dump(self.store.grids.list())}

    @http("GET", "/api/registry/grids/<code>", scope=READ)
    def show_grid(self, request, code):
        return GridSchema().dump(self.store.grids.get(code))

    @http("GET", "/api/registry/tag-types", scope=READ)
    def list_tag_types(self, request):
        NoQuerySchema().load(request.args)
        return {"tag_types": [vars(t) for t in self.store.taxonomy.tag_types().values()]}

    @http("POST", "/api/registry/tag-types", scope=ADMIN)
    def add_tag_type(self, request):
        command = TagTypeSchema().load(read_json(request))
        if errors := check_attribute_specs(command["attributes"]):
            raise FieldInvalid("attributes", errors)
        self.store.taxonomy.add_tag_type(TagType(**command))
        self.store.commit()
        return 201, command

    @http("GET", "/api/registry/unit-types", scope=READ)
    def list_unit_types(self, request):
        NoQuerySchema().load(request.args)
        return {"unit_types": self.store.taxonomy.unit_types()}

    @http("POST", "/api/registry/unit-types", scope=ADMIN)
    def add_unit_type(self, request):
        command = UnitTypeSchema().load(read_json(request))
        self.store.taxonomy.add_unit_type(command)
        self.store.commit()
        return 201, command

    @http("GET", "/api/registry/facility-types", scope=READ)
    def list_facility_types(self, request):
        NoQuerySchema().load(request.args)
        return {"facility_types": do.facility_types()}

    @http("POST", "/api/registry/units", scope=WRITE)
    def register_unit(self, request):
        unit = do.register_unit(self.store, RegisterUnitSchema().load(read_json(request)))
        return 201, do.show_units(self.store, self.caller, [unit])[0]

    @http("GET", "/api/registry/units", scope=READ)
    def list_units(self, request):
        query = do.within_grid(self.store, UnitQuerySchema().load(request.args))
        limit, offset = paging(request)
        found = self.store.units.search(query, limit, offset)
        return {"limit": limit, "offset": offset, "units": do.show_units(self.store, self.caller, found)}

    @http("GET", "/api/registry/units/<unit_id>", scope=READ)
    def show_unit(self, request, unit_id):
        return do.show_units(self.store, self.caller, [self.store.units.get(unit_id)])[0]

    @http("PATCH", "/api/registry/units/<unit_id>", scope=WRITE)
    def update_unit(self, request, unit_id):
        unit = do.update_unit(self.store, unit_id, UnitFieldsSchema().load(read_json(request)))
        return do.show_units(self.store, self.caller, [unit])[0]

    @http("POST", "/api/registry/units/<unit_id>/risk-grade", scope=WRITE)
    def grade_unit_risk(self, request, unit_id):
        unit = do.grade_unit(self.store, unit_id, GradeRiskSchema().load(read_json(request)))
        return do.show_units(self.store, self.caller, [unit])[0]

    @http("POST", "/api/registry/facilities", scope=WRITE)
    def register_facility(self, request):
        facility = do.register_facility(self.store, RegisterFacilitySchema().load(read_json(request)))
        return 201, do.show_facilities([facility])[0]

    @http("GET", "/api/registry/facilities", scope=READ)
    def list_facilities(self, request):
        query = do.within_grid(self.store, FacilityQuerySchema().load(request.args))
        limit, offset = paging(request)
        found = self.store.facilities.search(query, limit, offset)
        return {"limit": limit, "offset": offset, "facilities": do.show_facilities(found)}

    @http("GET", "/api/registry/facilities/<facility_id>", scope=READ)
    def show_facility(self, request, facility_id):
        return do.show_facilities([self.store.facilities.get(facility_id)])[0]

    @http("PATCH", "/api/registry/facilities/<facility_id>", scope=WRITE)
    def update_facility(self, request, facility_id):
        changes = FacilityFieldsSchema().load(read_json(request))
        return do.show_facilities([do.update_facility(self.store, facility_id, changes)])[0]

    @http("POST", "/api/registry/facilities/<facility_id>/inspections", scope=WRITE)
    def inspect_facility(self, request, facility_id):
        facility = do.inspect_facility(self.store, facility_id, InspectFacilitySchema().load(read_json(request)))
        return do.show_facilities([facility])[0]
