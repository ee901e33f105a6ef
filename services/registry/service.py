"""Registry: grids, residents and their group tags, units, facilities, housing, volunteers and
people in roles (entrypoints only, one mix-in per area in entrypoints/).

Every entrypoint first checks the caller's scope; reads of personal or sensitive data are masked
or audited in handlers/."""
from safecommunity.auth import Auth
from safecommunity.bodies import IMPORT
from safecommunity.web import http, paging

from .entrypoints import (
    HousingEntrypoints,
    OfficesEntrypoints,
    PlacesEntrypoints,
    ResidentsEntrypoints,
    VolunteersEntrypoints,
)
from .handlers import AUDIT, WRITE
from .importer import import_upload
from .schemas import AuditQuerySchema
from .storage import RegistryStore


class RegistryService(PlacesEntrypoints, ResidentsEntrypoints, HousingEntrypoints, VolunteersEntrypoints,
                      OfficesEntrypoints):
    name = "registry"
    store = RegistryStore()
    caller = Auth()

    # -- imports and the audit log --------------------------------------------------------------

    @http("POST", "/api/registry/imports/<kind>", scope=WRITE, body_limit=IMPORT)
    def import_file(self, request, kind):
        return import_upload(self.store, kind, request, self.caller)  # residents need registry:pii too

    @http("GET", "/api/registry/audit", scope=AUDIT)
    def list_audit(self, request):
        query = AuditQuerySchema().load(request.args)
        limit, offset = paging(request)
        return {"limit": limit, "offset": offset, "entries": self.store.audit.search(query, limit, offset)}


SERVICE = RegistryService
