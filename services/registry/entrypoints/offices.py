"""Entrypoints for departments, the roles and people in roles (a grid's responsible persons too).

A mix-in of RegistryService (service.py), which gives it `store` and `caller`."""
from safecommunity.web import http, paging, read_json

from .. import handlers as do
from ..handlers import READ, WRITE
from ..offices import Department, roles
from ..schemas import (
    AppointSchema,
    AssignmentQuerySchema,
    DepartmentQuerySchema,
    DepartmentSchema,
    EndTermSchema,
    NoQuerySchema,
    Query,
)


class OfficesEntrypoints:
    @http("GET", "/api/registry/grids/<code>/people", scope=READ)
    def list_grid_people(self, request, code):
        Query().load(request.args)
        limit, offset = paging(request)
        people = do.grid_people(self.store, self.caller, code, limit, offset)
        return {"limit": limit, "offset": offset, "assignments": people}

    @http("POST", "/api/registry/departments", scope=WRITE)
    def add_department(self, request):
        command = DepartmentSchema().load(read_json(request))
        self.store.departments.add(Department.register(**command))
        self.store.commit()
        return 201, command

    @http("GET", "/api/registry/departments", scope=READ)
    def list_departments(self, request):
        query = DepartmentQuerySchema().load(request.args)
        return {"departments": [vars(d) for d in self.store.departments.list(query.get("kind"))]}

    @http("GET", "/api/registry/departments/<code>", scope=READ)
    def show_department(self, request, code):
        return vars(self.store.departments.get(code))

    @http("GET", "/api/registry/roles", scope=READ)
    def list_roles(self, request):
        NoQuerySchema().load(request.args)
        return {"roles": roles()}

    @http("POST", "/api/registry/assignments", scope=WRITE)
    def appoint(self, request):
        assignment = do.appoint(self.store, AppointSchema().load(read_json(request)))
        return 201, do.show_assignments(self.store, self.caller, [assignment])[0]

    @http("GET", "/api/registry/assignments", scope=READ)
    def list_assignments(self, request):
        query = AssignmentQuerySchema().load(request.args)
        limit, offset = paging(request)
        found = do.show_assignments(self.store, self.caller, self.store.assignments.search(query, limit, offset))
        return {"limit": limit, "offset": offset, "assignments": found}

    @http("GET", "/api/registry/assignments/<assignment_id>", scope=READ)
    def show_assignment(self, request, assignment_id):
        return do.show_assignments(self.store, self.caller, [self.store.assignments.get(assignment_id)])[0]

    @http("POST", "/api/registry/assignments/<assignment_id>/end", scope=WRITE)
    def end_term(self, request, assignment_id):
        assignment = do.end_term(self.store, assignment_id, EndTermSchema().load(read_json(request)))
        return do.show_assignments(self.store, self.caller, [assignment])[0]
