"""Reports: read models built from every event, the KPIs and the dashboard served from them
(entrypoints only)."""
from datetime import date
from functools import cache
from pathlib import Path

from werkzeug.wrappers import Response

from safecommunity.consumer import event_handler
from safecommunity.errors import NotFound
from safecommunity.storage import Store
from safecommunity.web import http, paging, read_json

from . import kpis, render
from .dashboard import Selection, catalogue, dashboard, kpi_rows
from .domain import injury_rates, months_of
from .periodic import PeriodicReport, report_months
from .projections import project
from .schemas import DashboardQuerySchema, IssueReportSchema, KpiTargetSchema, RatesQuerySchema
from .storage import ReportsUnitOfWork

STATIC = Path(__file__).parent / "static"


@cache
def page(name):
    return (STATIC / name).read_text(encoding="utf-8")


class ReportsService:
    name = "reports"
    store = Store(ReportsUnitOfWork)

    @event_handler("#")
    def handle_event(self, events):
        fresh = self.store.inbox.claim(events)
        self.store.read_models.journal(fresh)  # kept for rebuilds, in the same transaction
        project(self.store.read_models, fresh)
        self.store.commit()

    @http("GET", "/")
    def show_dashboard_page(self, request):
        return Response(page("dashboard.html"), mimetype="text/html")

    @http("GET", "/api/reports/dashboard")
    def show_dashboard(self, request):
        return dashboard(self.store.read_models, self._selection(request))

    @http("GET", "/api/reports/kpis")
    def list_kpis(self, request):
        selection = self._selection(request)
        return {**selection.describe(), "kpis": kpi_rows(self.store.read_models, selection)}

    @http("PUT", "/api/reports/kpis/<code>")
    def set_kpi_target(self, request, code):
        if code not in {kpi.code for kpi in kpis.CATALOGUE}:
            raise NotFound(f"no KPI {code}")
        target = KpiTargetSchema().load(read_json(request))
        self.store.read_models.set_kpi_target(code, target["target"], target["amber"])
        self.store.commit()
        return next(kpis.describe(kpi) for kpi in catalogue(self.store.read_models) if kpi.code == code)

    @http("GET", "/api/reports/injury-rates")
    def show_injury_rates(self, request):
        year = RatesQuerySchema().load(request.args).get("year", date.today().year)
        models = self.store.read_models
        grids, district = injury_rates(models.own_injuries_by_grid(months_of(year)),
                                       models.own_residents_by_grid(), models.grids())
        return {"year": year, "per": "1,000 residents", "grids": grids, "district": district}

    @http("GET", "/api/reports/grids")
    def list_grids(self, request):
        return {"grids": sorted(self.store.read_models.grids().values(), key=lambda grid: grid["code"])}

    @http("POST", "/api/reports/periodic")
    def issue_report(self, request):
        command = IssueReportSchema().load(read_json(request))
        months = report_months(command["kind"], command["year"], command["period"])
        selection = Selection(self.store.read_models, command["year"], grid=command["grid"], months=months)
        report = PeriodicReport.issue(command["kind"], command["year"], command["period"], command["grid"],
                                      dashboard(self.store.read_models, selection))
        self.store.reports.add(report)
        self.store.commit()
        return 201, {**self.store.reports.get(report.id), "links": render.links(report.id)}

    @http("GET", "/api/reports/periodic")
    def list_reports(self, request):
        limit, offset = paging(request)
        return {"reports": [{**row, "links": render.links(row["id"])}
                            for row in self.store.reports.list(limit, offset)]}

    @http("GET", "/api/reports/periodic/<report_id>")
    def show_report(self, request, report_id):
        return self.store.reports.get(report_id)

    @http("GET", "/api/reports/periodic/<report_id>/<name>.<fmt>")
    def download_report(self, request, report_id, name, fmt):
        body, content_type, disposition = render.download(self.store.reports.get(report_id), name, fmt)
        return Response(body, content_type=content_type, headers={"Content-Disposition": disposition})

    @http("GET", "/api/reports/summary")
    def show_summary(self, request):
        return self.store.read_models.totals()

    def _selection(self, request):
        query = DashboardQuerySchema().load(request.args)
        return Selection(self.store.read_models, query.get("year", date.today().year), query["month"],
                         query["grid"])


SERVICE = ReportsService
