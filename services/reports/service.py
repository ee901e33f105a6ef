"""Reports: read models built from every event, the KPIs and the dashboard served from them
(entrypoints only)."""
from functools import cache
from pathlib import Path

from werkzeug.wrappers import Response

from safecommunity import sitetime
from safecommunity.consumer import event_handler
from safecommunity.errors import NotFound
from safecommunity.scopes import AGGREGATES, PUBLIC
from safecommunity.storage import Store
from safecommunity.web import http, paging, read_json

from . import kpis, render
from .audience import CallerAudience
from .dashboard import Selection, catalogue, dashboard, kpi_list, public_order_section
from .domain import injury_rates, months_of, notice_figures
from .headers import page_headers
from .periodic import PeriodicReport, report_months
from .projections import project
from .schemas import (
    DashboardQuerySchema,
    IssueReportSchema,
    KpiTargetSchema,
    NoQuerySchema,
    PageQuerySchema,
    PeriodQuerySchema,
    RatesQuerySchema,
)
from .storage import ReportsUnitOfWork
from .suppression import INJURY_RATES, PUBLIC_ORDER, READ, SUMMARY, shown

STATIC = Path(__file__).parent / "static"
ADMIN = "reports:admin"


@cache
def page(name):
    """A static page and its headers (its policy names the hashes of its inline script and style)."""
    html = (STATIC / name).read_text(encoding="utf-8")
    return html, page_headers(html)


