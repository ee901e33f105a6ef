"""The indicator catalogue: what each KPI means, how it is computed from the period's figures,
its target and its red / amber / green status. Pure Python; targets can be changed per site."""
from dataclasses import dataclass, replace

from safecommunity.errors import FieldInvalid

from .domain import CHILDREN, ELDERLY, rate_per_1000
from .suppression import COUNT

GREEN, AMBER, RED, NO_TARGET, NO_DATA = "green", "amber", "red", "no_target", "no_data"


@dataclass(frozen=True)
class Kpi:
    code: str
    name_zh: str
    name_en: str
    definition: str
    unit: str
    better: str                 # "lower" or "higher"
    target: float | None = None
    amber: float = 0.0          # how far past the target is still amber, in the KPI's unit
    source: str = "incidents"   # whose events it needs

    def status(self, value):
        if value is None:
            return NO_DATA
        if self.target is None:
            return NO_TARGET
        gap = value - self.target if self.better == "lower" else self.target - value
        return GREEN if gap <= 0 else AMBER if gap <= self.amber else RED


def _group_rate(figures, bands):
    injuries = sum(figures["injuries"].get(("age_band", band), 0) for band in bands)
    return rate_per_1000(injuries, sum(figures["population"]["age_band"].get(band, 0) for band in bands))


def _change(figures):
    now, before = figures["injury_rate"], figures["injury_rate_last_year"]
    return round((now - before) * 100 / before, 1) if now is not None and before else None


COMPUTE = {
    "injury_rate": lambda f: f["injury_rate"],
    "injury_rate_change": _change,
    "elderly_injury_rate": lambda f: _group_rate(f, ELDERLY),
    "child_injury_rate": lambda f: _group_rate(f, CHILDREN),
    "migrant_injury_rate": lambda f: rate_per_1000(f["injuries"].get(("residence_type", "migrant"), 0),
                                                   f["population"]["residence_type"].get("migrant", 0)),
    "injury_deaths": lambda f: f["injuries"].get(("outcome", "died"), 0),
    "accident_deaths": lambda f: f["accidents"]["deaths"],
    "mass_casualty_accidents": lambda f: f["accidents"]["mass_casualty"],
    "hazard_rectification_rate": lambda f: f["hazards"]["rectification_rate"],
    "hazard_on_time_rate": lambda f: f["hazards"]["on_time_rate"],
    "facilities_in_order": lambda f: f["facilities"]["in_order_rate"],
    "volunteers_per_resident": lambda f: f["volunteers"]["per_100_residents"],
    "landlord_letters_signed": lambda f: f["rentals"]["letter_signed_rate"],
    "major_hazard_ack_minutes": lambda f: f["notices"]["major_hazards"]["median_minutes"],
}


def _group_counts(figures, bands):
    return ([figures["injuries"].get(("age_band", band), 0) for band in bands]
            + [figures["population"]["age_band"].get(band, 0) for band in bands])


def _all_injuries(figures):
    return figures["injuries"].get(("all", ""), 0)


# The counts each KPI is computed from, so that a caller who may not see small counts sees no value
# computed from one (suppression.py); COUNT for a KPI that is a count itself. Every band of a group
# rate is listed, not their sum: the dashboard shows the bands, and a band could be worked back out.
INPUTS = {
    "injury_rate": lambda f: [_all_injuries(f), f["population"]["total"]],
    "injury_rate_change": lambda f: [_all_injuries(f), f["injuries_last_year"], f["population"]["total"]],
    "elderly_injury_rate": lambda f: _group_counts(f, ELDERLY),
    "child_injury_rate": lambda f: _group_counts(f, CHILDREN),
    "migrant_injury_rate": lambda f: [f["injuries"].get(("residence_type", "migrant"), 0),
                                      f["population"]["residence_type"].get("migrant", 0)],
    "injury_deaths": COUNT,
    "accident_deaths": COUNT,
    "mass_casualty_accidents": COUNT,
    "hazard_rectification_rate": lambda f: [f["hazards"]["rectified"], f["hazards"]["found"]],
    "hazard_on_time_rate": lambda f: [f["hazards"]["verified_on_time"], f["hazards"]["verified"]],
    "facilities_in_order": lambda f: [f["facilities"]["in_order"], f["facilities"]["total"]],
    "volunteers_per_resident": lambda f: [f["volunteers"]["active"], f["population"]["total"]],
    "landlord_letters_signed": lambda f: [f["rentals"]["letter_signed"], f["rentals"]["total"]],
    "major_hazard_ack_minutes": lambda f: [f["notices"]["major_hazards"]["acknowledged"]],
}


def inputs(figures):
    """{KPI code: COUNT, or the counts its value is computed from}."""
    return {code: spec if spec == COUNT else spec(figures) for code, spec in INPUTS.items()}


