"""What the entrypoints do, between the request and the commit: load, check references, call the
domain, store. Days count in the site's calendar (safecommunity.sitetime)."""
from datetime import date, timedelta

from safecommunity import sitetime
from safecommunity.database import utcnow
from safecommunity.errors import Conflict, FieldInvalid

from . import schemas as s
from .activities import HORIZON_DAYS, WINDOW_DAYS, Activity, still_carried_out, training_hours
from .domain import PAUSED, Funding, Project, ledger_totals
from .evidence import checklist
from .organisation import COMMITTEE_KINDS, Meeting, WorkingGroup, check_areas_free, people_detail, quarters_met


def year_span(year):
    return date(year, 1, 1), date(year + 1, 1, 1)


# -- projects ----------------------------------------------------------------------------------------

def check_references(store, values):
    if "intervention_area" in values:
        store.areas.get(values["intervention_area"], "intervention_area")
    store.groups.check(values.get("working_group_id"))


def create_project(store, caller, command):
    check_references(store, command)
    project = Project.create(actor=caller.subject, at=utcnow(), **command)
    store.projects.add(project)
    return project.id


def change_project(store, caller, project_id, command):
    project = store.projects.get(project_id, for_update=True)
    check_references(store, command)
    if project.change(caller.subject, utcnow(), **command):
        store.projects.save(project)


def move_project(store, caller, project_id, command):
    """A project suspended or completed has its occurrences not yet due cancelled (never missed);
    one resumed has them back, and those of the suspension are never made."""
    project = store.projects.get(project_id, for_update=True)
    project.move_to(command["to"], caller.subject, utcnow(), command["reason"])
    store.projects.save(project)
    today = sitetime.today()
    if project.lifecycle in PAUSED:
        store.occurrences.set_status(project_id, "scheduled", "cancelled", today)
    elif project.lifecycle == "active":
        store.occurrences.set_status(project_id, "cancelled", "scheduled", today)


def add_funding(store, caller, project_id, command):
    store.projects.get(project_id)
    line = Funding(project_id=project_id, recorded_by=caller.subject,
                   **{**command, "recorded_on": command["recorded_on"] or sitetime.today()})
    store.projects.add_funding(line)
    return line.id


def project_view(store, project_id):
    project = store.projects.get(project_id)
    ledger = store.projects.funding(project_id)
    needed = project_checklist(store, project_id)
    return {**s.ProjectSchema().dump(project), "funding": ledger, "totals": ledger_totals(ledger, project.budget),
            "carried_out": carried_out(store, project_id),
            "checklist": {key: needed[key] for key in ("required", "present", "missing")},
            "history": store.projects.history(project_id)}


def project_checklist(store, project_id):
    """The evidence its template requires, what is present (by which items) and what is missing."""
    items = [{"id": e.id, "kind": e.kind, "elements": e.elements, "activity_id": e.activity_id}
             for e in store.evidence.of_project(project_id)]
    return checklist(store.evidence.requirements(project_id), items)


def carried_out(store, project_id):
    today = sitetime.today()
    return still_carried_out(store.occurrences.due_between(project_id, today - timedelta(days=WINDOW_DAYS), today),
                             today)


# -- the organisation --------------------------------------------------------------------------------

def add_area(store, code, name):
    store.areas.add(code, name)
    store.organisation_log.write("area", code, "add", name=name)


def rename_area(store, code, name):
    before = store.areas.get(code)["name"]
    store.areas.rename(code, name)
    store.organisation_log.write("area", code, "rename", before=before, name=name)


def merge_area(store, code, into):
    area = store.areas.get(code)
    target = store.areas.get(into, "into")
    if code == into:
        raise FieldInvalid("into", "an area cannot be merged into itself")
    store.projects.move("intervention_area", code, into)
    store.areas.delete(code)
    store.organisation_log.write("area", code, "merge", into=into, working_group_id=area["working_group_id"])
    return target


def drop_area(store, code):
    store.areas.get(code)
    used = store.projects.count_using("intervention_area", code)
    if used:
        raise Conflict(f"{used} project(s) are in {code}: merge it into another area instead")
    store.areas.delete(code)
    store.organisation_log.write("area", code, "drop")


def create_group(store, caller, command):
    store.areas.check(command["areas"], "areas")
    store.people.check("members", command.get("members", []), sitetime.today())
    check_areas_free(command["areas"], store.areas.holders())
    group = WorkingGroup.create(actor=caller.subject, at=utcnow(), **command)
    store.groups.add(group)
    store.areas.hold(group.id, group.areas)
    store.organisation_log.write("working_group", group.id, "create", areas=group.areas)
    return group.id


def change_group(store, caller, group_id, command):
    group = store.groups.get(group_id, for_update=True)
    if "areas" in command:
        store.areas.check(command["areas"], "areas")
        check_areas_free(command["areas"], store.areas.holders(), group.id)
    if "members" in command:
        store.people.check("members", command["members"], sitetime.today(), already=group.members)
    group.change(caller.subject, utcnow(), **command)
    store.groups.save(group)
    store.areas.hold(group.id, group.areas)
    store.organisation_log.write("working_group", group.id, "change", changed=sorted(command))


