"""Events of every type reports has no read model of its own for (a new service's, say): counted
per type, site month of the event's time and the grid its payload names, and shown on the dashboard
with what the catalogue says of them. Pure Python; projections.py dispatches to it."""
from .domain import site_month
from .tables import NO_GRID, other_events

GRID_CODE_LENGTH = other_events.c.grid_code.type.length


def grid_of(data):
    """The payload's grid_code if it is one (a string a grid code can be), else none ("")."""
    grid = data.get("grid_code") if isinstance(data, dict) else None
    return grid if isinstance(grid, str) and 0 < len(grid) <= GRID_CODE_LENGTH else NO_GRID


def other_events_counted(changes, hierarchy, events):
    """Each event once, under its type, the site month of its time and its grid."""
    counts = changes.increments[other_events]
    for event in events:
        counts[(event.type, site_month(event.time), grid_of(event.data))] += 1


def other_event_figures(counts, months, catalogue):
    """Per type counted in the period ({(type, month): events}): its producer and summary from the
    catalogue (None for a type it does not list), its events and its events per month; most first."""
    rows = []
    for type_ in sorted({type_ for type_, month in counts if month in months}):
        spec = catalogue.get(type_)
        by_month = {month: counts.get((type_, month), 0) for month in months}
        rows.append({"type": type_, "producer": spec.producer if spec else None,
                     "summary": spec.summary if spec else None, "events": sum(by_month.values()),
                     "by_month": by_month})
    return sorted(rows, key=lambda row: -row["events"])
