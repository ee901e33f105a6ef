"""Steps for volunteers, their pairings and volunteer teams."""

from safecommunity import sitetime
from safecommunity.errors import FieldInvalid

from ..schemas import TeamSchema, VolunteerSchema
from ..views import audited, team_view, volunteer_view
from ..volunteers import Team, Volunteer
from .common import saved


def show_volunteers(store, caller, found):
    views = [volunteer_view(volunteer, caller.scopes) for volunteer in found]
    store.audit.record(caller.subject, "volunteer", audited(views))
    store.commit()
    return VolunteerSchema(many=True).dump([view for view, _ in views])


def register_volunteer(store, command):
    person = store.residents.referenced_by("resident_id", command["resident_id"])
    volunteer = Volunteer.register(**command, grid_code=person.grid_code)
    store.volunteers.add(volunteer)
    store.commit()
    return volunteer


def update_volunteer(store, volunteer_id, changes):
    volunteer = store.volunteers.get(volunteer_id)
    if volunteer.update(**changes):
        store.volunteers.save(volunteer)
        store.commit()
    return volunteer


def volunteer_leaves(store, volunteer_id, command):
    volunteer = store.volunteers.get(volunteer_id)
    volunteer.leave(command["left_on"])
    store.volunteers.save(volunteer)
    store.teams.drop_volunteer(volunteer.id)
    store.commit()
    return volunteer


def pair_volunteer(store, volunteer_id, command):
    volunteer = store.volunteers.get(volunteer_id)
    store.residents.referenced_by("resident_id", command["resident_id"])
    served = store.residents.get(command["resident_id"])
    volunteer.pair(served.id, served.tags, command["since"])
    return saved(store, store.volunteers, volunteer)


def unpair_volunteer(store, volunteer_id, resident_id):
    volunteer = store.volunteers.get(volunteer_id)
    volunteer.unpair(resident_id, sitetime.today())
    return saved(store, store.volunteers, volunteer)


def show_teams(found):
    return TeamSchema(many=True).dump([team_view(team) for team in found])


def form_team(store, command):
    if command["grid_code"]:
        store.grids.referenced_by("grid_code", command["grid_code"])
    if command["unit_id"] and not store.units.exists(command["unit_id"]):
        raise FieldInvalid("unit_id", f"no unit {command['unit_id']}")
    members = command["members"]
    for index, volunteer_id in enumerate(members):
        store.volunteers.referenced_by(f"members.{index}", volunteer_id)
        if volunteer_id in members[:index]:
            raise FieldInvalid(f"members.{index}", f"volunteer {volunteer_id} is listed twice")
    team = Team.form(**command)
    store.teams.add(team)
    store.commit()
    return team


def join_team(store, team_id, command):
    team = store.teams.get(team_id)
    store.volunteers.referenced_by("volunteer_id", command["volunteer_id"])
    team.join(command["volunteer_id"], command["since"])
    return saved(store, store.teams, team)


def leave_team(store, team_id, volunteer_id):
    team = store.teams.get(team_id)
    team.drop(volunteer_id)
    return saved(store, store.teams, team)
