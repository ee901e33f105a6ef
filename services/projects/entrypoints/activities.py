"""Routes of activities, their occurrences and training hours."""
from safecommunity.web import http, paging, read_json

from .. import commands as do
from .. import schemas as s
from .scopes import READ, WRITE


class ActivitiesEntrypoints:
    @http("POST", "/api/projects/projects/<project_id>/activities", body=s.ScheduleActivitySchema, scope=WRITE)
    def schedule_activity(self, request, project_id):
        """A dated or recurring activity; its occurrences are made up to today + 31 days."""
        command = s.ScheduleActivitySchema().load(read_json(request))
        activity_id = do.schedule_activity(self.store, self.caller, project_id, command)
        self.store.commit()
        return 201, s.ActivitySchema().dump(self.store.activities.get(activity_id))

    @http("GET", "/api/projects/projects/<project_id>/activities", query=s.ActivityQuerySchema, scope=READ)
    def list_activities(self, request, project_id):
        s.ActivityQuerySchema().load(request.args)
        limit, offset = paging(request)
        self.store.projects.get(project_id)
        found = self.store.activities.list(project_id, limit, offset)
        return {"limit": limit, "offset": offset, "activities": s.ActivitySchema(many=True).dump(found)}

    @http("GET", "/api/projects/activities/<activity_id>", scope=READ)
    def show_activity(self, request, activity_id):
        return s.ActivitySchema().dump(self.store.activities.get(activity_id))

    @http("GET", "/api/projects/activities/<activity_id>/occurrences", query=s.OccurrenceQuerySchema, scope=READ)
    def list_occurrences(self, request, activity_id):
        filters = s.OccurrenceQuerySchema().load(request.args)
        limit, offset = paging(request)
        self.store.activities.get(activity_id)
        found = self.store.occurrences.list({**filters, "activity_id": activity_id}, limit, offset)
        return {"limit": limit, "offset": offset, "occurrences": s.OccurrenceSchema(many=True).dump(found)}

    @http("POST", "/api/projects/occurrences/<occurrence_id>/done", body=s.ReportDoneSchema, scope=WRITE)
    def report_done(self, request, occurrence_id):
        """Done on a day of the occurrence, with people reached (a training's attendance)."""
        do.report_done(self.store, self.caller, occurrence_id, s.ReportDoneSchema().load(read_json(request)))
        self.store.commit()
        return s.OccurrenceSchema().dump(self.store.occurrences.get(occurrence_id))

    @http("GET", "/api/projects/training-hours", query=s.TrainingHoursQuerySchema, scope=READ)
    def count_training_hours(self, request):
        """Hours of training and drills per committee member (assignment id) in `year`."""
        return do.training_hours_of(self.store, s.TrainingHoursQuerySchema().load(request.args)["year"])
