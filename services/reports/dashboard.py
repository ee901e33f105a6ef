"""The dashboard's figures for a period and a grid, gathered from the read models."""
from collections import Counter

from safecommunity import sitetime
from safecommunity.catalogue import CATALOGUE
from safecommunity.errors import FieldInvalid

from . import kpis
from .domain import (
    AGE_BANDS,
    ELDERLY,
    accident_figures,
    facility_figures,
    hazard_figures,
    injury_rates,
    months_of,
    notice_figures,
    population_figures,
    public_order_figures,
    rate_per_1000,
    rental_figures,
    site_month,
    unit_figures,
    volunteer_figures,
)
from .indicators import by_project, months_up_to, with_indicators
from .other_events import other_event_figures
from .projections import injury_cells
from .suppression import DASHBOARD, EXACT, KPIS, shown, visible_tags
from .tables import CARD_DIMENSIONS, DISTRICT

DIMENSIONS = ("all", "age_band", "age_band*cause") + CARD_DIMENSIONS


def catalogue(models):
    return kpis.with_targets(kpis.CATALOGUE, models.kpi_targets())


class Selection:
    """The period and the grid a figure is for."""

    def __init__(self, models, year, month=None, grid=None, months=None):
        self.grids = models.grids()
        if grid is not None and grid not in self.grids:
            raise FieldInvalid("grid", f"no grid {grid}")
        self.year, self.month, self.grid = year, month, grid
        self.scope = grid or DISTRICT
        self.months = months or months_of(year, month)
        self.children = {}
        for code, row in self.grids.items():
            self.children.setdefault(row["parent_code"], []).append(code)

    def months_a_year_earlier(self):
        return [f"{int(month[:4]) - 1:04d}{month[4:]}" for month in self.months]

    def grid_codes(self):
        """The selected grid and every grid below it; None for the whole district."""
        return self.below(self.grid) if self.grid else None

    def below(self, grid):
        """The grid and every grid below it."""
        found, todo = [], [grid]
        while todo:
            code = todo.pop()
            if code not in found:  # a cycle in the grid.created events would not end otherwise
                found.append(code)
                todo.extend(self.children.get(code, []))
        return found

    def parts(self):
        """The grids one level down to show side by side: below the selected grid, or, for the
        district, below its single top grid if it has one."""
        level = self.children.get(self.grid or None, [])
        while not self.grid and len(level) == 1 and self.children.get(level[0]):
            level = self.children[level[0]]
        return sorted(level)

    def describe(self):
        return {"period": {"year": self.year, "month": self.month, "months": self.months},
                "grid": self.grids.get(self.grid)}


def injuries_in(models, selection, months):
    """{(dimension, value): injuries}: the scope's rollup plus, for a grid, the cases reported in it."""
    found = Counter(models.rollup(selection.scope, months, DIMENSIONS))
    if selection.grid:
        for _month, fields in models.own_facts(selection.grid, months):
            found.update(injury_cells(fields))
    return found


def figures_for(models, selection):
    injuries = injuries_in(models, selection, selection.months)
    population = population_figures(models.population(selection.scope), selection.year)
    last_year = sum(models.totals_by_month(selection.scope, selection.months_a_year_earlier()).values())
    grids = selection.grid_codes()
    in_scope, months = models.hazards(grids), set(selection.months)
    reported = [h for h in in_scope if site_month(h["reported_at"]) in months]
    hazards = hazard_figures(reported, in_scope, sitetime.now())
    return {"injuries": injuries, "population": population, "injuries_last_year": last_year,
            "hazards": hazards, "accidents": accident_figures(models.accidents(selection.scope, selection.months)),
            "facilities": facility_figures(models.facilities(grids), sitetime.today()),
            "public_order": public_order_section(models, selection),
            "rentals": rental_figures(models.rentals(grids)),
            "volunteers": volunteer_figures(models.volunteers(grids), population["total"]),
            # the district's notices: a delivery names a recipient, not a grid
            "notices": notice_figures(models.notices(selection.months), models.acknowledgements(selection.months)),
            "injury_rate": rate_per_1000(injuries.get(("all", ""), 0), population["total"]),
            # residents are as registered now: moves are not in the read models yet
            "injury_rate_last_year": rate_per_1000(last_year, population["total"])}


def kpi_list(models, selection, audience=EXACT):
    """The KPIs with their values and status, as the audience may see them."""
    figures = figures_for(models, selection)
    answer = {**selection.describe(), "kpis": kpis.evaluate(catalogue(models), figures)}
    return shown(answer, KPIS, audience, kpis.inputs(figures))


