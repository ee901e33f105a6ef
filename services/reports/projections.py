"""How each event type changes the read models. Functions of (read models, events) only."""
from collections import Counter
from itertools import groupby

from .domain import age_band
from .storage import DISTRICT, NO_GRID, grid_names, injury_stats, population_stats, projects

# Card fields counted one at a time; age band and (age band, cause) are derived.
CARD_DIMENSIONS = ("cause", "intent", "place", "activity", "nature", "body_part", "severity", "outcome",
                   "sex", "residence_type")


def grids_created(models, events):
    models.put(grid_names, [{"code": e.data["code"], "name": e.data["name"], "level": e.data["level"],
                             "parent_code": e.data.get("parent_code")} for e in events])


def residents_registered(models, events):
    counts = Counter()
    for event in events:
        data = event.data
        for scope in (data["grid_code"], DISTRICT):
            counts[(scope, data["birth_year"], data["sex"], data["residence_type"])] += 1
    models.add_to(population_stats, "residents", counts)


def injury_cells(data):
    band = age_band(data["age"])
    return ([("all", "")] + [(dimension, data[dimension]) for dimension in CARD_DIMENSIONS]
            + [("age_band", band), ("age_band*cause", f"{band}*{data['cause']}")])


def injuries_reported(models, events):
    counts = Counter()
    for event in events:
        data, month = event.data, event.data["injury_time"][:7]
        for scope in (data.get("grid_code") or NO_GRID, DISTRICT):
            for dimension, value in injury_cells(data):
                counts[(scope, month, dimension, value)] += 1
    models.add_to(injury_stats, "injuries", counts)


def projects_created(models, events):
    models.put(projects, [{"project_id": e.data["project_id"], "name": e.data["name"],
                           "intervention_area": e.data["intervention_area"],
                           "status": e.data["status"]} for e in events])


PROJECTIONS = {
    "grid.created": grids_created,
    "resident.registered": residents_registered,
    "injury.reported": injuries_reported,
    "project.created": projects_created,
}


def project(models, events):
    """Apply events in order (runs of one type at a time); types with no read model are only kept."""
    for type_, run in groupby(events, key=lambda event: event.type):
        apply = PROJECTIONS.get(type_)
        if apply:
            apply(models, list(run))
