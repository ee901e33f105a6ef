"""The demo district's programme (domain.md §7), through the HTTP API as seed.py: TEDA projects made
from the template and running for months (rounds done and missed), a training, a drill and a 5·12
campaign, their funding; with the organisation (seed_organisation.py) and the evidence behind it
all (seed_evidence.py)."""
from datetime import date, timedelta

from . import sitetime
from .seed_evidence import seed_evidence
from .seed_organisation import seed_letters, seed_meetings, seed_organisation, seed_people

# TEDA entry, lead and partner departments, where its activities are, new or continuing, target, days running
PROJECTS = [
    ("elderly_falls", "civil_affairs", ["health"], {"grid_code": "XL-01-01"}, "continuing",
     {"kind": "tag", "code": "elderly"}, 180),
    ("dog_bites", "police", ["health"], {"grid_code": "XL-02-01"}, "new", {"kind": "grid", "code": "XL-02-01"}, 210),
    ("gas_alarms", "housing_construction", ["work_safety"], {"place": "Old compounds of Yangshan 羊山老旧小区"}, "new",
     {"kind": "grid", "code": "XL-01"}, 300),
    ("school_traffic", "traffic_police", ["education"], {"grid_code": "XL-02-01-G1"}, "new",
     {"kind": "unit_type", "code": "school"}, 120),
]
# A round of each, begun with the project: the template's own activities begin on the day the project
# is made (none is missed the moment it is made), so these are the ones with a past.
ROUNDS = {"elderly_falls": ("Weekly visit to elders living alone 独居老人每周探访", "visit", "weekly", "service"),
          "dog_bites": ("Monthly dog-licence check 犬只登记月检", "inspection", "monthly", "management"),
          "gas_alarms": ("Quarterly expert check of gas alarms 燃气报警器季度专家检查", "inspection", "quarterly",
                         "facilities_products"),
          "school_traffic": ("Crossing guard at the school gate 校门口护学岗", "activity", "weekly", None)}
LAPSED = "dog_bites"  # its latest round left undone: "still carried out?" answers no
RECENT_DAYS = 90      # the rounds reviewers look at (activities.WINDOW_DAYS): all but LAPSED's done
BUDGET = 100_000.0    # yuan a project


def seed_programme(api, rng, units, out):
    """units: [(id, grid code)] of the registry's, for their letters."""
    today = sitetime.today()
    people = seed_people(api, today, out)
    groups = seed_organisation(api, people, out)
    projects = seed_projects(api, rng, today, out)
    held = seed_held_activities(api, projects["gas_alarms"], people, today, out)
    meetings = seed_meetings(api, people, groups, today, out)
    seed_evidence(api, rng, projects, held, meetings, out)
    seed_letters(api, units, today, out)


def seed_projects(api, rng, today, out):
    """{entry: {id, name, rounds (activity id), lead, place, done: [(day, reached)]}}, all active."""
    projects, missed = {}, 0
    for entry, lead, partners, place, status, target, days in PROJECTS:
        started = (today - timedelta(days=days)).isoformat()
        project = api.post("/api/projects/projects/from-template", {
            "template": "teda", "entry": entry, "status": status, "lead_department": lead, "budget": BUDGET,
            "partner_departments": partners, "target": target, "start_date": started, **place}, ok=(201,))
        api.post(f"/api/projects/projects/{project['id']}/funding", {
            "source": "District safe-community fund 区安全社区专项经费", "amount": BUDGET,
            "spent": float(rng.randint(20, 80) * 1000), "recorded_on": started}, ok=(201,))
        name, kind, frequency, measure = ROUNDS[entry]
        rounds = api.post(f"/api/projects/projects/{project['id']}/activities", {
            "name": name, "kind": kind, "frequency": frequency, "starts_on": started, "measure_kind": measure,
            "owner_department": lead, **place}, ok=(201,))
        api.post(f"/api/projects/projects/{project['id']}/lifecycle", {"to": "active"}, ok=(200,))
        done, left = report_rounds(api, rng, rounds["id"], entry == LAPSED, today)
        projects[entry] = {"id": project["id"], "name": project["name"], "rounds": rounds["id"], "lead": lead,
                           "place": place, "done": done}
        missed += left
    done = sum(len(project["done"]) for project in projects.values())
    out.write(f"{len(projects)} TEDA projects from the template, active and funded: {', '.join(projects)}; "
              f"their rounds so far {done} done, {missed} missed\n")
    return projects


