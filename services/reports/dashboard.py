"""The dashboard's figures for a period and a grid, gathered from the read models."""
from datetime import date

from safecommunity.errors import FieldInvalid

from . import kpis
from .domain import AGE_BANDS, ELDERLY, descendants, injury_rates, months_of, population_figures, rate_per_1000
from .projections import CARD_DIMENSIONS
from .storage import DISTRICT

DIMENSIONS = ("all", "age_band", "age_band*cause") + CARD_DIMENSIONS


def catalogue(models):
    return kpis.with_targets(kpis.CATALOGUE, models.kpi_targets())


class Selection:
    """The period and the grid a figure is for, with the scopes and months that means."""

    def __init__(self, models, year, month=None, grid=None, months=None):
        self.grids = models.grids()
        if grid is not None and grid not in self.grids:
            raise FieldInvalid("grid", f"no grid {grid}")
        self.year, self.month, self.grid = year, month, grid
        self.scopes = descendants(grid, self.grids) if grid else [DISTRICT]
        self.months = months or months_of(year, month)

    def months_a_year_earlier(self):
        return [f"{int(month[:4]) - 1:04d}{month[4:]}" for month in self.months]

    def describe(self):
        return {"period": {"year": self.year, "month": self.month, "months": self.months},
                "grid": self.grids.get(self.grid)}


def figures_for(models, selection):
    injuries = models.injuries(selection.scopes, selection.months, DIMENSIONS)
    population = population_figures(models.population(selection.scopes), selection.year)
    last_year = sum(models.injuries(selection.scopes, selection.months_a_year_earlier(), ["all"]).values())
    return {"injuries": injuries, "population": population, "injuries_last_year": last_year,
            "injury_rate": rate_per_1000(injuries.get(("all", ""), 0), population["total"]),
            # residents are as registered now: moves are not in the read models yet
            "injury_rate_last_year": rate_per_1000(last_year, population["total"])}


def kpi_rows(models, selection):
    return kpis.evaluate(catalogue(models), figures_for(models, selection))


def dashboard(models, selection):
    figures = figures_for(models, selection)
    injuries, population = figures["injuries"], figures["population"]
    total, scopes, year = injuries.get(("all", ""), 0), selection.scopes, selection.year
    return {
        **selection.describe(),
        "totals": {"injuries": total, "injuries_last_year": figures["injuries_last_year"],
                   "residents": population["total"], "rate_per_1000": figures["injury_rate"],
                   "deaths": injuries.get(("outcome", "died"), 0)},
        "kpis": kpis.evaluate(catalogue(models), figures),
        "trend": trend(models, scopes, year),
        "by_cause": breakdown(injuries, "cause", total),
        "by_age_band": [{"age_band": band, "injuries": injuries.get(("age_band", band), 0),
                         "residents": population["age_band"].get(band, 0),
                         "rate_per_1000": rate_per_1000(injuries.get(("age_band", band), 0),
                                                        population["age_band"].get(band, 0))}
                        for band, _, _ in AGE_BANDS],
        "by_severity": breakdown(injuries, "severity", total),
        "by_grid": grid_rows(models, selection.months, scopes if selection.grid else None, selection.grids),
        "elderly_falls": elderly_falls(injuries, population),
        "hazards": {"available": False,
                    "note": "hazards arrive with the incidents service's hazard events"},
        "projects": models.projects(),
    }


def trend(models, scopes, year, today=None):
    """Month by month, the year against the one before; months still to come are None."""
    this = models.injuries_by_month(scopes, months_of(year))
    last = models.injuries_by_month(scopes, months_of(year - 1))
    now = (today or date.today()).strftime("%Y-%m")
    return {"months": [f"{m:02d}" for m in range(1, 13)],
            "this_year": [this.get(month, 0) if month <= now else None for month in months_of(year)],
            "last_year": [last.get(month, 0) for month in months_of(year - 1)]}


def breakdown(injuries, dimension, total):
    rows = [{"value": value, "injuries": count, "share": round(count * 100 / total, 1) if total else None}
            for (dim, value), count in injuries.items() if dim == dimension]
    return sorted(rows, key=lambda row: (-row["injuries"], row["value"]))


def grid_rows(models, months, scopes, grids):
    injuries, residents = models.injuries_by_grid(months), models.residents_by_grid()
    if scopes is not None:
        injuries = {code: n for code, n in injuries.items() if code in scopes}
        residents = {code: n for code, n in residents.items() if code in scopes}
    rows, _ = injury_rates(injuries, residents, grids)
    return rows


def elderly_falls(injuries, population):
    falls = {band: injuries.get(("age_band*cause", f"{band}*fall"), 0) for band in ELDERLY}
    residents = sum(population["age_band"].get(band, 0) for band in ELDERLY)
    return {"falls": sum(falls.values()), "by_age_band": falls, "residents_60_plus": residents,
            "rate_per_1000": rate_per_1000(sum(falls.values()), residents)}
