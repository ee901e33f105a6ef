"""The demo district's organisation (domain.md §1, §2), through the HTTP API as seed.py: departments
and people in roles (the registry's), the committee and its office, the working groups' members, the
committee's quarterly meetings and responsibility letters level by level."""
import time
from datetime import date, timedelta
from itertools import count

OFFICE = "work_safety"  # the committee's office (创建办), at the work-safety bureau
DEPARTMENTS = [("work_safety", "Work Safety Bureau 安监局"), ("civil_affairs", "Civil Affairs Bureau 民政局"),
               ("police", "Public Security Bureau 公安分局"), ("traffic_police", "Traffic Police 交警大队"),
               ("housing_construction", "Housing & Construction Bureau 建设局"),
               ("education", "Education Bureau 教育局"), ("health", "Health Commission 卫健委")]
LEADS = ("civil_affairs", "police", "housing_construction", "traffic_police")  # of the projects' groups
DECISION = "Report each project's rounds and evidence by the next meeting 下次例会前报告各项目进展"
FIELD = [("community_safety_inspector", "XL-01-01-G1"), ("community_safety_inspector", "XL-02-01-G1"),
         ("building_head", "XL-01-01-G2"), ("property_staff", "XL-02-01-G2")]


def seed_people(api, today, out):
    """{"office": [ids], "leads": {department: id}, "field": [ids]}: assignment ids of the registry."""
    for code, name in DEPARTMENTS:
        api.post("/api/registry/departments", {"code": code, "name": name, "kind": code}, ok=(201, 409))
    since, numbers = (today - timedelta(days=400)).isoformat(), count(1)

    def appoint(role, place):
        n = next(numbers)
        return api.post("/api/registry/assignments", {"role": role, **place, "term_from": since,
                                                      "person_name": f"Demo officer {n} 演示人员{n}"}, ok=(201,))["id"]
    people = {"office": [appoint("committee_office_staff", {"department_code": OFFICE}) for _ in range(2)],
              "leads": {code: appoint("working_group_lead", {"department_code": code}) for code in LEADS},
              "field": [appoint(role, {"grid_code": grid}) for role, grid in FIELD]}
    out.write(f"{len(DEPARTMENTS)} departments and {2 + len(LEADS) + len(FIELD)} people in roles registered\n")
    wait_until_projects_know(api, [*people["office"], *people["leads"].values(), *people["field"]])
    return people


def wait_until_projects_know(api, assignment_ids, timeout=30):
    """projects hears of people in roles from the registry's events, a moment after they are
    registered; it takes no one as a member, attendee or owner before."""
    deadline, waiting = time.monotonic() + timeout, list(assignment_ids)
    while waiting and time.monotonic() < deadline:
        waiting = [person for person in waiting if api.http.get(
            f"{api.base_url}/api/projects/people/{person}", timeout=10).status_code != 200]
        if waiting:
            time.sleep(0.2)
    if waiting:
        raise SystemExit("projects has not heard of the people in roles; is the platform's broker running?")


def committee_of(people):
    return people["office"] + list(people["leads"].values())


def seed_organisation(api, people, out):
    """The committee's office and members; each lead (and the field staff) in their working group.
    Returns {area: group id}."""
    api.send("PUT", "/api/projects/committee", {"office_department": OFFICE, "members": committee_of(people)})
    groups = {}
    for group in api.get("/api/projects/working-groups")["working_groups"]:
        if group["lead_department"] in people["leads"]:
            members = [people["leads"][group["lead_department"]], *people["field"]]
            api.send("PATCH", f"/api/projects/working-groups/{group['id']}", {"members": members})
            groups.update(dict.fromkeys(group["areas"], group["id"]))
    out.write(f"committee office set ({OFFICE}, {len(committee_of(people))} members); "
              f"{len(set(groups.values()))} working groups given their members\n")
    return groups


def quarter_starts(first, last):
    day = first
    while day <= last:
        yield day
        day = date(day.year + (day.month > 9), (day.month + 2) % 12 + 1, 1)


def seed_meetings(api, people, groups, today, out):
    """A committee meeting in each quarter since January last year (40 days into it, or yesterday in
    the quarter still going), and one of the elderly working group. The meetings held."""
    members, meetings = committee_of(people), []
    for start in quarter_starts(date(today.year - 1, 1, 1), today):
        day = min(start + timedelta(days=40), today - timedelta(days=1))
        if day < start:
            continue
        meetings.append(api.post("/api/projects/meetings", {
            "held_on": day.isoformat(), "kind": "committee", "attendance": len(members) + 5, "attendee_ids": members,
            "minutes": f"Quarterly review of the programme, {day} 促进委员会季度例会",
            "decisions": [{"text": DECISION, "owner": OFFICE, "due_on": (day + timedelta(days=80)).isoformat()}]},
            ok=(201,)))
    day = today - timedelta(days=20)
    meetings.append(api.post("/api/projects/meetings", {
        "held_on": day.isoformat(), "kind": "working_group", "working_group_id": groups["elderly"], "attendance": 9,
        "attendee_ids": [people["leads"]["civil_affairs"], *people["field"]],
        "minutes": "Home checks of elders living alone 独居老人居家检查"}, ok=(201,)))
    out.write(f"{len(meetings) - 1} committee meetings (one each quarter since {today.year - 1}-01) "
              f"and 1 working-group meeting held\n")
    return meetings


def seed_letters(api, units, today, out):
    """This year's letters level by level: the district's office with each street, each street with
    its community, six units with their community; the streets', one community's and half the units'
    signed."""
    period = {"period_from": date(today.year, 1, 1).isoformat(), "period_to": date(today.year, 12, 31).isoformat()}
    letters = [("target_responsibility", "street", OFFICE, street, True) for street in ("XL-01", "XL-02")]
    letters += [("safety_responsibility", "community", "XL-01", "XL-01-01", True),
                ("safety_responsibility", "community", "XL-02", "XL-02-01", False)]
    letters += [("commitment", "unit", grid.rsplit("-", 1)[0], unit_id, n % 2 == 0)
                for n, (unit_id, grid) in enumerate(units[:6])]
    signed = 0
    for n, (kind, level, issuer, party, signs) in enumerate(letters):
        letter = api.post("/api/projects/letters", {"kind": kind, "level": level, "issuer": issuer, "party": party,
                                                    "targets": ["Zero deaths 零死亡"], **period}, ok=(201,))
        if signs:
            signed_on = min(date(today.year, 1, 10) + timedelta(days=n), today)
            api.post(f"/api/projects/letters/{letter['id']}/sign", {"signed_on": signed_on.isoformat()}, ok=(200,))
            signed += 1
    out.write(f"{len(letters)} responsibility letters issued for {today.year}, {signed} signed\n")
