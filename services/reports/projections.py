"""How each event type changes the read models: functions of (changes, hierarchy, events) that say
what to add, so the same code serves live batches and a rebuild of the whole journal."""
from collections import Counter, defaultdict
from itertools import groupby

from .domain import age_band, site_month
from .indicators import indicators_updated
from .other_events import other_events_counted
from .registry_projections import (
    facilities_changed,
    grids_created,
    rentals_changed,
    residents_moved_out,
    residents_registered,
    residents_tagged,
    residents_untagged,
    residents_updated,
    units_registered,
    units_risk_graded,
    volunteers_changed,
    volunteers_left,
)
from .tables import (
    CARD_DIMENSIONS,
    DISTRICT,
    LATEST_BY,
    NO_GRID,
    accident_rollups,
    acknowledgements,
    evidence_rollups,
    grid_injuries,
    hazards,
    injury_facts,
    injury_rollups,
    notice_rollups,
    projects,
    public_order,
)


class Changes:
    """Rows to insert and counters to add up, written in one go by ReadModels.apply."""

    def __init__(self, stored_fact=lambda case_id: None):
        self.rows = defaultdict(list)
        self.updates = []                      # (table, key, values), applied in order
        self.latest = defaultdict(dict)        # table -> {key: row}: the row with the latest LATEST_BY
        self.increments = defaultdict(Counter)
        self.case_cells = Counter()            # injury rollup cells of the nearest scope; see roll_up
        self.new_facts = {}                    # case id -> its row in self.rows, not yet written
        self.stored_fact = stored_fact         # case id -> the row already written, or None

    def keep_latest(self, table, row):
        """Keep `row` unless one of its key with a later LATEST_BY is kept (written the same way)."""
        key, order = tuple(row[column.name] for column in table.primary_key.columns), LATEST_BY[table]
        kept = self.latest[table].get(key)
        if kept is None or kept[order] <= row[order]:
            self.latest[table][key] = row

    def fact(self, case_id):
        return self.new_facts.get(case_id) or self.stored_fact(case_id)

    def roll_up(self, hierarchy):
        """Add the case cells counted at each case's nearest scope to every scope up to the district.
        Cases share these cells far more than they share cells of their grid, so a rebuild adds up
        each case once, not once per level, and rolls up once at the end."""
        rollups, levels = self.increments[injury_rollups], {DISTRICT: [DISTRICT]}
        for (scope, month, dimension, value), n in self.case_cells.items():
            if scope not in levels:  # a few dozen scopes hold hundreds of thousands of cells
                levels[scope] = [scope] + hierarchy.above(scope)
            for level in levels[scope]:
                rollups[(level, month, dimension, value)] += n
        self.case_cells.clear()

    def clear(self):
        self.rows.clear()
        self.updates.clear()
        self.latest.clear()
        self.increments.clear()
        self.case_cells.clear()
        self.new_facts.clear()


class Hierarchy:
    """Which grid sits above which, as the grid.created events have said so far."""

    def __init__(self, parents):
        self.parents = dict(parents)

    def above(self, code):
        """The grids above `code`, nearest first, then "*" (the district)."""
        found, current = [], self.parents.get(code)
        while current and current not in found:
            found.append(current)
            current = self.parents.get(current)
        return found + [DISTRICT]



def injury_cells(fields):
    """The (dimension, value) pairs a case counts in."""
    return ([("all", "")] + [(name, fields[name]) for name in CARD_DIMENSIONS]
            + [("age_band", fields["age_band"]), ("age_band*cause", f"{fields['age_band']}*{fields['cause']}")])


def case_fact(data):
    fields = {name: data[name] for name in CARD_DIMENSIONS}
    return {"case_id": data["case_id"], "grid_code": data.get("grid_code") or NO_GRID,
            "month": site_month(data["injury_time"]), **fields, "age_band": age_band(data["age"])}


def count_case(changes, hierarchy, fact, sign=1):
    """Add a case's fact to the counters (or take it away: sign -1)."""
    grid, month = fact["grid_code"], fact["month"]
    changes.increments[grid_injuries][(grid, month)] += sign
    nearest = hierarchy.above(grid)[0] if grid else DISTRICT
    keys = [(nearest, month, dimension, value) for dimension, value in injury_cells(fact)]
    if sign > 0:
        changes.case_cells.update(keys)  # counted in C; Changes.roll_up takes them up the levels
    else:
        changes.case_cells.subtract(keys)


