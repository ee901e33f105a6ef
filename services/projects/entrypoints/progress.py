"""Routes of a project's monthly progress and of the phase evaluations (阶段评估) its lead writes."""
from safecommunity.web import http, read_json

from .. import commands_progress as pr
from .. import schemas as s
from .scopes import READ, WRITE


class ProgressEntrypoints:
    @http("GET", "/api/projects/projects/<project_id>/progress", query=s.ProgressQuerySchema, scope=READ)
    def show_progress(self, request, project_id):
        """Per month (from, to: YYYY-MM; the last 12 by default, at most 36): occurrences planned, done and
        missed, funding to date and the month's evaluation; whether it is still carried out; its evidence."""
        asked = s.ProgressQuerySchema().load(request.args)
        return pr.progress_view(self.store, project_id, asked["from"], asked["to"])

    @http("PUT", "/api/projects/projects/<project_id>/evaluations/<month>", body=s.WriteEvaluationSchema,
          scope=WRITE)
    def write_evaluation(self, request, project_id, month):
        """A month's phase evaluation {rating, summary, next_steps?}; written again, it replaces the last."""
        month = s.MonthSchema().load({"month": month})["month"]
        command = s.WriteEvaluationSchema().load(read_json(request))
        evaluation, new = pr.write_evaluation(self.store, self.caller, project_id, month, command)
        self.store.commit()
        return (201 if new else 200), evaluation.view()

    @http("GET", "/api/projects/projects/<project_id>/evaluations", scope=READ)
    def list_evaluations(self, request, project_id):
        """The project's phase evaluations, newest month first."""
        s.Strict().load(request.args)
        self.store.projects.get(project_id)
        return {"evaluations": [e.view() for e in self.store.progress.evaluations(project_id)]}