CATALOGUE = (
    Kpi("injury_rate", "伤害发生率", "Injury rate", "Injury cases in the period per 1,000 residents.",
        "‰", "lower"),
    Kpi("injury_rate_change", "伤害发生率同比变化", "Injury rate, year on year",
        "Change of the injury rate against the same period last year.", "%", "lower", target=0, amber=5),
    Kpi("elderly_injury_rate", "老年人伤害发生率", "Injuries among the elderly",
        "Injury cases aged 60+ per 1,000 residents aged 60+.", "‰", "lower"),
    Kpi("child_injury_rate", "儿童伤害发生率", "Injuries among children",
        "Injury cases aged 0-6 per 1,000 residents aged 0-6.", "‰", "lower"),
    Kpi("migrant_injury_rate", "流动人口伤害发生率", "Injuries among migrants",
        "Injury cases of migrants per 1,000 migrant residents.", "‰", "lower"),
    Kpi("injury_deaths", "伤害死亡", "Injury deaths", "Injury cases whose outcome was death (target: zero).",
        "cases", "lower", target=0),
    Kpi("accident_deaths", "事故死亡", "Accident deaths", "Deaths in accidents reported by departments "
        "(target: zero).", "people", "lower", target=0),
    Kpi("mass_casualty_accidents", "群死群伤事故", "Mass-casualty accidents",
        "Accidents with mass casualties (one-vote veto; target: zero).", "accidents", "lower", target=0),
    Kpi("hazard_rectification_rate", "隐患整改率", "Hazards rectified", "Hazards rectified of hazards found.",
        "%", "higher", target=100, amber=5, source="incidents (hazards)"),
    Kpi("hazard_on_time_rate", "隐患按期整改率", "Hazards rectified on time",
        "Hazards rectified by their deadline of hazards rectified.", "%", "higher", target=100, amber=10,
        source="incidents (hazards)"),
    Kpi("facilities_in_order", "安全设施完好率", "Safety facilities in order",
        "Facilities (hydrants, extinguishers, gas alarms...) in order of those registered.", "%", "higher",
        target=100, amber=5, source="registry (facilities)"),
    Kpi("census_coverage", "企业普查覆盖率", "Business census coverage", "Units registered of units known.",
        "%", "higher", target=95, amber=5, source="registry (units)"),
    Kpi("volunteers_per_resident", "注册志愿者比例", "Volunteers per resident",
        "Active registered volunteers per 100 residents.", "%", "higher", target=20, amber=5,
        source="registry (volunteers)"),
    Kpi("landlord_letters_signed", "出租屋责任书签订率", "Landlord letters signed",
        "Rental dwellings whose landlord signed the responsibility letter.", "%", "higher", target=100,
        amber=5, source="registry (rental housing)"),
    Kpi("major_hazard_ack_minutes", "重大隐患确认时长（中位数）", "Time to acknowledge a major hazard (median)",
        "Minutes from a major hazard's notice being sent to its acknowledgement, median of the period.",
        "minutes", "lower", target=30, amber=30, source="notifications"),
)


# What a site's target may be, by the KPI's unit: a share is 0-100 %, a rate per 1,000 residents at
# most 1,000, a count of cases, people or accidents whole-number-like and not negative; a change on
# last year from -100 % (none left) up. Amber is a margin inside the same span.
TARGET_RANGES = {"%": (0, 100), "‰": (0, 1000), "cases": (0, 100_000), "people": (0, 100_000),
                 "accidents": (0, 100_000), "minutes": (0, 7 * 24 * 60)}
CHANGE_RANGE = (-100, 10_000)


def target_range(kpi):
    return CHANGE_RANGE if kpi.code.endswith("_change") else TARGET_RANGES[kpi.unit]


def check_target(kpi, target, amber):
    """A site's target and amber margin for the KPI, or FieldInvalid naming what is out of range."""
    low, high = target_range(kpi)
    if target is not None and not low <= target <= high:
        raise FieldInvalid("target", f"{kpi.code} is in {kpi.unit}: a target from {low:g} to {high:g}")
    if amber > high - low:
        raise FieldInvalid("amber", f"{kpi.code} is in {kpi.unit}: a margin of at most {high - low:g}")
    return target, amber


def with_targets(catalogue, overrides):
    """The catalogue with a site's targets: {code: {"target": t, "amber": a}}."""
    return tuple(replace(kpi, **overrides[kpi.code]) if kpi.code in overrides else kpi for kpi in catalogue)


def describe(kpi):
    return {"code": kpi.code, "name_zh": kpi.name_zh, "name_en": kpi.name_en, "definition": kpi.definition,
            "unit": kpi.unit, "better": kpi.better, "target": kpi.target, "amber": kpi.amber,
            "source": kpi.source}


def evaluate(catalogue, figures):
    rows = []
    for kpi in catalogue:
        compute = COMPUTE.get(kpi.code)
        value = compute(figures) if compute else None
        rows.append({**describe(kpi), "value": value, "status": kpi.status(value)})
    return rows
