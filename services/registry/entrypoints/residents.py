"""Entrypoints for residents and their group tags.

A mix-in of RegistryService (service.py), which gives it `store` and `caller`."""
from safecommunity.web import http, paging, read_json

from .. import handlers as do
from ..handlers import READ, WRITE
from ..schemas import (
    MoveOutSchema,
    RegisterResidentSchema,
    ResidentFieldsSchema,
    ResidentQuerySchema,
    TagInputSchema,
)


class ResidentsEntrypoints:
    @http("POST", "/api/registry/residents", scope=WRITE)
    def register_resident(self, request):
        resident = do.register_resident(self.store, self.caller, RegisterResidentSchema().load(read_json(request)))
        return 201, do.show_residents(self.store, self.caller, [resident])[0]

    @http("GET", "/api/registry/residents", scope=READ)
    def list_residents(self, request):
        query = do.within_grid(self.store, ResidentQuerySchema().load(request.args))
        limit, offset = paging(request)
        found = do.search_residents(self.store, self.caller, query, limit, offset)
        return {"limit": limit, "offset": offset, "residents": found}

    @http("GET", "/api/registry/residents/<resident_id>", scope=READ)
    def show_resident(self, request, resident_id):
        return do.show_residents(self.store, self.caller, [self.store.residents.get(resident_id)])[0]

    @http("PATCH", "/api/registry/residents/<resident_id>", scope=WRITE)
    def update_resident(self, request, resident_id):
        changes = ResidentFieldsSchema().load(read_json(request))
        resident = do.update_resident(self.store, self.caller, resident_id, changes)
        return do.show_residents(self.store, self.caller, [resident])[0]

    @http("POST", "/api/registry/residents/<resident_id>/move-out", scope=WRITE)
    def move_out_resident(self, request, resident_id):
        resident = do.move_out_resident(self.store, resident_id, MoveOutSchema().load(read_json(request)))
        return do.show_residents(self.store, self.caller, [resident])[0]

    @http("POST", "/api/registry/residents/<resident_id>/tags", scope=WRITE)
    def tag_resident(self, request, resident_id):
        resident = do.tag_resident(self.store, self.caller, resident_id, TagInputSchema().load(read_json(request)))
        return do.show_residents(self.store, self.caller, [resident])[0]

    @http("DELETE", "/api/registry/residents/<resident_id>/tags/<code>", scope=WRITE)
    def untag_resident(self, request, resident_id, code):
        resident = do.untag_resident(self.store, self.caller, resident_id, code)
        return do.show_residents(self.store, self.caller, [resident])[0]