def merge_group(store, caller, group_id, into):
    group = store.groups.get(group_id, for_update=True)
    store.groups.check(into, "into")
    target = store.groups.get(into, for_update=True)
    target.absorb(group, caller.subject, utcnow())
    store.projects.move("working_group_id", group.id, target.id)
    store.areas.hold(group.id, [])
    store.groups.delete(group.id)
    store.groups.save(target)
    store.areas.hold(target.id, target.areas)
    store.organisation_log.write("working_group", group.id, "merge", into=target.id, areas=group.areas)
    store.organisation_log.write("working_group", target.id, "absorb", merged=group.id, areas=target.areas)
    return target.id


def drop_group(store, group_id):
    group = store.groups.get(group_id)
    used = store.projects.count_using("working_group_id", group.id)
    if used:
        raise Conflict(f"{used} project(s) belong to working group {group.id}: merge it into another instead")
    store.areas.hold(group.id, [])
    store.groups.delete(group.id)
    store.organisation_log.write("working_group", group.id, "drop", areas=group.areas)


def group_view(store, group_id):
    return {**groups_view(store, [store.groups.get(group_id)])[0],
            "history": store.organisation_log.of("working_group", group_id)}


def groups_view(store, groups):
    """Each group with its members' roles, places and whether their terms are current (`members_detail`)."""
    known, today = store.people.known({m for group in groups for m in group.members}), sitetime.today()
    return [{**s.GroupSchema().dump(group), "members_detail": people_detail(group.members, known, today)}
            for group in groups]


def hold_meeting(store, caller, command):
    store.groups.check(command["working_group_id"])
    store.people.check("attendee_ids", command["attendee_ids"], command["held_on"])
    meeting = Meeting.hold(actor=caller.subject, at=utcnow(), **command)
    store.meetings.add(meeting)
    return meeting.id


def committee_quarters(store, year):
    return quarters_met(store.meetings.days(COMMITTEE_KINDS, *year_span(year)), year)


# -- activities --------------------------------------------------------------------------------------

def schedule_activity(store, caller, project_id, command):
    project = store.projects.get(project_id)
    if project.lifecycle == "completed":
        raise Conflict(f"project {project_id} is completed; it takes no new activity")
    done, today, at = command.pop("done"), sitetime.today(), utcnow()
    owner = command.get("owner_assignment_id")
    store.people.check("owner_assignment_id", [owner] if owner else [], today)
    if done is not None:
        store.people.check("done", done["attendee_ids"], done["done_on"])  # its attendee_ids
    activity, made = Activity.schedule(today, caller.subject, at, project_id=project_id, **command)
    if done is not None:
        if activity.on is None:
            raise FieldInvalid("done", "only a dated activity is reported done as it is scheduled")
        made[0].report_done(activity, today, caller.subject, at, **done)
    store.activities.add(activity)
    store.occurrences.add_many(made)
    return activity.id


def report_done(store, caller, occurrence_id, command):
    occurrence = store.occurrences.get(occurrence_id, for_update=True)
    activity = store.activities.get(occurrence.activity_id)
    store.people.check("attendee_ids", command["attendee_ids"], command["done_on"])
    occurrence.report_done(activity, sitetime.today(), caller.subject, utcnow(), **command)
    store.occurrences.report(occurrence)


def check_activities(store):
    """The timer's work: occurrences made up to today + HORIZON_DAYS, then each occurrence past its
    due date and not done marked missed, once (activity.missed)."""
    today = sitetime.today()
    made = 0
    for activity in store.activities.claim_behind(today + timedelta(days=HORIZON_DAYS)):
        occurrences = activity.occurrences_until(today + timedelta(days=HORIZON_DAYS), first_due=today)
        store.occurrences.add_many(occurrences)
        store.activities.save(activity)
        made += len(occurrences)
    store.commit()
    missed = [o for o in store.occurrences.past_due(today) if o.miss(today, utcnow())]
    missed = [o for o in missed if store.occurrences.save_if_scheduled(o)]
    store.commit()
    return made, len(missed)


def training_hours_of(store, year):
    """Every member of the committee and of the working groups, and anyone who attended."""
    members = set(store.committee.get()["members"]) | store.groups.members()
    return training_hours(store.activities.trainings(*year_span(year)), members, year)


def set_committee(store, caller, command):
    store.people.check("members", command["members"], sitetime.today(), already=store.committee.get()["members"])
    store.committee.put(command["office_department"], command["members"], caller.subject)
    store.organisation_log.write("committee", "committee", "change", office_department=command["office_department"],
                                 member_count=len(command["members"]))


def committee_view(store):
    """The committee, with its members' roles, places and whether their terms are current."""
    committee = store.committee.get()
    return {**committee, "members_detail": store.people.detail(committee["members"], sitetime.today())}


def keep_assignments(store, events):
    """The registry's people in roles, as its assignment events tell them (once each: the inbox)."""
    for event in store.inbox.claim(events):
        store.people.keep(event.type, event.data)
    store.commit()
