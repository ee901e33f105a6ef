"""Routes of projects: create, change, move in the life cycle, fund."""
from safecommunity.web import http, paging, read_json

from .. import commands as do
from .. import schemas as s
from .scopes import READ, WRITE


class ProjectsEntrypoints:
    @http("POST", "/api/projects/projects", body=s.CreateProjectSchema, scope=WRITE)
    def create_project(self, request):
        project_id = do.create_project(self.store, self.caller, s.CreateProjectSchema().load(read_json(request)))
        self.store.commit()
        return 201, do.project_view(self.store, project_id)

    @http("GET", "/api/projects/projects", query=s.ProjectQuerySchema, scope=READ)
    def list_projects(self, request):
        filters = s.ProjectQuerySchema().load(request.args)
        limit, offset = paging(request)
        found = self.store.projects.list(filters, limit, offset)
        return {"limit": limit, "offset": offset, "projects": s.ProjectSchema(many=True).dump(found)}

    @http("GET", "/api/projects/projects/<project_id>", scope=READ)
    def show_project(self, request, project_id):
        """A project with its funding ledger, history and whether it is still being carried out."""
        return do.project_view(self.store, project_id)

    @http("PATCH", "/api/projects/projects/<project_id>", body=s.ChangeProjectSchema, scope=WRITE)
    def change_project(self, request, project_id):
        do.change_project(self.store, self.caller, project_id, s.ChangeProjectSchema().load(read_json(request)))
        self.store.commit()
        return do.project_view(self.store, project_id)

    @http("POST", "/api/projects/projects/<project_id>/lifecycle", body=s.MoveProjectSchema, scope=WRITE)
    def move_project(self, request, project_id):
        """planned → active → completed or suspended; suspended → active. Another step is a 409."""
        do.move_project(self.store, self.caller, project_id, s.MoveProjectSchema().load(read_json(request)))
        self.store.commit()
        return do.project_view(self.store, project_id)

    @http("POST", "/api/projects/projects/<project_id>/funding", body=s.FundingSchema, scope=WRITE)
    def add_funding(self, request, project_id):
        do.add_funding(self.store, self.caller, project_id, s.FundingSchema().load(read_json(request)))
        self.store.commit()
        return 201, do.project_view(self.store, project_id)
