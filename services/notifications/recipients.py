"""Who is told: recipients named by role, department, unit or person, resolved when the notice is
made, from notifications' own view of the registry (grids, departments, people in roles). Pure Python.

A recipient is a key, never a name: `person:<key>` (the registry's key for a person in a role),
`department:<code>`, `unit:<id>`, or `committee-office` (the office's addresses in the settings).
Contact addresses are looked up by that key (contacts.py) and never leave this service.

A recipient spec, as rules and subscriptions write it (one key each):
  {role: grid_head}               the holders of a grid role in the event's grid; a grid with none is
                                  covered by the grid above it, and so on up to the district
  {role: committee_office_staff}  the holders of a department role, wherever they hold it
  {department: D01}               that department
  {department_kind: work_safety}  every department of that kind (the district work-safety bureau)
  {department_field: to_department}  the department the event names in that field
  {unit: responsible}             the unit a hazard was reported against ({unit: <id>}: that unit)
  {person: <key>}                 one person
  {office: true}                  the committee office as the settings reach it (NOTIFY_OFFICE_*)
"""
from dataclasses import dataclass
from datetime import date
from typing import Optional, Protocol

COMMITTEE_OFFICE = "committee-office"
RESPONSIBLE = "responsible"
SPEC_KEYS = ("role", "department", "department_kind", "department_field", "unit", "person", "office")
MAX_LEVELS = 10  # district → street → community → grid and a few more: a loop in bad data ends here


@dataclass(frozen=True)
class Holder:
    """A person in a role (registry's assignment.started), as notifications keeps it."""
    assignment_id: str
    person_key: str
    role: str
    term_from: date
    grid_code: Optional[str] = None
    department_code: Optional[str] = None
    term_to: Optional[date] = None

    def active_on(self, day):
        return self.term_from <= day and (self.term_to is None or self.term_to >= day)


class Directory(Protocol):
    def parent_of(self, grid_code) -> Optional[str]: ...

    def holders(self, role, grid_code=None) -> list: ...  # grid_code None: every grid and department

    def departments_of_kind(self, kind) -> list: ...

    def unit_of_hazard(self, hazard_id) -> Optional[str]: ...

    def unit_type(self, unit_id) -> Optional[str]: ...


def person(key):
    return f"person:{key}"


def grid_and_above(directory, grid_code):
    """The grid, its parent, and so on to the top: what a grid scope 'including the grids below' is
    checked against."""
    found = []
    while grid_code and grid_code not in found and len(found) < MAX_LEVELS:
        found.append(grid_code)
        grid_code = directory.parent_of(grid_code)
    return found


def holders_at_or_above(directory, role, grid_code, day):
    """(grid, holders) for the nearest grid from grid_code upwards with someone in the role today;
    (None, []) when nobody holds it anywhere above."""
    for grid in grid_and_above(directory, grid_code):
        found = [holder for holder in directory.holders(role, grid) if holder.active_on(day)]
        if found:
            return grid, found
    return None, []


def resolve(spec, payload, directory, day):
    """The recipient keys one spec names for one event."""
    if "role" in spec:
        if payload.get("grid_code") and spec["role"] in GRID_ROLES:
            return [person(h.person_key) for h in holders_at_or_above(directory, spec["role"],
                                                                       payload["grid_code"], day)[1]]
        return [person(h.person_key) for h in directory.holders(spec["role"]) if h.active_on(day)]
    if "department" in spec:
        return [f"department:{spec['department']}"]
    if "department_kind" in spec:
        return [f"department:{code}" for code in directory.departments_of_kind(spec["department_kind"])]
    if "department_field" in spec:
        code = payload.get(spec["department_field"])
        return [f"department:{code}"] if code else []
    if "unit" in spec:
        unit = spec["unit"]
        if unit == RESPONSIBLE:
            unit = payload.get("unit_id") or directory.unit_of_hazard(payload.get("hazard_id"))
        return [f"unit:{unit}"] if unit else []
    if "person" in spec:
        return [person(spec["person"])]
    if spec.get("office"):
        return [COMMITTEE_OFFICE]
    raise ValueError(f"a recipient spec names one of {', '.join(SPEC_KEYS)}: {spec}")


def resolve_all(specs, payload, directory, day):
    """Every recipient the specs name, each once, in the order named."""
    return list(dict.fromkeys(key for spec in specs for key in resolve(spec, payload, directory, day)))


# Roles held in a grid (registry's ROLES): for these, "the event's grid" is where to look first.
GRID_ROLES = ("grid_head", "grid_information_officer", "community_safety_inspector", "building_head",
              "property_staff", "school_principal", "volunteer", "expert")
