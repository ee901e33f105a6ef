"""The demo seed's programme, embedded and on RabbitMQ and PostgreSQL: TEDA projects from the template,
active, their rounds done and missed, a training with named attendees, evidence files counted per
AQ/T 9001 element by projects and in reports' self-evaluation pack, the committee's quarterly
meetings, responsibility letters signed level by level."""
import io
import sys
from datetime import timedelta

import pytest

from safecommunity import sitetime
from safecommunity.config import SERVICES
from safecommunity.seed import seed_demo_district
from safecommunity.seed_projects import LAPSED, PROJECTS
from safecommunity.testing import admin_token, wait_until
from services.reports.projections import EVIDENCE_ELEMENTS
from tests.conftest import base_url
from tests.support import get, post, summary, wait_until_quiet

P = "/api/projects"
SEEDED = [entry for entry, *_ in PROJECTS]
INJURIES = 60  # enough that some are animal bites in the dog-bite project's community


@pytest.fixture(params=["embedded", "distributed"])
def seeded(request, start_services, tmp_path):
    """The platform seeded; its timer that marks occurrences missed held off (an hour), so what the
    seed reported done is what it meant to."""
    config = request.getfixturevalue(f"{request.param}_config")
    folders = {} if request.param == "embedded" else {"EVIDENCE_DIR": str(tmp_path / "evidence"),
                                                      "ATTACHMENTS_DIR": str(tmp_path / "attachments")}
    config = {**config, **folders, "ACTIVITY_CHECK_INTERVAL": 3600, "INDICATOR_REFRESH_INTERVAL": 1}
    start_services(config, list(SERVICES))
    url, out = base_url(config), io.StringIO()
    seed_demo_district(url, out=out, token=admin_token(config), residents=60, injuries=INJURIES)
    sys.stderr.write(out.getvalue())
    return url, out.getvalue()


def projects_of(url):
    return {p["name"]: get(f"{url}{P}/projects/{p['id']}") for p in get(f"{url}{P}/projects")["projects"]}


def test_the_demo_seed_gives_a_programme_with_projects_training_meetings_letters_and_evidence(seeded):
    """One seed for every check, in each mode: seeding is the slow part."""
    url, printed = seeded
    check_projects(url, printed)
    check_training_meetings_and_letters(url)
    check_evidence(url)
    check_indicators(url)


def check_projects(url, printed):
    """TEDA projects from the template, active, their rounds done and missed."""
    entries = {e["code"]: e for e in get(f"{url}{P}/templates/teda")["entries"]}
    projects = projects_of(url)
    assert sorted(projects) == sorted(entries[code]["name"] for code in SEEDED)
    by_entry = {code: projects[entries[code]["name"]] for code in SEEDED}
    assert all(p["lifecycle"] == "active" and p["lead_department"] and p["working_group_id"]
               for p in by_entry.values())
    assert all(p["checklist"]["required"] == len(entries[code]["evidence"]) for code, p in by_entry.items())
    carried = {code: p["carried_out"] for code, p in by_entry.items()}
    assert all(c["done"] > 0 for c in carried.values())
    assert carried[LAPSED]["missed"] >= 1 and carried[LAPSED]["still_carried_out"] is False  # its last round
    assert all(c["still_carried_out"] for code, c in carried.items() if code != LAPSED)
    rounds = [a for a in get(f"{url}{P}/projects/{by_entry['elderly_falls']['id']}/activities")["activities"]
              if a["frequency"] == "weekly"][0]
    occurrences = get(f"{url}{P}/activities/{rounds['id']}/occurrences", limit=500)["occurrences"]
    past = [o for o in occurrences if o["due_on"] < sitetime.today().isoformat()]
    assert 0 < sum(o["status"] == "done" for o in past) < len(past)  # the rest: past due, not done: missed
    assert "4 TEDA projects from the template" in printed


def check_training_meetings_and_letters(url):
    """The committee's office and members, trained by name; its meetings each quarter; letters signed."""
    committee = get(f"{url}{P}/committee")
    assert committee["office_department"] == "work_safety" and len(committee["members"]) == 6
    assert sorted((m["role"], m["current"]) for m in committee["members_detail"]) == [
        ("committee_office_staff", True)] * 2 + [("working_group_lead", True)] * 4  # people in the registry's roles
    trained = (sitetime.today() - timedelta(days=40)).year
    hours = {m["assignment_id"]: m["hours"] for m in get(f"{url}{P}/training-hours", year=trained)["members"]}
    assert set(committee["members"]) <= set(hours) and sum(h == 3.5 for h in hours.values()) >= 5
    last_year = sitetime.today().year - 1
    assert get(f"{url}{P}/committee/quarters", year=last_year)["met_every_quarter"] is True
    levels = {row["level"]: row for row in get(f"{url}{P}/letters/shares", year=sitetime.today().year)["levels"]}
    assert levels["street"]["share"] == 100.0 and 0 < levels["unit"]["signed"] < levels["unit"]["issued"]


def check_indicators(url):
    """Each project has its template entry's indicators, counting the seeded injuries: the dog-bite
    one, every animal bite in its community's grids over the months shown, per its residents."""
    entries = {e["code"]: e for e in get(f"{url}{P}/templates/teda")["entries"]}
    projects = projects_of(url)
    by_entry = {code: projects[entries[code]["name"]] for code in SEEDED}
    for code, project in by_entry.items():
        shown = get(f"{url}{P}/projects/{project['id']}/indicators")["indicators"]
        assert sorted(i["code"] for i in shown) == sorted(i["code"] for i in entries[code].get("indicators", []))
    [bites] = get(f"{url}{P}/projects/{by_entry['dog_bites']['id']}/indicators")["indicators"]
    scope = bites["grids"][0]
    cases = get(f"{url}/api/incidents/injuries", cause="animal", limit=500)["cases"]
    expected = sum(1 for case in cases if (case["grid_code"] or "").startswith(scope))
    since = sitetime.month_of(sitetime.today() - timedelta(days=800))

    def counted():  # the cases and the residents reach projects on queues of their own
        values = get(f"{url}{P}/indicators/{bites['id']}", **{"from": since})["values"]
        settled = all(v["denominator"] for v in values) and sum(v["numerator"] for v in values) == expected
        return settled and values
    values = wait_until(counted, timeout=30, message=f"{expected} animal bites counted in {scope}, per its residents")
    assert expected > 0
    assert all(v["value"] == pytest.approx(v["numerator"] / v["denominator"] * 1000, abs=1e-3) for v in values)


def check_evidence(url):
    """Real files (PNG, PDF, CSV) behind every element, counted alike by projects and the pack."""
    items = get(f"{url}{P}/evidence", limit=500)["evidence"]
    assert {item["content_type"] for item in items} == {"image/png", "application/pdf", "text/csv"}
    counted = {e["code"]: e["evidence"] for e in get(f"{url}{P}/evidence/elements")["elements"]}
    assert len(counted) == 12 and all(counted.values())  # every element has evidence behind it
    for project in projects_of(url).values():  # each checklist lacks only the summary, written at the end
        assert [need["kind"] for need in project["checklist"]["missing"]] == ["summary"]

    wait_until(lambda: summary(url)["injuries"] == INJURIES, message="the demo injuries")
    wait_until_quiet(url)
    pack = post(f"{url}/api/reports/periodic", {"kind": "self_evaluation", "year": sitetime.today().year},
                expect=201)
    in_pack = {e["code"]: e["evidence_items"] for e in pack["snapshot"]["elements"]}
    assert in_pack == {EVIDENCE_ELEMENTS[code]: n for code, n in counted.items()}