def dashboard(models, selection, audience=EXACT):
    """Everything the dashboard shows, as the audience may see it (suppression.py)."""
    figures = figures_for(models, selection)
    return shown(exact_dashboard(models, selection, figures, audience), DASHBOARD, audience, kpis.inputs(figures))


def exact_dashboard(models, selection, figures, audience):
    """The figures, exact; only the tags are already those the audience may see."""
    injuries, population = figures["injuries"], figures["population"]
    total = injuries.get(("all", ""), 0)
    return {
        **selection.describe(),
        "totals": {"injuries": total, "injuries_last_year": figures["injuries_last_year"],
                   "residents": population["total"], "rate_per_1000": figures["injury_rate"],
                   "deaths": injuries.get(("outcome", "died"), 0)},
        "kpis": kpis.evaluate(catalogue(models), figures),
        "trend": trend(models, selection.scope, selection.year),
        "by_cause": breakdown(injuries, "cause", total),
        "by_age_band": [{"age_band": band, "injuries": injuries.get(("age_band", band), 0),
                         "residents": population["age_band"].get(band, 0),
                         "rate_per_1000": rate_per_1000(injuries.get(("age_band", band), 0),
                                                        population["age_band"].get(band, 0))}
                        for band, _, _ in AGE_BANDS],
        "by_severity": breakdown(injuries, "severity", total),
        "by_grid": part_rows(models, selection),
        "elderly_falls": elderly_falls(injuries, population),
        "hazards": figures["hazards"],
        "accidents": figures["accidents"],
        "public_order": figures["public_order"],
        "registry": {"tags": visible_tags(models.tags(selection.scope), models.tag_sensitivity(), audience),
                     "units": unit_figures(models.units(selection.scope)), "facilities": figures["facilities"],
                     "rentals": figures["rentals"], "volunteers": figures["volunteers"]},
        "projects": project_progress(models, selection),
        "evidence": models.evidence(selection.months),  # items per AQ/T 9001 element, the district's
        # events of the types reports has no read model for, with what the catalogue says they are
        "other_events": other_event_figures(models.other_events(selection.grid_codes(), selection.months),
                                            selection.months, CATALOGUE),
    }


def project_progress(models, selection):
    """Projects with their indicators as of the selection's last month (this month, if that is still
    to come): each one's latest month up to then, and the 12 months that end there."""
    end = min(selection.months[-1], sitetime.month_of(sitetime.today()))
    months = months_up_to(end)
    indicators = by_project(models.latest_indicators(end), models.indicator_series(months), months)
    return with_indicators(models.projects(), indicators)


def public_order_section(models, selection):
    """Public-order events of the selection, the grids one level down each with all below it."""
    rows = models.public_order(selection.grid_codes(), selection.months)
    parts = {part: set(selection.below(part)) for part in selection.parts()}
    return public_order_figures(rows, selection.months, parts, selection.grids)


def trend(models, scope, year, today=None):
    """Month by month, the year against the one before; months still to come (on the site's
    calendar) are None."""
    this = models.totals_by_month(scope, months_of(year))
    last = models.totals_by_month(scope, months_of(year - 1))
    now = sitetime.month_of(today or sitetime.today())
    return {"months": [f"{m:02d}" for m in range(1, 13)],
            "this_year": [this.get(month, 0) if month <= now else None for month in months_of(year)],
            "last_year": [last.get(month, 0) for month in months_of(year - 1)]}


def breakdown(injuries, dimension, total):
    rows = [{"value": value, "injuries": count, "share": round(count * 100 / total, 1) if total else None}
            for (dim, value), count in injuries.items() if dim == dimension]
    return sorted(rows, key=lambda row: (-row["injuries"], row["value"]))


def part_rows(models, selection):
    """Residents, injuries and the rate of each grid one level down (each with all below it)."""
    parts = selection.parts()
    rows, _ = injury_rates(models.totals_by_scope(parts, selection.months), models.residents_by_scope(parts),
                           selection.grids)
    return rows


def elderly_falls(injuries, population):
    falls = {band: injuries.get(("age_band*cause", f"{band}*fall"), 0) for band in ELDERLY}
    residents = sum(population["age_band"].get(band, 0) for band in ELDERLY)
    return {"falls": sum(falls.values()), "by_age_band": falls, "residents_60_plus": residents,
            "rate_per_1000": rate_per_1000(sum(falls.values()), residents)}
