"""Routes of the organisation: intervention areas, working groups, meetings, the committee and the
people in roles they name."""
from safecommunity.web import http, paging, read_json

from .. import commands as do
from .. import schemas as s
from .scopes import READ, WRITE


class OrganisationEntrypoints:
    @http("GET", "/api/projects/areas", scope=READ)
    def list_areas(self, request):
        s.Strict().load(request.args)
        return {"areas": s.AreaSchema(many=True).dump(self.store.areas.list())}

    @http("POST", "/api/projects/areas", body=s.AddAreaSchema, scope=WRITE)
    def add_area(self, request):
        command = s.AddAreaSchema().load(read_json(request))
        do.add_area(self.store, **command)
        self.store.commit()
        return 201, self.store.areas.get(command["code"])

    @http("PATCH", "/api/projects/areas/<code>", body=s.RenameAreaSchema, scope=WRITE)
    def rename_area(self, request, code):
        do.rename_area(self.store, code, s.RenameAreaSchema().load(read_json(request))["name"])
        self.store.commit()
        return self.store.areas.get(code)

    @http("POST", "/api/projects/areas/<code>/merge", body=s.MergeAreaSchema, scope=WRITE)
    def merge_area(self, request, code):
        """Its projects move to `into`; the area is gone."""
        target = do.merge_area(self.store, code, s.MergeAreaSchema().load(read_json(request))["into"])
        self.store.commit()
        return target

    @http("DELETE", "/api/projects/areas/<code>", scope=WRITE)
    def drop_area(self, request, code):
        """Refused (409) while projects are in it."""
        do.drop_area(self.store, code)
        self.store.commit()
        return {"dropped": code}

    @http("GET", "/api/projects/organisation/history", query=s.OrganisationHistoryQuerySchema, scope=READ)
    def list_organisation_history(self, request):
        """Who added, renamed, merged or dropped areas and working groups, and when (newest first)."""
        s.OrganisationHistoryQuerySchema().load(request.args)
        limit, offset = paging(request)
        return {"limit": limit, "offset": offset, "history": self.store.organisation_log.list(limit, offset)}

    @http("GET", "/api/projects/working-groups", scope=READ)
    def list_working_groups(self, request):
        s.Strict().load(request.args)
        return {"working_groups": do.groups_view(self.store, self.store.groups.list())}

    @http("POST", "/api/projects/working-groups", body=s.CreateGroupSchema, scope=WRITE)
    def create_working_group(self, request):
        group_id = do.create_group(self.store, self.caller, s.CreateGroupSchema().load(read_json(request)))
        self.store.commit()
        return 201, do.group_view(self.store, group_id)

    @http("GET", "/api/projects/working-groups/<group_id>", scope=READ)
    def show_working_group(self, request, group_id):
        """A working group with the history of its changes (who, when, what)."""
        return do.group_view(self.store, group_id)

    @http("PATCH", "/api/projects/working-groups/<group_id>", body=s.ChangeGroupSchema, scope=WRITE)
    def change_working_group(self, request, group_id):
        do.change_group(self.store, self.caller, group_id, s.ChangeGroupSchema().load(read_json(request)))
        self.store.commit()
        return do.group_view(self.store, group_id)

    @http("POST", "/api/projects/working-groups/<group_id>/merge", body=s.MergeGroupSchema, scope=WRITE)
    def merge_working_group(self, request, group_id):
        """`into` takes its areas, partners, members and projects; the group is gone."""
        into = s.MergeGroupSchema().load(read_json(request))["into"]
        target_id = do.merge_group(self.store, self.caller, group_id, into)
        self.store.commit()
        return do.group_view(self.store, target_id)

    @http("DELETE", "/api/projects/working-groups/<group_id>", scope=WRITE)
    def drop_working_group(self, request, group_id):
        """Refused (409) while projects belong to it; its areas are then held by none."""
        do.drop_group(self.store, group_id)
        self.store.commit()
        return {"dropped": group_id}

    @http("POST", "/api/projects/meetings", body=s.HoldMeetingSchema, scope=WRITE)
    def hold_meeting(self, request):
        meeting_id = do.hold_meeting(self.store, self.caller, s.HoldMeetingSchema().load(read_json(request)))
        self.store.commit()
        return 201, s.MeetingSchema().dump(self.store.meetings.get(meeting_id))

    @http("GET", "/api/projects/meetings", query=s.MeetingQuerySchema, scope=READ)
    def list_meetings(self, request):
        filters = s.MeetingQuerySchema().load(request.args)
        limit, offset = paging(request)
        span = do.year_span(filters["year"]) if "year" in filters else (None, None)
        found = self.store.meetings.list(filters, limit, offset, *span)
        return {"limit": limit, "offset": offset, "meetings": s.MeetingSchema(many=True).dump(found)}

    @http("GET", "/api/projects/meetings/<meeting_id>", scope=READ)
    def show_meeting(self, request, meeting_id):
        return s.MeetingSchema().dump(self.store.meetings.get(meeting_id))

    @http("GET", "/api/projects/committee", scope=READ)
    def show_committee(self, request):
        """The promotion committee: its office and members (assignment ids, and each one's role)."""
        s.Strict().load(request.args)
        return do.committee_view(self.store)

    @http("PUT", "/api/projects/committee", body=s.CommitteeSchema, scope=WRITE)
    def set_committee(self, request):
        do.set_committee(self.store, self.caller, s.CommitteeSchema().load(read_json(request)))
        self.store.commit()
        return do.committee_view(self.store)

    @http("GET", "/api/projects/committee/quarters", query=s.QuarterQuerySchema, scope=READ)
    def check_committee_quarters(self, request):
        """Whether the committee met (committee or joint meeting) at least once in each quarter of `year`."""
        return do.committee_quarters(self.store, s.QuarterQuerySchema().load(request.args)["year"])

    @http("GET", "/api/projects/people/<assignment_id>", scope=READ)
    def show_person_in_role(self, request, assignment_id):
        """A person in a role as the registry's events told projects (404 until they have): who may
        be named a member, an attendee or an owner."""
        s.Strict().load(request.args)
        return s.PersonInRoleSchema().dump(self.store.people.get(assignment_id))
