"""What a caller without reports:read may see of reports' answers: small counts as "<5", nothing
computed from one, no sensitive tag. Pure Python, over the answers as the routes build them, with
one table per answer saying which of its figures are counts and what the others are computed from.

Why: in a grid of a few hundred residents, "1 injury, a woman aged 80+" points at a person. A count
from 1 to SUPPRESS_BELOW - 1 is shown as f"<{below}"; 0 stays 0 (it points at no one). A rate, share
or mean computed from such a count is null, never a marker: with the other count shown it would give
the small one back, and a "<5" where a rate belongs would read as a rate under five. A KPI computed
from a small count has the status "suppressed", since its red or green would hint at the count.
This is primary suppression only: a small cell can still be worked out from a total and the cells
shown beside it.
"""
from dataclasses import dataclass

READ = "reports:read"
COUNT = "count"            # a figure that counts people, cases or things
EVERY = "*"                # in a table: every key of the object (tags, categories, kinds)
SUPPRESSED = "suppressed"  # the status of a KPI whose value is withheld


@dataclass(frozen=True)
class Audience:
    """Whom figures are for: `below` None for exact figures (a caller with reports:read)."""

    below: int | None = None

    @property
    def exact(self):
        return self.below is None


EXACT = Audience()


def audience_of(caller, below):
    return EXACT if caller.has(READ) else Audience(below)


@dataclass(frozen=True)
class From:
    """A figure computed from counts: their keys in the same object, or paths from the top of the
    answer ("/totals/residents")."""

    counts: tuple


def computed_from(*counts):
    return From(counts)


def small(value, below):
    return isinstance(value, int | float) and not isinstance(value, bool) and 0 < value < below


def masked(value, below):
    return f"<{below}" if small(value, below) else value


def hide(value, shape, below, top=None, row=None):
    """`value` with its small counts masked and what is computed from them withheld; `shape` is
    its table (COUNT, From, {key: shape}, [shape of each item]; None: not a count)."""
    top = value if top is None else top
    if shape == COUNT:
        return masked(value, below)
    if isinstance(shape, From):
        return None if any(small(_look_up(name, row, top), below) for name in shape.counts) else value
    if isinstance(shape, list) and isinstance(value, list):
        return [hide(item, shape[0], below, top, row) for item in value]
    if isinstance(shape, dict) and isinstance(value, dict):
        return {key: hide(item, shape.get(key, shape.get(EVERY)), below, top, value) for key, item in value.items()}
    return value


def _look_up(name, row, top):
    if not name.startswith("/"):
        return row[name]
    for part in name[1:].split("/"):
        top = top[part]
    return top


def hide_kpis(rows, inputs, below):
    """KPI rows: one that is a count masked; one computed from a small count withheld."""
    return [_hide_kpi(row, inputs.get(row["code"], ()), below) for row in rows]


def _hide_kpi(row, inputs, below):
    if inputs == COUNT:
        return {**row, "value": masked(row["value"], below)}
    if any(small(count, below) for count in inputs):
        return {**row, "value": None, "status": SUPPRESSED}
    return row


def shown(answer, shape, audience, kpi_inputs=None):
    """The answer as the audience may see it; a suppressed one says under what it was."""
    if audience.exact:
        return answer
    public = hide(answer, shape, audience.below)
    if kpi_inputs is not None:
        public["kpis"] = hide_kpis(answer["kpis"], kpi_inputs, audience.below)
    return {**public, "suppressed_below": audience.below}


def visible_tags(counts, sensitivity, audience):
    """Residents per tag as the audience may see them: without reports:read, only the tags the
    registry's events said are not sensitive (a tag no event spoke of might be)."""
    if audience.exact:
        return counts
    return {tag: n for tag, n in counts.items() if sensitivity.get(tag) is False}


# -- which figures of each answer are counts -----------------------------------------------------

COUNTS = {EVERY: COUNT}
RATE_ROW = {"residents": COUNT, "injuries": COUNT, "rate_per_1000": computed_from("injuries", "residents")}
SHARE_ROW = {"injuries": COUNT, "share": computed_from("injuries", "/totals/injuries")}

INDICATOR_POINT = {"numerator": COUNT, "value": computed_from("numerator"), "on_target": computed_from("numerator")}
INDICATOR = {**INDICATOR_POINT, "series": [INDICATOR_POINT]}

PUBLIC_ORDER_FIGURES = {"total": COUNT, "by_kind": COUNTS, "by_month": COUNTS, "by_grid": [{"events": COUNT}],
                        "disputes": {"total": COUNT, "by_stage": COUNTS}}

DASHBOARD = {
    "totals": {"injuries": COUNT, "injuries_last_year": COUNT, "residents": COUNT, "deaths": COUNT,
               "rate_per_1000": computed_from("injuries", "residents")},
    "trend": {"this_year": [COUNT], "last_year": [COUNT]},
    "by_cause": [SHARE_ROW],
    "by_severity": [SHARE_ROW],
    "by_age_band": [RATE_ROW],
    "by_grid": [RATE_ROW],
    "elderly_falls": {"falls": COUNT, "by_age_band": COUNTS, "residents_60_plus": COUNT,
                      "rate_per_1000": computed_from("falls", "residents_60_plus")},
    "hazards": {"found": COUNT, "rectified": COUNT, "verified": COUNT, "verified_on_time": COUNT,
                "rectification_rate": computed_from("rectified", "found"),
                "on_time_rate": computed_from("verified_on_time", "verified"),
                "mean_days_to_rectify": computed_from("rectified"), "escalations": COUNT, "open_now": COUNT,
                "overdue_now": COUNT, "major_open_now": COUNT, "by_category": COUNTS},
    "accidents": {"accidents": COUNT, "deaths": COUNT, "injuries": COUNT, "mass_casualty": COUNT,
                  "economic_loss": computed_from("accidents"), "by_kind": COUNTS},
    "public_order": PUBLIC_ORDER_FIGURES,
    "evidence": COUNTS,
    "other_events": [{"events": COUNT, "by_month": COUNTS}],
    # programme figures, exact for everyone (activities done and missed, evidence items), but for an
    # indicator counting few cases (falls at home in one community): its value and verdict withheld
    "projects": [{"indicators": [INDICATOR]}],
    "registry": {
        "tags": COUNTS,
        "units": {"total": COUNT, "by_type": COUNTS, "by_risk_grade": COUNTS},
        "facilities": {"total": COUNT, "in_order": COUNT, "overdue_inspection": COUNT, "by_type": COUNTS,
                       "in_order_rate": computed_from("in_order", "total")},
        "rentals": {"total": COUNT, "group_rentals": COUNT, "tenants": COUNT, "letter_signed": COUNT,
                    "letter_signed_rate": computed_from("letter_signed", "total"),
                    "mean_inspection_score": computed_from("total")},
        "volunteers": {"active": COUNT, "certified": COUNT, "by_type": COUNTS,
                       "per_100_residents": computed_from("active", "/totals/residents")}},
}
PUBLIC_ORDER = {"public_order": PUBLIC_ORDER_FIGURES}
KPIS = {}  # the KPI list's rows go through hide_kpis
INJURY_RATES = {"grids": [RATE_ROW], "district": RATE_ROW}
SUMMARY = {"injuries": COUNT, "residents": COUNT, "grids": COUNT, "projects": COUNT}  # events_kept: ops'