class ReportsService:
    name = "reports"
    store = Store(ReportsUnitOfWork)
    audience = CallerAudience()  # without reports:read, small counts are masked (suppression.py)

    @event_handler("#")
    def handle_event(self, events):
        fresh = self.store.inbox.claim(events)
        self.store.read_models.journal(fresh)  # kept for rebuilds, in the same transaction
        project(self.store.read_models, fresh)
        self.store.commit()

    @http("GET", "/", scope=PUBLIC)
    def show_dashboard_page(self, request):
        """The dashboard: one HTML page, no outside requests; Chinese by default, ?lang=en; a token
        given as #token=... is kept for the tab (sessionStorage) and sent with every request."""
        html, headers = page("dashboard.html")
        return Response(html, mimetype="text/html", headers=headers)

    @http("GET", "/api/reports/dashboard", query=DashboardQuerySchema, scope=AGGREGATES)
    def show_dashboard(self, request):
        """Everything the dashboard shows, for a year (or one month) and a grid of any level.

        totals, kpis (value and red/amber/green status), trend (month by month, this year and last),
        by_cause, by_age_band, by_severity, by_grid (the grids one level down), elderly_falls,
        hazards (found, rectified, rates, open and overdue now), accidents, public_order (by kind,
        month, grid; disputes by stage), registry (group tags, units, facilities), projects,
        other_events (per type reports has no read model for: producer, summary, events, by month).
        Without reports:read, counts under SUPPRESS_BELOW are "<5", what is computed from them
        null, and sensitive tags left out."""
        return dashboard(self.store.read_models, self._selection(request), self.audience)

    @http("GET", "/api/reports/kpis", query=DashboardQuerySchema, scope=AGGREGATES)
    def list_kpis(self, request):
        """The KPI catalogue with each value, target and red/amber/green status for the selection."""
        return kpi_list(self.store.read_models, self._selection(request), self.audience)

    @http("PUT", "/api/reports/kpis/<code>", body=KpiTargetSchema, scope=ADMIN)
    def set_kpi_target(self, request, code):
        """Set the site's own target for a KPI, and how far past it is still amber."""
        kpi = next((kpi for kpi in kpis.CATALOGUE if kpi.code == code), None)
        if kpi is None:
            raise NotFound(f"no KPI {code[:40]}")
        command = KpiTargetSchema().load(read_json(request))
        self.store.read_models.set_kpi_target(code, *kpis.check_target(kpi, command["target"], command["amber"]))
        self.store.commit()
        return next(kpis.describe(kpi) for kpi in catalogue(self.store.read_models) if kpi.code == code)

    @http("GET", "/api/reports/public-order", query=DashboardQuerySchema, scope=AGGREGATES)
    def show_public_order(self, request):
        """Public-order events of the selection by kind, month and grid one level down, and disputes
        by mediation stage (warned 预警, investigated 排查, mediated 调处)."""
        selection = self._selection(request)
        answer = {**selection.describe(), "public_order": public_order_section(self.store.read_models, selection)}
        return shown(answer, PUBLIC_ORDER, self.audience)

    @http("GET", "/api/reports/notifications", query=PeriodQuerySchema, scope=READ)
    def show_notifications(self, request):
        """Deliveries sent and failed per channel, and minutes to acknowledge per kind of notice (a
        major hazard's median is the KPI major_hazard_ack_minutes), for the district."""
        query, models = PeriodQuerySchema().load(request.args), self.store.read_models
        selection = Selection(models, query.get("year", sitetime.today().year), query["month"], None)
        figures = notice_figures(models.notices(selection.months), models.acknowledgements(selection.months))
        return {**selection.describe(), "notifications": figures}

    @http("GET", "/api/reports/injury-rates", query=RatesQuerySchema, scope=AGGREGATES)
    def show_injury_rates(self, request):
        """Per grid: residents, injuries in the year and injuries per 1,000 residents."""
        year = RatesQuerySchema().load(request.args).get("year", sitetime.today().year)
        models = self.store.read_models
        grids, district = injury_rates(models.own_injuries_by_grid(months_of(year)),
                                       models.own_residents_by_grid(), models.grids())
        return shown({"year": year, "per": "1,000 residents", "grids": grids, "district": district}, INJURY_RATES,
                     self.audience)

    @http("GET", "/api/reports/grids", query=NoQuerySchema, scope=AGGREGATES)
    def list_grids(self, request):
        """The grids reports knows, for the dashboard's filter."""
        NoQuerySchema().load(request.args)
        return {"grids": sorted(self.store.read_models.grids().values(), key=lambda grid: grid["code"])}

    @http("POST", "/api/reports/periodic", body=IssueReportSchema, scope=ADMIN)
    def issue_report(self, request):
        """Issue a periodic report: a snapshot kept as issued, with links to HTML, PDF, XLSX and CSV."""
        command = IssueReportSchema().load(read_json(request))
        months = report_months(command["kind"], command["year"], command["period"])
        selection = Selection(self.store.read_models, command["year"], grid=command["grid"], months=months)
        report = PeriodicReport.issue(command["kind"], command["year"], command["period"], command["grid"],
                                      dashboard(self.store.read_models, selection))
        self.store.reports.add(report)
        self.store.commit()
        return 201, {**self.store.reports.get(report.id), "links": render.links(report.id)}

    @http("GET", "/api/reports/periodic", query=PageQuerySchema, scope=READ)
    def list_reports(self, request):
        """Issued reports, newest first (limit, offset)."""
        PageQuerySchema().load(request.args)
        limit, offset = paging(request)
        return {"reports": [{**row, "links": render.links(row["id"])}
                            for row in self.store.reports.list(limit, offset)]}

    @http("GET", "/api/reports/periodic/<report_id>", query=NoQuerySchema, scope=READ)
    def show_report(self, request, report_id):
        """One issued report with its snapshot."""
        NoQuerySchema().load(request.args)
        return self.store.reports.get(report_id)

    @http("GET", "/api/reports/periodic/<report_id>/<name>.<fmt>", query=NoQuerySchema, scope=READ)
    def download_report(self, request, report_id, name, fmt):
        """report.html, report.pdf, tables.xlsx, or one table as <table>.csv."""
        NoQuerySchema().load(request.args)
        body, content_type, headers = render.download(self.store.reports.get(report_id), name, fmt)
        return Response(body, content_type=content_type, headers=headers)

    @http("GET", "/api/reports/summary", query=NoQuerySchema, scope=AGGREGATES)
    def show_summary(self, request):
        """Totals: injuries, residents, grids, projects, events kept (that one exact for everyone)."""
        NoQuerySchema().load(request.args)
        return shown(self.store.read_models.totals(), SUMMARY, self.audience)

    def _selection(self, request):
        query = DashboardQuerySchema().load(request.args)
        return Selection(self.store.read_models, query.get("year", sitetime.today().year), query["month"],
                         query["grid"])


SERVICE = ReportsService
