"""Routes of indicators: defined as data on a project, shown with their values by month."""
from safecommunity.web import http, read_json

from .. import schemas as s
from ..counting import define_indicator
from ..indicators import this_month
from ..progress import shift
from .scopes import READ, WRITE

SHOWN_MONTHS = 12  # by default, the last year of values


def with_values(indicator, values):
    latest = values[-1] if values else None
    return {**s.IndicatorSchema().dump(indicator), "kind": indicator.kind,
            "latest": latest and {**latest.__dict__, "on_target": indicator.on_target(latest.value)},
            "values": [{**value.__dict__, "on_target": indicator.on_target(value.value)} for value in values]}


class IndicatorsEntrypoints:
    @http("POST", "/api/projects/projects/<project_id>/indicators", body=s.DefineIndicatorSchema, scope=WRITE)
    def define_indicator(self, request, project_id):
        command = s.DefineIndicatorSchema().load(read_json(request))
        self.store.projects.get(project_id)
        indicator = define_indicator(self.store, project_id, self.caller.subject, command)
        self.store.commit()
        return 201, self._shown(indicator, {})

    @http("GET", "/api/projects/projects/<project_id>/indicators", query=s.IndicatorQuerySchema, scope=READ)
    def list_indicators(self, request, project_id):
        months = s.IndicatorQuerySchema().load(request.args)
        self.store.projects.get(project_id)
        found = self.store.indicators.of_project(project_id)
        first, last = months.get("since", shift(this_month(), 1 - SHOWN_MONTHS)), months.get("until")
        series = self.store.values.series([i.id for i in found], first, last)
        return {"project_id": project_id, "indicators": [with_values(i, series[i.id]) for i in found]}

    @http("GET", "/api/projects/indicators/<indicator_id>", query=s.IndicatorQuerySchema, scope=READ)
    def show_indicator(self, request, indicator_id):
        return self._shown(self.store.indicators.get(indicator_id), s.IndicatorQuerySchema().load(request.args))

    def _shown(self, indicator, months):
        first, last = months.get("since", shift(this_month(), 1 - SHOWN_MONTHS)), months.get("until")
        return with_values(indicator, self.store.values.series([indicator.id], first, last)[indicator.id])
