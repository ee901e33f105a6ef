"""Project indicators in reports: each indicator.updated kept as the value of its indicator and site
month unless a later one (by the event's time: events can arrive out of order) is already kept, and
what the dashboard shows of them per project: the latest month's value against its target, and the
months before it. The indicator's name is not in the event, so it is shown by its code. The
numerator is shown too: without reports:read a small one is "<5" and the value computed from it
withheld (suppression.py), as for every rate."""
from datetime import datetime, timezone

from .tables import indicator_values

SERIES_MONTHS = 12
FIELDS = ("project_id", "code", "numerator", "denominator", "value", "target", "direction", "on_target")
SHOWN = ("indicator_id", "code", "month", "numerator", "value", "target", "direction", "on_target")


def utc_text(time):
    """An event's time as fixed-width UTC text (no offset is UTC), so that text order is time order."""
    moment = datetime.fromisoformat(time)
    moment = moment if moment.tzinfo else moment.replace(tzinfo=timezone.utc)
    return moment.astimezone(timezone.utc).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def indicators_updated(changes, hierarchy, events):
    for event in events:
        data = event.data
        changes.keep_latest(indicator_values, {"indicator_id": data["indicator_id"], "month": data["month"],
                                               **{name: data.get(name) for name in FIELDS},
                                               "updated_at": utc_text(event.time)})


def months_up_to(end, count=SERIES_MONTHS):
    """The `count` months that end with `end` ('YYYY-MM'), oldest first."""
    year, month = int(end[:4]), int(end[5:])
    found = []
    for back in range(count - 1, -1, -1):
        index = year * 12 + month - 1 - back
        found.append(f"{index // 12:04d}-{index % 12 + 1:02d}")
    return found


def by_project(latest, series, months):
    """{project id: [indicator]}: each indicator's latest month (`latest`: its row of that month)
    with its value, target, direction and on_target, and `series`' values for each of `months`
    (None where there is none), indicators in the order of their codes."""
    values = {(row["indicator_id"], row["month"]): row for row in series}
    found = {}
    for row in sorted(latest, key=lambda row: (row["code"], row["indicator_id"])):
        found.setdefault(row["project_id"], []).append({
            **{name: row[name] for name in SHOWN},
            "series": [point(values.get((row["indicator_id"], month), {}), month) for month in months]})
    return found


def point(row, month):
    return {"month": month, "numerator": row.get("numerator"), "value": row.get("value"),
            "on_target": row.get("on_target")}


def with_indicators(projects, indicators):
    return [{**project, "indicators": indicators.get(project["project_id"], [])} for project in projects]
