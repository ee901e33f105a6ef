"""Routes of evidence files (filed, listed per element and per project, downloaded) and of project
templates (listed, and a project made from an entry with its activities and evidence checklist)."""
from werkzeug.wrappers import Response

from safecommunity import sitetime
from safecommunity.bodies import UPLOAD
from safecommunity.downloads import attachment_headers
from safecommunity.errors import NotFound
from safecommunity.web import http, paging, read_json

from .. import commands as do
from .. import commands_evidence as ev
from .. import schemas as s
from .scopes import READ, WRITE


class EvidenceEntrypoints:
    @http("POST", "/api/projects/evidence", scope=WRITE, body_limit=UPLOAD)
    def add_evidence(self, request):
        """A multipart form: `file`, `kind`, `elements` (AQ/T 9001 codes, repeated or "a,b"), and one
        of project_id, activity_id, occurrence_id, meeting_id. The same file for the same record is a 200."""
        item, new = ev.add_evidence(self.store, self.files, self.caller, ev.read_upload(request, self.files.max_bytes))
        self.store.commit()
        return (201 if new else 200), s.EvidenceSchema().dump(item)

    @http("GET", "/api/projects/evidence", query=s.EvidenceQuerySchema, scope=READ)
    def list_evidence(self, request):
        """Across every project and meeting; `element` gives those tagged with it."""
        filters = s.EvidenceQuerySchema().load(request.args)
        limit, offset = paging(request)
        found = self.store.evidence.list(filters, limit, offset)
        return {"limit": limit, "offset": offset, "evidence": s.EvidenceSchema(many=True).dump(found)}

    @http("GET", "/api/projects/evidence/elements", scope=READ)
    def count_evidence_per_element(self, request):
        """AQ/T 9001's twelve elements, their labels and how many evidence items support each."""
        s.Strict().load(request.args)
        return ev.elements_view(self.store)

    @http("GET", "/api/projects/evidence/<evidence_id>", scope=READ)
    def show_evidence(self, request, evidence_id):
        return s.EvidenceSchema().dump(self.store.evidence.get(evidence_id))

    @http("GET", "/api/projects/evidence/<evidence_id>/file", scope=READ)
    def download_evidence(self, request, evidence_id):
        """The file under its own name (RFC 6266 filename*), as the type read from its content."""
        item = self.store.evidence.get(evidence_id)
        path = self.files.path(item.sha256)
        if not path.is_file():  # a database restored without its evidence.tar, or a folder moved
            raise NotFound(f"the file of evidence {evidence_id} is not in the evidence folder")
        return Response(path.read_bytes(), mimetype=item.content_type, headers=attachment_headers(item.filename))

    @http("GET", "/api/projects/projects/<project_id>/evidence", scope=READ)
    def list_project_evidence(self, request, project_id):
        """The project's, its activities' and their occurrences' files, and its checklist."""
        s.Strict().load(request.args)
        self.store.projects.get(project_id)
        return {"evidence": s.EvidenceSchema(many=True).dump(self.store.evidence.of_project(project_id)),
                "checklist": do.project_checklist(self.store, project_id)}

    @http("GET", "/api/projects/projects/<project_id>/checklist", scope=READ)
    def show_checklist(self, request, project_id):
        """The evidence its template requires, which is present (and by which items) and what is missing."""
        s.Strict().load(request.args)
        self.store.projects.get(project_id)
        return do.project_checklist(self.store, project_id)

    @http("GET", "/api/projects/templates", scope=READ)
    def list_templates(self, request):
        s.Strict().load(request.args)
        return {"templates": [t.summary() for _, t in sorted(self.templates.items())]}

    @http("GET", "/api/projects/templates/<code>", scope=READ)
    def show_template(self, request, code):
        """A template with its entries (project fields, measures, activities, required evidence)."""
        template = ev.template_of(self.templates, code)
        return {**template.summary(), "entries": list(template.entries)}

    @http("POST", "/api/projects/projects/from-template", body=s.FromTemplateSchema, scope=WRITE)
    def create_project_from_template(self, request):
        """{template, entry, ...a project's fields to override the entry's, owner and place of its activities}."""
        command = s.FromTemplateSchema().load(read_json(request))
        project_id = ev.create_from_template(self.store, self.caller, self.templates, command, sitetime.today())
        self.store.commit()
        return 201, do.project_view(self.store, project_id)