def report_rounds(api, rng, activity_id, lapsed, today):
    """Report the rounds due before today done on their first day, but every fourth of those before
    the last RECENT_DAYS (and a lapsed project's latest), which are left to be missed.
    ([(day, reached)] of those done, how many missed)."""
    occurrences = api.get(f"/api/projects/activities/{activity_id}/occurrences", limit=500)["occurrences"]
    past = [o for o in occurrences if date.fromisoformat(o["due_on"]) < today]
    done = []
    for n, occurrence in enumerate(past):
        recent = date.fromisoformat(occurrence["due_on"]) >= today - timedelta(days=RECENT_DAYS)
        if (n % 4 == 3 and not recent) or (lapsed and n == len(past) - 1):
            continue
        reached = rng.randint(3, 40)
        answer = api.post(f"/api/projects/occurrences/{occurrence['id']}/done",
                          {"done_on": occurrence["scheduled_on"], "reached": reached}, ok=(200, 409))
        if answer.get("status") == "done":  # a 409: the timer marked it missed a moment before
            done.append((occurrence["scheduled_on"], reached))
    return done, len(past) - len(done)


def held_activities(project, people, today):
    """A training 40 days ago (attendees named, certificates), a drill 75 days ago and the last 5·12
    campaign, each reported done as it is recorded."""
    attendees = people["field"] + people["office"] + [people["leads"][project["lead"]]]
    training_day, drill_day = (today - timedelta(days=40)).isoformat(), (today - timedelta(days=75)).isoformat()
    campaign_day = date(today.year - (today <= date(today.year, 5, 12)), 5, 12).isoformat()
    return {
        "training": {"name": "Gas safety training for building heads and property staff 楼栋长与物业燃气安全培训",
                     "kind": "training", "on": training_day, "hours": 3.5, "measure_kind": "education",
                     "trainer": "Gas company engineer 燃气公司工程师",
                     "qualification": "Registered safety engineer 注册安全工程师",
                     "done": {"done_on": training_day, "reached": 32, "attendee_ids": attendees,
                              "certificates_issued": 28}},
        "drill": {"name": "Gas leak evacuation drill 燃气泄漏疏散演练", "kind": "drill", "on": drill_day, "hours": 1.5,
                  "measure_kind": "management", "done": {"done_on": drill_day, "reached": 120}},
        "campaign": {"name": "5·12 disaster prevention day: gas safety 5·12防灾减灾日燃气安全宣传", "kind": "campaign",
                     "campaign": "day_5_12", "on": campaign_day, "measure_kind": "education",
                     "done": {"done_on": campaign_day, "reached": 420, "leaflets": 600}}}


def seed_held_activities(api, project, people, today, out):
    """held_activities() in the gas project: {name: its one occurrence, done}."""
    held = held_activities(project, people, today)
    for key, body in held.items():
        activity = api.post(f"/api/projects/projects/{project['id']}/activities",
                            {**body, "owner_department": project["lead"], **project["place"]}, ok=(201,))
        held[key] = api.get(f"/api/projects/activities/{activity['id']}/occurrences")["occurrences"][0]
    training, campaign = held["training"], held["campaign"]
    out.write(f"1 training held (3.5 h, {training['reached']} attended, {len(training['attendee_ids'])} by name, "
              f"{training['certificates_issued']} certificates), 1 drill, and the 5·12 campaign of "
              f"{campaign['scheduled_on']} ({campaign['reached']} reached, {campaign['leaflets']} leaflets)\n")
    return held
