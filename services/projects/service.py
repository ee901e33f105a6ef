"""Projects: safety-promotion projects (entrypoints only)."""
from safecommunity.storage import Store
from safecommunity.web import http, paging, read_json

from .domain import Project
from .schemas import CreateProjectSchema, ProjectQuerySchema, ProjectSchema
from .storage import ProjectsUnitOfWork

READ, WRITE = "projects:read", "projects:write"


class ProjectsService:
    name = "projects"
    store = Store(ProjectsUnitOfWork)

    @http("POST", "/api/projects/projects", scope=WRITE)
    def create_project(self, request):
        project = Project.create(**CreateProjectSchema().load(read_json(request)))
        self.store.projects.add(project)
        self.store.commit()
        return 201, ProjectSchema().dump(project)

    @http("GET", "/api/projects/projects", scope=READ)
    def list_projects(self, request):
        ProjectQuerySchema().load(request.args)
        limit, offset = paging(request)
        return {"projects": ProjectSchema(many=True).dump(self.store.projects.list(limit, offset))}

    @http("GET", "/api/projects/projects/<project_id>", scope=READ)
    def show_project(self, request, project_id):
        return ProjectSchema().dump(self.store.projects.get(project_id))


SERVICE = ProjectsService