def injuries_reported(changes, hierarchy, events):
    for event in events:  # incidents reports a case once; amendments come as injury.amended
        fact = case_fact(event.data)
        changes.rows[injury_facts].append(fact)
        changes.new_facts[fact["case_id"]] = fact
        count_case(changes, hierarchy, fact)


def injuries_amended(changes, hierarchy, events):
    """A corrected case moves from the cells of what it was to those of what it is."""
    for event in events:
        fact, old = case_fact(event.data), changes.fact(event.data["case_id"])
        if old is None:
            injuries_reported(changes, hierarchy, [event])
            continue
        count_case(changes, hierarchy, old, sign=-1)
        count_case(changes, hierarchy, fact)
        if old is changes.new_facts.get(fact["case_id"]):
            old.update(fact)                          # not written yet: write it as it now is
        else:
            changes.updates.append((injury_facts, {"case_id": fact["case_id"]}, fact))
            changes.new_facts[fact["case_id"]] = fact  # later amendments in this batch start here



def hazards_reported(changes, hierarchy, events):
    changes.rows[hazards].extend({
        "hazard_id": e.data["hazard_id"], "category": e.data["category"], "severity": e.data["severity"],
        "grid_code": e.data.get("grid_code") or NO_GRID, "status": e.data["status"], "deadline": e.data["deadline"],
        "reported_at": e.data["at"], "overdue": False, "escalations": 0} for e in events)


# What else each hazard event changes, besides its status and deadline.
HAZARD_FACTS = {
    "hazard.rectified": lambda data: {"rectified_at": data["at"]},
    "hazard.verified": lambda data: {"verified_on_time": data["on_time"]},
    "hazard.closed": lambda data: {"verified_on_time": data["on_time"]},
    "hazard.reopened": lambda data: {"rectified_at": None, "verified_on_time": None},
    "hazard.overdue": lambda data: {"overdue": True},
}


def hazards_changed(changes, hierarchy, events):
    for event in events:
        data = event.data
        values = {"status": data["status"], "deadline": data["deadline"],
                  **HAZARD_FACTS.get(event.type, lambda _data: {})(data)}
        if event.type == "hazard.escalated":
            values["escalations"] = hazards.c.escalations + 1
        changes.updates.append((hazards, {"hazard_id": data["hazard_id"]}, values))


ACCIDENT_MEASURES = (("accidents", lambda d: 1), ("deaths", lambda d: d["deaths"]),
                     ("injuries", lambda d: d["injuries"]), ("loss", lambda d: d.get("economic_loss") or 0),
                     ("mass_casualty", lambda d: int(d["mass_casualty"])))


def accidents_reported(changes, hierarchy, events):
    rollups = changes.increments[accident_rollups]
    for event in events:
        data, month = event.data, site_month(event.data["occurred_at"])
        grid = data.get("grid_code")
        for scope in ([grid] + hierarchy.above(grid)) if grid else [DISTRICT]:
            for measure, amount in ACCIDENT_MEASURES:
                rollups[(scope, month, data["kind"], measure)] += amount(data)


def public_order_reported(changes, hierarchy, events):
    """One row per public-order event, in its site month; a dispute starts at its first step
    (预警), as incidents reports it, unless the event says how far it has gone."""
    changes.rows[public_order].extend({
        "public_order_id": e.data["public_order_id"], "kind": e.data["kind"],
        "grid_code": e.data.get("grid_code") or NO_GRID, "month": site_month(e.data["occurred_at"]),
        "stage": e.data.get("stage") or ("warned" if e.data["kind"] == "dispute" else None)} for e in events)


def public_order_advanced(changes, hierarchy, events):
    """A dispute's stage as mediation goes on; counted by stage (调处 mediated: the dispute settled)."""
    for event in events:
        changes.updates.append((public_order, {"public_order_id": event.data["public_order_id"]},
                                {"stage": event.data["stage"]}))


def projects_created(changes, hierarchy, events):
    changes.rows[projects].extend({"project_id": e.data["project_id"], "name": e.data["name"],
                                   "intervention_area": e.data["intervention_area"], "status": e.data["status"],
                                   "lifecycle": e.data.get("lifecycle") or "planned", "done": 0, "missed": 0,
                                   "evidence": 0} for e in events)


def projects_changed(changes, hierarchy, events):
    """A project's area, status and life cycle as they stand (project.updated, .status_changed)."""
    for event in events:
        values = {"intervention_area": event.data["intervention_area"], "lifecycle": event.data["lifecycle"]}
        if "status" in event.data:
            values["status"] = event.data["status"]
        changes.updates.append((projects, {"project_id": event.data["project_id"]}, values))


