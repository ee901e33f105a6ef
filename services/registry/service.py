"""Registry: grids and the people registered in them (entrypoints only)."""
from safecommunity.storage import Store
from safecommunity.web import http, read_json

from .domain import Grid, Resident
from .schemas import CreateGridSchema, GridSchema, RegisterResidentSchema, ResidentSchema
from .storage import RegistryUnitOfWork


class RegistryService:
    name = "registry"
    store = Store(RegistryUnitOfWork)

    @http("POST", "/api/registry/grids")
    def create_grid(self, request):
        command = CreateGridSchema().load(read_json(request))
        parent_code = command.pop("parent_code")
        parent = self.store.grids.referenced_by("parent_code", parent_code) if parent_code else None
        grid = Grid.create(**command, parent=parent)
        self.store.grids.add(grid)
        self.store.commit()
        return 201, GridSchema().dump(grid)

    @http("GET", "/api/registry/grids")
    def list_grids(self, request):
        return {"grids": GridSchema(many=True).dump(self.store.grids.list())}

    @http("GET", "/api/registry/grids/<code>")
    def show_grid(self, request, code):
        return GridSchema().dump(self.store.grids.get(code))

    @http("POST", "/api/registry/residents")
    def register_resident(self, request):
        command = RegisterResidentSchema().load(read_json(request))
        grid = self.store.grids.referenced_by("grid_code", command.pop("grid_code"))
        resident = Resident.register(**command, grid=grid)
        self.store.residents.add(resident)
        self.store.commit()
        return 201, ResidentSchema().dump(resident)

    @http("GET", "/api/registry/residents/<resident_id>")
    def show_resident(self, request, resident_id):
        return ResidentSchema().dump(self.store.residents.get(resident_id))


SERVICE = RegistryService
