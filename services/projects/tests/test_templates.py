"""Project templates: the shipped TEDA template, a site's own folder, files refused with the entry
and field named, and an entry turned into activities and an evidence checklist. No I/O but files."""
import json
from datetime import date

import pytest
import yaml

from safecommunity.errors import FieldInvalid
from services.projects.files import load_template, load_templates
from services.projects.templates import TemplateInvalid, activities_start, activity_commands, next_day, requirements

ENTRY = {"code": "lifts", "name": "Lift safety 电梯安全", "intervention_area": "special_equipment",
         "working_group_area": "special_equipment", "status": "new",
         "measures": [{"kind": "management", "description": "lift registers"}],
         "activities": [{"name": "Lift check", "kind": "inspection", "frequency": "monthly"},
                        {"name": "Fire day", "kind": "campaign", "day": "11-09", "campaign": "day_11_9",
                         "owner_department": "fire", "place": "square"}],
         "evidence": [{"kind": "inspection_ledger", "elements": ["promotion_projects"], "activity": "Lift check"},
                      {"kind": "summary", "elements": ["evaluation"]}]}


def write(folder, name, data):
    path = folder / name
    path.write_text(json.dumps(data, ensure_ascii=False) if name.endswith(".json") else yaml.safe_dump(data),
                    encoding="utf-8")
    return path


def refusal(tmp_path, entry=None, **template):
    body = {"code": "site", "name": "Site", "entries": [ENTRY, entry or ENTRY], **template}
    with pytest.raises(TemplateInvalid) as refused:
        load_template(write(tmp_path, "site.yaml", body))
    return refused.value


def test_the_shipped_teda_template_holds_the_ten_projects_of_the_domain_each_with_evidence_required():
    teda = load_templates()["teda"]
    codes = [entry["code"] for entry in teda.entries]
    assert codes == ["elderly_falls", "dog_bites", "gas_alarms", "falls_from_height", "forklift_injuries",
                     "commuter_bus", "school_traffic", "group_rentals", "medication_safety", "worker_mental_health"]
    assert all(entry["evidence"] for entry in teda.entries)
    [falls] = [entry for entry in teda.entries if entry["code"] == "elderly_falls"]
    assert falls["intervention_area"] == falls["working_group_area"] == "elderly"
    assert [a["frequency"] for a in falls["activities"]] == ["daily"]


def test_a_sites_folder_adds_its_templates_and_a_code_twice_is_refused(tmp_path):
    write(tmp_path, "site.json", {"code": "site", "name": "Site 本街道", "entries": [ENTRY]})
    assert sorted(load_templates(tmp_path)) == ["site", "teda"]
    write(tmp_path, "teda-again.yaml", {"code": "teda", "name": "again", "entries": [ENTRY]})
    with pytest.raises(TemplateInvalid) as refused:
        load_templates(tmp_path)
    assert refused.value.problems == [("code", "template teda is loaded already")]


@pytest.mark.parametrize("change, where", [
    ({"measures": [{"kind": "prayer", "description": "x"}]}, "entries[1] lifts: measures.0.kind"),
    ({"status": "ongoing"}, "entries[1] lifts: status"),
    ({"intervention_area": "Not A Code"}, "entries[1] lifts: intervention_area"),
    ({"activities": [{"name": "x", "kind": "visit"}]}, "entries[1] lifts: activities.0.frequency"),
    ({"activities": [{"name": "x", "kind": "visit", "day": "02-30"}]}, "entries[1] lifts: activities.0.day"),
    ({"activities": [{"name": "x", "kind": "drill", "frequency": "weekly"}]}, "entries[1] lifts: activities.0.hours"),
    ({"evidence": [{"kind": "photo", "elements": ["safety"]}]}, "entries[1] lifts: evidence.0.elements.0"),
    ({"evidence": [{"kind": "photo", "elements": []}]}, "entries[1] lifts: evidence.0.elements"),
    ({"evidence": [{"kind": "photo", "elements": ["archives"], "activity": "Nothing"}]}, "entries[1] lifts: evidence"),
    ({"colour": "red"}, "entries[1] lifts: colour"),
    ({"name": None}, "entries[1] lifts: name"),
])
def test_a_template_that_does_not_validate_is_refused_with_its_entry_and_field_named(tmp_path, change, where):
    refused = refusal(tmp_path, {**ENTRY, **change})
    assert [place for place, _ in refused.problems] == [where], refused.problems
    assert str(refused).startswith("site.yaml: entries[1] lifts: ")


def test_a_template_without_entries_with_an_entry_twice_or_unreadable_is_refused(tmp_path):
    assert [p for p, _ in refusal(tmp_path, entries=[]).problems] == ["entries"]
    assert [p for p, _ in refusal(tmp_path).problems] == ["entries"]  # the same code twice
    broken = tmp_path / "broken.yaml"
    broken.write_text("entries: [", encoding="utf-8")
    with pytest.raises(TemplateInvalid) as refused:
        load_template(broken)
    assert refused.value.problems[0][0] == "(file)"


def test_an_entrys_activities_start_with_the_project_and_take_the_requests_owner_and_place_where_they_name_none():
    start = activities_start(date(2026, 1, 5), date(2026, 12, 2))
    assert start == date(2026, 12, 2) and activities_start(date(2027, 3, 1), date(2026, 12, 2)) == date(2027, 3, 1)
    [check, campaign] = activity_commands(ENTRY, start, {"owner_department": "market_regulation"}, {"grid_code": "G1"})
    assert (check["frequency"], check["starts_on"], check["owner_department"], check["grid_code"]) == \
        ("monthly", start, "market_regulation", "G1")
    assert (campaign["on"], campaign["owner_department"], campaign["place"]) == (date(2027, 11, 9), "fire", "square")
    assert "grid_code" not in campaign and "on" not in check
    assert requirements(ENTRY)[0] == {"kind": "inspection_ledger", "elements": ["promotion_projects"],
                                      "activity": "Lift check"}


def test_a_dated_activitys_day_is_its_next_date_and_29_february_waits_for_a_leap_year():
    assert next_day("11-09", date(2026, 11, 9)) == date(2026, 11, 9)
    assert next_day("11-09", date(2026, 11, 10)) == date(2027, 11, 9)
    assert next_day("02-29", date(2026, 3, 1)) == date(2028, 2, 29)
    with pytest.raises(FieldInvalid):
        next_day("02-30", date(2026, 1, 1))
