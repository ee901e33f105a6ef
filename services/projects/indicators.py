"""Indicators fed by events: a project's measure of effect, defined as data, never as code.

An indicator either **counts** events (a type and conditions on its payload's fields, e.g.
`injury.reported` with cause fall, place home, age ≥ 60), month by month on the site's calendar,
optionally **per** a denominator (residents with a tag or in an age band, units of a type) times a
**factor** (per 1,000); or is a **share**: of the project's occurrences due in the month, those done;
or of the facilities of a type, those in a status (gas alarms working). Either is taken over a grid
scope (the grids named and every grid below them; none named: the whole district) and held against
a target that is a ceiling (`at_most`) or a floor (`at_least`). A new value for a month records
`indicator.updated`. Pure Python."""
from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime

from safecommunity.domain import Aggregate
from safecommunity.ids import new_id
from safecommunity.sitetime import month_of

from .domain import now_utc

# what may be counted: the field that dates an event into a month, and the one that names what it is
# about (an amendment of the same case moves its count, never adds one)
COUNTABLE = {
    "injury.reported": ("injury_time", "case_id"),
    "accident.reported": ("occurred_at", "accident_id"),
    "hazard.reported": ("at", "hazard_id"),
    "public_order.reported": ("occurred_at", "public_order_id"),
}
AMENDMENTS = {"injury.amended": "injury.reported"}  # an amendment carries the whole case as it stands now
NOT_CONDITIONS = {"case_id", "accident_id", "hazard_id", "public_order_id", "grid_code", "unit_id", "external_id",
                  "injury_time", "visit_time", "occurred_at", "at", "deadline"}  # identities and moments
SHARES = {"occurrences": ("项目活动按时完成率", "Share of the project's activities done"),
          "facilities": ("设施完好率", "Share of facilities in a status")}
DENOMINATORS = ("residents", "units")
DIRECTIONS = {"at_most": ("不高于", "at most"), "at_least": ("不低于", "at least")}


def accepts(condition, value):
    """Whether a payload's value meets one condition: a list of values, or a {min, max} range."""
    if isinstance(condition, dict):
        if not isinstance(value, (int, float)) or isinstance(value, bool):
            return False
        return condition.get("min", value) <= value <= condition.get("max", value)
    return value in condition


def event_month(event_type, data):
    """The site's month the event falls in, by the field that dates it."""
    moment = data[COUNTABLE[event_type][0]]
    return month_of(datetime.fromisoformat(moment) if isinstance(moment, str) else moment)


def subject_of(event_type, data):
    return data[COUNTABLE[event_type][1]]


def within(grid_code, scope, parents):
    """Whether a grid is one of the scope's or below one (`parents`: grid → its parent grid)."""
    if not scope:
        return True
    seen = set()
    while grid_code is not None and grid_code not in seen:
        if grid_code in scope:
            return True
        seen.add(grid_code)
        grid_code = parents.get(grid_code)
    return False


def below(scope, parents):
    """The scope's grids and every grid below them; None for the whole district."""
    if not scope:
        return None
    children = {}
    for code, parent in parents.items():
        children.setdefault(parent, []).append(code)
    found, todo = set(), list(scope)
    while todo:
        code = todo.pop()
        if code not in found:
            found.add(code)
            todo.extend(children.get(code, ()))
    return found


@dataclass
class Value:
    """An indicator's figures for a month."""
    indicator_id: str
    month: str
    numerator: float
    denominator: float | None = None
    value: float | None = None
    updated_at: datetime | None = None


