"""Steps for people in roles (assignments) and a grid's responsible persons."""

from safecommunity import sitetime

from ..offices import Assignment
from ..schemas import AssignmentSchema
from ..views import assignment_view, audited
from .common import saved


def show_assignments(store, caller, found):
    views = [assignment_view(assignment, caller.scopes) for assignment in found]
    store.audit.record(caller.subject, "assignment", audited(views))
    store.commit()
    return AssignmentSchema(many=True).dump([view for view, _ in views])


def appoint(store, command):
    if command["grid_code"]:
        store.grids.referenced_by("grid_code", command["grid_code"])
    if command["department_code"]:
        store.departments.referenced_by("department_code", command["department_code"])
    if command["resident_id"]:
        store.residents.referenced_by("resident_id", command["resident_id"])
    assignment = Assignment.appoint(**command)
    store.assignments.add(assignment)
    store.commit()
    return assignment


def end_term(store, assignment_id, command):
    assignment = store.assignments.get(assignment_id)
    assignment.end(command["ended_on"])
    return saved(store, store.assignments, assignment)


def grid_people(store, caller, code, limit, offset):
    """Who holds a role on the grid today (its responsible persons)."""
    store.grids.get(code)
    found = store.assignments.search({"grid_code": code, "active_on": sitetime.today()}, limit, offset)
    return show_assignments(store, caller, found)
