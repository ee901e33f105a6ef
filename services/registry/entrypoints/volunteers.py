"""Entrypoints for volunteers, their pairings and volunteer teams.

A mix-in of RegistryService (service.py), which gives it `store` and `caller`."""
from safecommunity.web import http, paging, read_json

from .. import handlers as do
from ..handlers import READ, WRITE
from ..schemas import (
    FormTeamSchema,
    LeaveSchema,
    MemberInputSchema,
    PairInputSchema,
    RegisterVolunteerSchema,
    TeamQuerySchema,
    VolunteerFieldsSchema,
    VolunteerQuerySchema,
)


class VolunteersEntrypoints:
    @http("POST", "/api/registry/volunteers", scope=WRITE)
    def register_volunteer(self, request):
        volunteer = do.register_volunteer(self.store, RegisterVolunteerSchema().load(read_json(request)))
        return 201, do.show_volunteers(self.store, self.caller, [volunteer])[0]

    @http("GET", "/api/registry/volunteers", scope=READ)
    def list_volunteers(self, request):
        query = do.within_grid(self.store, VolunteerQuerySchema().load(request.args))
        limit, offset = paging(request)
        found = self.store.volunteers.search(query, limit, offset)
        return {"limit": limit, "offset": offset, "volunteers": do.show_volunteers(self.store, self.caller, found)}

    @http("GET", "/api/registry/volunteers/<volunteer_id>", scope=READ)
    def show_volunteer(self, request, volunteer_id):
        return do.show_volunteers(self.store, self.caller, [self.store.volunteers.get(volunteer_id)])[0]

    @http("PATCH", "/api/registry/volunteers/<volunteer_id>", scope=WRITE)
    def update_volunteer(self, request, volunteer_id):
        volunteer = do.update_volunteer(self.store, volunteer_id, VolunteerFieldsSchema().load(read_json(request)))
        return do.show_volunteers(self.store, self.caller, [volunteer])[0]

    @http("POST", "/api/registry/volunteers/<volunteer_id>/leave", scope=WRITE)
    def volunteer_leaves(self, request, volunteer_id):
        volunteer = do.volunteer_leaves(self.store, volunteer_id, LeaveSchema().load(read_json(request)))
        return do.show_volunteers(self.store, self.caller, [volunteer])[0]

    @http("POST", "/api/registry/volunteers/<volunteer_id>/pairings", scope=WRITE)
    def pair_volunteer(self, request, volunteer_id):
        volunteer = do.pair_volunteer(self.store, volunteer_id, PairInputSchema().load(read_json(request)))
        return do.show_volunteers(self.store, self.caller, [volunteer])[0]

    @http("DELETE", "/api/registry/volunteers/<volunteer_id>/pairings/<resident_id>", scope=WRITE)
    def unpair_volunteer(self, request, volunteer_id, resident_id):
        volunteer = do.unpair_volunteer(self.store, volunteer_id, resident_id)
        return do.show_volunteers(self.store, self.caller, [volunteer])[0]

    @http("POST", "/api/registry/volunteer-teams", scope=WRITE)
    def form_team(self, request):
        return 201, do.show_teams([do.form_team(self.store, FormTeamSchema().load(read_json(request)))])[0]

    @http("GET", "/api/registry/volunteer-teams", scope=READ)
    def list_teams(self, request):
        query = do.within_grid(self.store, TeamQuerySchema().load(request.args))
        limit, offset = paging(request)
        return {"limit": limit, "offset": offset, "teams": do.show_teams(self.store.teams.search(query, limit, offset))}

    @http("GET", "/api/registry/volunteer-teams/<team_id>", scope=READ)
    def show_team(self, request, team_id):
        return do.show_teams([self.store.teams.get(team_id)])[0]

    @http("POST", "/api/registry/volunteer-teams/<team_id>/members", scope=WRITE)
    def join_team(self, request, team_id):
        return do.show_teams([do.join_team(self.store, team_id, MemberInputSchema().load(read_json(request)))])[0]

    @http("DELETE", "/api/registry/volunteer-teams/<team_id>/members/<volunteer_id>", scope=WRITE)
    def leave_team(self, request, team_id, volunteer_id):
        return do.show_teams([do.leave_team(self.store, team_id, volunteer_id)])[0]