@dataclass
class Indicator(Aggregate):
    project_id: str
    code: str
    name: str
    counts: dict | None = None      # {event, where: {field: [values] | {min, max}}}
    share: dict | None = None       # {of: occurrences} | {of: facilities, type, status: [...]}
    per: dict | None = None         # {residents: {tag?, age?: {min, max}, sex?, residence_type?}} | {units: {type}}
    grids: list = field(default_factory=list)
    factor: float = 1.0
    unit: str | None = None
    baseline: dict | None = None    # {figure, period, source}
    target: dict | None = None      # {value, direction: at_most | at_least, due_on?}
    created_by: str | None = None
    created_at: datetime | None = None
    id: str = field(default_factory=new_id)

    @classmethod
    def define(cls, project_id, actor="system", **definition):
        if definition.get("share") and "factor" not in definition:
            definition["factor"] = 100.0  # a share is a percentage unless the site says otherwise
        return cls(project_id=project_id, created_by=actor, created_at=now_utc(), **definition)

    @property
    def event_type(self):
        return self.counts["event"] if self.counts else None

    @property
    def kind(self):
        return "count" if self.counts else f"share_of_{self.share['of']}"

    def meets(self, data):
        """Whether a counted event's payload meets every condition (its grid aside)."""
        return all(name in data and accepts(condition, data[name]) for name, condition in self.counts["where"].items())

    def counted_month(self, data, parents):
        """The month a counted event adds to, or None when the event does not count here."""
        if not self.meets(data) or (self.grids and not within(data.get("grid_code"), set(self.grids), parents)):
            return None
        return event_month(self.event_type, data)

    def figure(self, numerator, denominator):
        """The value from its parts: a count, or numerator / denominator × factor (None over 0)."""
        if denominator is None and not (self.per or self.share):
            return round(numerator * self.factor, 4)
        if not denominator:
            return None
        return round(numerator / denominator * self.factor, 4)

    def on_target(self, value):
        if value is None or not self.target:
            return None
        goal = self.target["value"]
        return value <= goal if self.target["direction"] == "at_most" else value >= goal

    def revalue(self, previous, month, numerator, denominator, at=None):
        """The month's new Value, recording indicator.updated when it differs from `previous`."""
        value = self.figure(numerator, denominator)
        if previous is not None and (previous.numerator, previous.denominator, previous.value) == (
                numerator, denominator, value):
            return previous
        self.record("indicator.updated", indicator_id=self.id, project_id=self.project_id, code=self.code,
                    month=month, numerator=numerator, denominator=denominator, value=value,
                    target=(self.target or {}).get("value"), direction=(self.target or {}).get("direction"),
                    on_target=self.on_target(value))
        return Value(self.id, month, numerator, denominator, value, at or now_utc())


class Matcher:
    """The indicators counting one event type, indexed so that an event is checked against a few of
    them, not all: by the values of the field most of them name a list for (cause, say), and by the
    grids each one's scope holds (worked out once, not walked up per event)."""

    def __init__(self, event_type, indicators, parents):
        self.event_type, self.indicators = event_type, indicators
        self.scopes = {indicator.id: below(indicator.grids, parents) for indicator in indicators}
        named = Counter(name for i in indicators for name, c in i.counts["where"].items() if isinstance(c, list))
        self.key = named.most_common(1)[0][0] if named else None
        self.by_value, self.rest = {}, []
        for indicator in indicators:
            condition = indicator.counts["where"].get(self.key)
            if isinstance(condition, list):
                for value in condition:
                    self.by_value.setdefault(value, []).append(indicator)
            else:
                self.rest.append(indicator)

    def counting(self, data):
        """[(indicator, month)] of the indicators the event counts in, and the month."""
        candidates = self.by_value.get(data.get(self.key), []) + self.rest if self.key else self.rest
        grid, found = data.get("grid_code"), []
        for indicator in candidates:
            scope = self.scopes[indicator.id]
            if (scope is None or grid in scope) and indicator.meets(data):
                found.append(indicator)
        month = event_month(self.event_type, data) if found else None
        return [(indicator, month) for indicator in found]


def age_band(condition, month):
    """A residents' age condition as birth years for the month's year: (earliest, latest) or None."""
    if not condition:
        return None
    year = int(month[:4])
    oldest, youngest = condition.get("max"), condition.get("min")
    return (year - oldest if oldest is not None else None, year - youngest if youngest is not None else None)


def this_month():
    """The site's current month."""
    return month_of(now_utc())
