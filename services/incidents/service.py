"""Incidents: injury cases from hospitals and health centres (entrypoints only)."""
from marshmallow import ValidationError

from safecommunity.consumer import event_handler
from safecommunity.storage import Store
from safecommunity.web import http, paging, read_json

from .intake import CREATED, REJECTED, take_in
from .schemas import BatchSchema, InjuryCaseSchema
from .storage import IncidentsUnitOfWork


class IncidentsService:
    name = "incidents"
    store = Store(IncidentsUnitOfWork)

    @http("POST", "/api/incidents/injuries")
    def report_injury(self, request):
        [result] = take_in(self.store, [read_json(request)])
        if result["status"] == REJECTED:
            raise ValidationError(result["errors"])
        case = self.store.cases.get(result["case_id"])
        return (201 if result["status"] == CREATED else 200), {
            "status": result["status"], "case": InjuryCaseSchema().dump(case)}

    @http("POST", "/api/incidents/injuries/batch")
    def report_injuries(self, request):
        cards = BatchSchema().load(read_json(request))["cases"]
        results = take_in(self.store, cards)
        counts = {status: sum(r["status"] == status for r in results)
                  for status in ("created", "duplicate", "rejected")}
        return {"counts": counts, "results": results}

    @http("GET", "/api/incidents/injuries/<case_id>")
    def show_injury(self, request, case_id):
        return InjuryCaseSchema().dump(self.store.cases.get(case_id))

    @http("GET", "/api/incidents/injuries")
    def list_injuries(self, request):
        limit, offset = paging(request)
        cases = self.store.cases.list(limit, offset)
        return {"limit": limit, "offset": offset, "cases": InjuryCaseSchema(many=True).dump(cases)}

    @http("GET", "/api/incidents/grids")
    def list_known_grids(self, request):
        return {"grids": self.store.grids.list()}

    @event_handler("grid.created")
    def handle_grid_created(self, events):
        self.store.grids.add_many([event.data for event in self.store.inbox.claim(events)])
        self.store.commit()


SERVICE = IncidentsService
