"""How each event type changes the read models. Pure functions of (read models, events)."""
from collections import Counter
from itertools import groupby

from .storage import UNGRIDDED, grid_names, injury_counts, population, projects


def grids_created(models, events):
    models.put(grid_names, [{"code": e.data["code"], "name": e.data["name"], "level": e.data["level"],
                             "parent_code": e.data.get("parent_code")} for e in events])


def residents_registered(models, events):
    models.add_to(population, "residents", Counter((e.data["grid_code"],) for e in events))


def injuries_reported(models, events):
    models.add_to(injury_counts, "injuries", Counter(
        (e.data.get("grid_code") or UNGRIDDED, e.data["injury_time"][:7], e.data["cause"],
         e.data["severity"]) for e in events))


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