def occurrences_ended(changes, hierarchy, events):
    """An occurrence of a project's activity done (activity.completed) or missed (activity.missed)."""
    for event in events:
        column = "done" if event.type == "activity.completed" else "missed"
        changes.updates.append((projects, {"project_id": event.data["project_id"]},
                                {column: projects.c[column] + 1}))


def notices_ended(changes, hierarchy, events):
    """A delivery sent or failed (dead), counted in the site's month of the event."""
    rollups = changes.increments[notice_rollups]
    for event in events:
        status = "sent" if event.type == "notification.sent" else "failed"
        rollups[(site_month(event.time), event.data["channel"], status)] += 1


def notices_acknowledged(changes, hierarchy, events):
    changes.rows[acknowledgements].extend({
        "notification_id": e.data["notification_id"], "month": site_month(e.data["acknowledged_at"]),
        "event_type": e.data.get("event_type"), "severity": e.data.get("severity"),
        "seconds": e.data.get("seconds_after_sent")} for e in events)


# projects' codes for AQ/T 9001's elements -> this service's (periodic.ELEMENTS): the same twelve
EVIDENCE_ELEMENTS = {"organisation": "organisation", "funding_resources": "resources", "diagnosis": "diagnosis",
                     "promotion_projects": "projects", "high_risk": "high_risk", "publicity_training": "publicity",
                     "emergency": "emergency", "injury_surveillance": "surveillance", "evaluation": "evaluation",
                     "corrective_action": "corrective", "archives": "archives",
                     "continuous_improvement": "improvement"}


def evidence_added(changes, hierarchy, events):
    """Counted per element and month, and on its project (a meeting's has none)."""
    rollups = changes.increments[evidence_rollups]
    for event in events:
        for element in dict.fromkeys(event.data["elements"]):
            rollups[(site_month(event.time), EVIDENCE_ELEMENTS.get(element, element))] += 1
        if event.data.get("project_id"):
            changes.updates.append((projects, {"project_id": event.data["project_id"]},
                                    {"evidence": projects.c.evidence + 1}))


PROJECTIONS = {
    "grid.created": grids_created,
    "resident.registered": residents_registered,
    "resident.updated": residents_updated,
    "resident.moved_out": residents_moved_out,
    "resident.tagged": residents_tagged,
    "resident.untagged": residents_untagged,
    "unit.registered": units_registered,
    "unit.risk_graded": units_risk_graded,
    "facility.registered": facilities_changed,
    "facility.updated": facilities_changed,
    "facility.inspected": facilities_changed,
    "rental.registered": rentals_changed,
    "rental.updated": rentals_changed,
    "volunteer.registered": volunteers_changed,
    "volunteer.updated": volunteers_changed,
    "volunteer.left": volunteers_left,
    "injury.reported": injuries_reported,
    "injury.amended": injuries_amended,
    "accident.reported": accidents_reported,
    "public_order.reported": public_order_reported,
    "public_order.advanced": public_order_advanced,
    "hazard.reported": hazards_reported,
    **{type_: hazards_changed for type_ in ("hazard.notified", "hazard.rectified", "hazard.verified",
                                            "hazard.reopened", "hazard.escalated", "hazard.overdue",
                                            "hazard.closed")},
    "project.created": projects_created,
    "project.updated": projects_changed,
    "project.status_changed": projects_changed,
    "activity.completed": occurrences_ended,
    "activity.missed": occurrences_ended,
    "evidence.added": evidence_added,
    "indicator.updated": indicators_updated,
    "notification.sent": notices_ended,
    "notification.failed": notices_ended,
    "notification.acknowledged": notices_acknowledged,
}


def project_into(changes, hierarchy, events, roll_up=True):
    """Apply events in order (runs of one type at a time); a type with no read model of its own is
    counted in other_events. A rebuild passes roll_up=False for each chunk and calls changes.roll_up
    once, at the end."""
    for type_, run in groupby(events, key=lambda event: event.type):
        PROJECTIONS.get(type_, other_events_counted)(changes, hierarchy, list(run))
    if roll_up:
        changes.roll_up(hierarchy)


def project(models, events):
    """Project a live batch and write it."""
    changes = Changes(stored_fact=models.fact)
    project_into(changes, Hierarchy(models.hierarchy()), events)
    models.apply(changes)
