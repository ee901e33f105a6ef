"""How registry's events change the read models: residents by grid and tag (and what the events
say of each tag's sensitivity), units, facilities, rentals and volunteers, and the grid hierarchy
itself. Functions of (changes, hierarchy, events), as in projections.py."""
from .tables import (
    facilities,
    grid_names,
    grid_residents,
    population_stats,
    population_tags,
    rentals,
    tag_sensitivity,
    unit_stats,
    volunteers,
)


def grids_created(changes, hierarchy, events):
    for event in events:
        data = event.data
        hierarchy.parents[data["code"]] = data.get("parent_code")
        changes.rows[grid_names].append({"code": data["code"], "name": data["name"], "level": data["level"],
                                         "parent_code": data.get("parent_code")})


def count_resident(changes, hierarchy, key, tags, sign=1):
    """Add a resident (or take one away: sign -1) to the counts of the grid and the grids above."""
    people, own, tagged = (changes.increments[table] for table in (population_stats, grid_residents,
                                                                   population_tags))
    own[(key["grid_code"],)] += sign
    for scope in [key["grid_code"]] + hierarchy.above(key["grid_code"]):
        people[(scope, key["birth_year"], key["sex"], key["residence_type"])] += sign
        for tag in tags:
            tagged[(scope, tag)] += sign


def tags_said(changes, tags, sensitive):
    """Count what an event says of its tags: each is sensitive (in `sensitive`) or not; an event
    that says nothing (None: from before the registry said, or it did not know) counts for none."""
    if sensitive is None:
        return
    said = changes.increments[tag_sensitivity]
    for tag in tags:
        said[(tag, tag in sensitive)] += 1


def tag_said(data):
    """resident.tagged / untagged say it of one tag: as tags_said's `sensitive`."""
    return None if data.get("sensitive") is None else [data["tag"]] if data["sensitive"] else []


def residents_registered(changes, hierarchy, events):
    for event in events:
        tags = event.data.get("tags") or []
        count_resident(changes, hierarchy, event.data, tags)
        tags_said(changes, tags, event.data.get("sensitive_tags"))


def residents_updated(changes, hierarchy, events):
    """The counting key before (grid, sex, birth year, residence type) counts down, the new one up."""
    for event in events:
        tags = event.data["tags"]
        count_resident(changes, hierarchy, event.data["previous"], tags, sign=-1)
        count_resident(changes, hierarchy, event.data, tags)
        tags_said(changes, tags, event.data.get("sensitive_tags"))


def residents_moved_out(changes, hierarchy, events):
    for event in events:
        count_resident(changes, hierarchy, event.data, event.data["tags"], sign=-1)
        tags_said(changes, event.data["tags"], event.data.get("sensitive_tags"))


def residents_tagged(changes, hierarchy, events, sign=1):
    tagged = changes.increments[population_tags]
    for event in events:
        for scope in [event.data["grid_code"]] + hierarchy.above(event.data["grid_code"]):
            tagged[(scope, event.data["tag"])] += sign
        tags_said(changes, [event.data["tag"]], tag_said(event.data))


def residents_untagged(changes, hierarchy, events):
    residents_tagged(changes, hierarchy, events, sign=-1)


def count_unit(changes, hierarchy, grid, type_, grade, sign=1):
    units = changes.increments[unit_stats]
    for scope in [grid] + hierarchy.above(grid):
        units[(scope, type_, grade or "")] += sign


def units_registered(changes, hierarchy, events):
    for event in events:
        count_unit(changes, hierarchy, event.data["grid_code"], event.data["type"], event.data.get("risk_grade"))


def units_risk_graded(changes, hierarchy, events):
    for event in events:
        data = event.data
        count_unit(changes, hierarchy, data["grid_code"], data["type"], data.get("previous_risk_grade"), sign=-1)
        count_unit(changes, hierarchy, data["grid_code"], data["type"], data["risk_grade"])


def keep_latest(table, key, fields, **extra):
    """A projection that keeps one row per thing, as the thing's latest event says it is now."""
    def project_rows(changes, hierarchy, events):
        for event in events:
            row = {**{name: event.data[name] for name in (key,) + fields}, **extra}
            changes.rows[table].append(row)        # new: inserted; known: left, then updated below
            changes.updates.append((table, {key: row[key]}, row))
    return project_rows


facilities_changed = keep_latest(facilities, "facility_id", ("type", "grid_code", "status", "next_inspection_due"))
rentals_changed = keep_latest(rentals, "rental_id", ("grid_code", "group_rental", "letter_signed", "tenants",
                                                     "inspection_score"))
volunteers_changed = keep_latest(volunteers, "volunteer_id", ("grid_code", "type", "certified"), active=True)
volunteers_left = keep_latest(volunteers, "volunteer_id", ("grid_code", "type", "certified"), active=False)
