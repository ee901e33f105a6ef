"""Reports: read models built from every event, and the figures served from them (entrypoints only)."""
from datetime import date

from safecommunity.consumer import event_handler
from safecommunity.storage import Store
from safecommunity.web import http

from .domain import injury_rates
from .projections import project
from .schemas import RatesQuerySchema
from .storage import ReportsUnitOfWork


class ReportsService:
    name = "reports"
    store = Store(ReportsUnitOfWork)

    @event_handler("#")
    def handle_event(self, events):
        fresh = self.store.inbox.claim(events)
        self.store.read_models.journal(fresh)  # kept for rebuilds, in the same transaction
        project(self.store.read_models, fresh)
        self.store.commit()

    @http("GET", "/api/reports/injury-rates")
    def show_injury_rates(self, request):
        year = RatesQuerySchema().load(request.args).get("year", date.today().year)
        models = self.store.read_models
        grids, district = injury_rates(models.injuries_by_grid(year), models.residents_by_grid(),
                                       models.grid_names())
        return {"year": year, "per": "1,000 residents", "grids": grids, "district": district}

    @http("GET", "/api/reports/summary")
    def show_summary(self, request):
        return self.store.read_models.totals()


SERVICE = ReportsService
