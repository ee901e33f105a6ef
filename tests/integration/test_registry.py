"""The registry against real PostgreSQL and RabbitMQ: personal data sealed, masked and audited,
scopes, field-level errors, events without personal data, imports that can be repeated."""
import io
import json
import os
import subprocess
import sys
from datetime import timedelta

import pytest
import requests
from cryptography.fernet import Fernet
from openpyxl import Workbook
from sqlalchemy import text

from safecommunity import sitetime
from safecommunity.testing import admin_token
from services.registry.codes import credit_check_char, id_check_char
from tests.conftest import base_url

PII_KEYS = {"PII_KEY": Fernet.generate_key().decode(), "PII_HASH_KEY": "k" * 40}
GRIDS = [("XL", "Xianlin", "district", None), ("XL-G1", "Grid 1", "grid", "XL"), ("XL-G2", "Grid 2", "grid", "XL")]


def id_number(born="19480502", serial="12", sex="female", area="320113"):
    first17 = f"{area}{born}{serial}{'2' if sex == 'female' else '1'}"
    return first17 + id_check_char(first17)


def credit_code(body="91320113MA1XYK12"):
    first17 = body + "3"
    return first17 + credit_check_char(first17)


class Api:
    def __init__(self, url, token=None):
        self.url, self.headers = url + "/api/registry", {"Authorization": f"Bearer {token}"} if token else {}

    def call(self, method, path, expect, body=None, **params):
        response = requests.request(method, self.url + path, json=body, params=params, headers=self.headers,
                                    timeout=30)
        assert response.status_code == expect, (method, path, response.status_code, response.text)
        return response.json()

    def post(self, path, body, expect=201):
        return self.call("POST", path, expect, body)

    def get(self, path, expect=200, **params):
        return self.call("GET", path, expect, **params)


SCOPES = {"reader": ["registry:read"], "clerk": ["registry:read", "registry:write"],
          "officer": ["registry:read", "registry:write", "registry:pii"],
          "police": ["registry:read", "registry:write", "registry:sensitive"],
          "auditor": ["registry:audit"]}


@pytest.fixture
def registry(distributed_config, databases, start_services):
    """The registry, a token (in the access store) per role in SCOPES, grids made by the clerk;
    `api` is the anonymous caller, who may neither read nor write the registry."""
    config = {**distributed_config, **PII_KEYS}
    start_services(config, ["registry"])
    engine = databases.engine("registry")
    tokens = {name: admin_token(config, subject=name, scopes=scopes) for name, scopes in SCOPES.items()}
    callers = {name: Api(base_url(config), token) for name, token in tokens.items()}
    for code, name, level, parent in GRIDS:
        callers["clerk"].post("/grids", {"code": code, "name": name, "level": level, "parent_code": parent})
    yield {"url": base_url(config), "api": Api(base_url(config)), "engine": engine, "config": config,
           "tokens": tokens, **callers}
    engine.dispose()


def resident(**overrides):
    return {"name": "Li Hua", "sex": "female", "birth_date": "1948-05-02", "residence_type": "permanent",
            "grid_code": "XL-G1", "id_number": id_number(), "phone": "13812345678", **overrides}


def outbox(engine):
    with engine.connect() as connection:
        return [json.loads(row) for row in connection.scalars(text("SELECT envelope FROM outbox ORDER BY id"))]


def audit_rows(engine):
    with engine.connect() as connection:
        return [dict(row._mapping) for row in connection.execute(text("SELECT * FROM audit_log ORDER BY id"))]


def test_personal_data_is_sealed_masked_without_the_pii_scope_and_audited_with_it(registry):
    created = registry["clerk"].post("/residents", resident())
    assert created["id_number"] == "32**************" + id_number()[-2:]
    assert created["phone"] == "138****5678" and created["name"] == "L**"
    assert registry["reader"].get(f"/residents/{created['id']}")["id_number"].count("*") == 14
    assert audit_rows(registry["engine"]) == []

    shown = registry["officer"].get(f"/residents/{created['id']}")
    assert (shown["id_number"], shown["phone"], shown["name"]) == (id_number(), "13812345678", "Li Hua")
    [entry] = registry["auditor"].get("/audit", resource_id=created["id"])["entries"]
    assert entry["subject"] == "officer" and entry["fields"] == "birth_date,id_number,name,phone"
    registry["reader"].get("/audit", expect=403)
    registry["api"].get("/audit", expect=401)

    with registry["engine"].connect() as connection:
        stored = " ".join(str(v) for v in connection.execute(text("SELECT * FROM residents")).one())
    assert id_number() not in stored and "13812345678" not in stored
    found = registry["officer"].get("/residents", id_number=id_number())["residents"]
    assert [r["id"] for r in found] == [created["id"]]
    registry["reader"].get("/residents", id_number=id_number(), expect=403)


def test_sensitive_tags_need_their_own_scope_to_be_written_seen_or_searched(registry):
    person = registry["clerk"].post("/residents", resident(id_number=None, phone=None))
    path = f"/residents/{person['id']}/tags"
    registry["clerk"].post(path, {"tag": "mental_health", "attributes": {"risk_level": 2}}, expect=403)
    registry["police"].post(path, {"tag": "mental_health", "attributes": {"risk_level": 2}}, expect=200)
    registry["clerk"].post(path, {"tag": "elderly", "attributes": {"living_alone": True, "care_class": "B"}},
                           expect=200)
    assert len(registry["auditor"].get("/audit")["entries"]) == 1  # police saw it in the tagging's answer
    assert [t["code"] for t in registry["reader"].get(f"/residents/{person['id']}")["tags"]] == ["elderly"]
    assert len(registry["auditor"].get("/audit")["entries"]) == 1
    shown = registry["police"].get(f"/residents/{person['id']}")
    assert [t["code"] for t in shown["tags"]] == ["elderly", "mental_health"]
    latest = registry["auditor"].get("/audit")["entries"][0]
    assert (latest["subject"], latest["fields"]) == ("police", "tag:mental_health")
    registry["reader"].get("/residents", tag="mental_health", expect=403)
    assert len(registry["reader"].get("/residents", tag="elderly", age_min=70)["residents"]) == 1
    assert registry["reader"].get("/residents", tag="elderly", age_max=69)["residents"] == []


def test_bad_input_is_a_400_naming_the_field_and_stores_nothing(registry):
    clerk = registry["clerk"]
    wrong_check = id_number()[:-1] + ("0" if id_number()[-1] != "0" else "1")
    cases = [(resident(id_number=wrong_check), "id_number", "check digit"),
             (resident(birth_date="1950-01-01"), "id_number", "1948-05-02"),
             (resident(sex="male"), "id_number", "female"),
             (resident(phone="12345"), "phone", "mobile"),
             (resident(grid_code="NOPE"), "grid_code", "no grid"),
             (resident(tags=[{"tag": "astronaut"}]), "tags.0.tag", "no tag type"),
             (resident(tags=[{"tag": "child_0_6"}]), "tag", "aged 6 or less"),
             (resident(permit_expires_on="2030-01-01"), "permit_expires_on", "migrant"),
             (resident(colour="blue"), "colour", "Unknown")]
    for body, field, words in cases:
        answer = clerk.post("/residents", body, expect=400)
        assert words in json.dumps(answer["fields"][field], ensure_ascii=False), (field, answer)
    clerk.post("/residents", resident())
    assert clerk.post("/residents", resident(), expect=409)["error"] == "conflict"  # not "already registered"
    unit = {"name": "Shop", "type": "small_shop", "grid_code": "XL-G1", "credit_code": credit_code()[:-1] + "0"}
    assert "GB 32100" in clerk.post("/units", unit, expect=400)["fields"]["credit_code"][0]
    assert "type" in clerk.post("/units", {**unit, "credit_code": credit_code(), "type": "spaceport"},
                                expect=400)["fields"]
    registry["api"].post("/units", {**unit, "credit_code": credit_code()}, expect=401)  # anonymous may not write
    clerk.post("/units", {**unit, "credit_code": credit_code()}, expect=201)
    with registry["engine"].connect() as connection:
        assert connection.scalar(text("SELECT count(*) FROM residents")) == 1
        assert connection.scalar(text("SELECT count(*) FROM units")) == 1


def test_every_change_is_an_event_carrying_no_personal_data(registry):
    clerk = registry["clerk"]
    person = clerk.post("/residents", resident(tags=[{"tag": "elderly", "attributes": {"care_class": "A"}}]))
    clerk.call("PATCH", f"/residents/{person['id']}", 200, {"grid_code": "XL-G2", "phone": "13900000000"})
    clerk.call("DELETE", f"/residents/{person['id']}/tags/elderly", 200)
    clerk.post(f"/residents/{person['id']}/move-out", {"moved_out_on": sitetime.today().isoformat()}, expect=200)
    clerk.post(f"/residents/{person['id']}/move-out", {}, expect=409)
    unit = clerk.post("/units", {"name": "Dragon Restaurant", "type": "small_restaurant", "grid_code": "XL-G1",
                                 "credit_code": credit_code(), "safety_officer": "Zhang San",
                                 "safety_officer_phone": "13700000000", "special_workers": 2,
                                 "certified_special_workers": 1})
    assert unit["safety_officer"] == "Z**" and unit["safety_officer_phone"] == "137****0000"
    clerk.post(f"/units/{unit['id']}/risk-grade", {"risk_grade": "high"}, expect=200)
    hydrant = clerk.post("/facilities", {"code": "HYD-1", "type": "hydrant", "grid_code": "XL-G1",
                                         "unit_id": unit["id"],
                                         "last_inspected_on": (sitetime.today() - timedelta(days=40)).isoformat()})
    assert [f["code"] for f in clerk.get("/facilities", overdue="true")["facilities"]] == ["HYD-1"]
    clerk.post(f"/facilities/{hydrant['id']}/inspections", {"status": "faulty"}, expect=200)
    assert clerk.get("/facilities", overdue="true")["facilities"] == []
    assert [f["code"] for f in clerk.get("/facilities", status="faulty", type="hydrant")["facilities"]] == ["HYD-1"]
    assert [u["id"] for u in clerk.get("/units", risk_grade="high", type="small_restaurant")["units"]] == [unit["id"]]

    events = outbox(registry["engine"])
    assert [e["type"] for e in events if e["type"] != "grid.created"] == [
        "resident.registered", "resident.updated", "resident.untagged", "resident.moved_out",
        "unit.registered", "unit.risk_graded", "facility.registered", "facility.inspected"]
    assert events[3]["data"]["tags"] == ["elderly"]
    updated = events[4]["data"]
    assert (updated["grid_code"], updated["previous"]["grid_code"]) == ("XL-G2", "XL-G1")
    assert updated["changed"] == ["grid_code", "phone"]
    text_of_events = json.dumps(events, ensure_ascii=False)
    for secret in (id_number(), "13812345678", "13900000000", "Li Hua", "Zhang San", "13700000000"):
        assert secret not in text_of_events


def csv_file(rows):
    header = ["id_number", "name", "residence_type", "grid_code", "phone", "tags"]
    return "\n".join([",".join(header)] + [",".join(row) for row in rows]) + "\n"


def import_by_cli(registry, path, token, kind="residents"):
    """`safecommunity registry import KIND FILE` as the caller the token names (SAFECOMMUNITY_TOKEN)."""
    env = {**os.environ, **PII_KEYS, "DATABASE_URL": registry["config"]["DATABASE_URL"], "LOG_FORMAT": "text",
           "SAFECOMMUNITY_TOKEN": token}
    return subprocess.run([sys.executable, "-m", "safecommunity.cli", "registry", "import", kind, str(path)],
                          env=env, capture_output=True, text=True, timeout=60)


def test_a_csv_import_reports_bad_rows_and_importing_it_again_changes_nothing(registry, tmp_path):
    rows = [(id_number(serial=f"{n:02d}"), f"Person {n}", "permanent", "XL-G1", "13800000000", "elderly")
            for n in range(1, 6)]
    rows += [(id_number()[:-1] + "0" if id_number()[-1] != "0" else id_number()[:-1] + "1", "Bad", "permanent",
              "XL-G1", "", ""),
             (id_number(serial="77"), "No grid", "permanent", "XL-G9", "", ""),
             (id_number(serial="01"), "Twice", "permanent", "XL-G1", "", ""),
             (id_number(serial="78"), "Unknown tag", "permanent", "XL-G1", "", "astronaut")]
    path = tmp_path / "residents.csv"
    path.write_text(csv_file(rows))
    def run_import():  # as the officer: importing residents needs registry:pii and registry:write
        done = import_by_cli(registry, path, registry["tokens"]["officer"])
        return json.loads(done.stdout.strip().splitlines()[-1]), done.stderr

    first, progress = run_import()
    assert first["counts"] == {"created": 5, "updated": 0, "unchanged": 0, "rejected": 4}, (first, progress)
    assert "100%" in progress and "9/9 rows" in progress
    assert "row 7: id_number: check digit does not match (GB 11643)" in progress
    assert "row 8: grid_code: no grid XL-G9" in progress
    assert "row 9: id_hash: same as row 2" in progress or "row 9: id_number" in progress
    assert "row 10: tags: no tag type astronaut" in progress
    before = outbox(registry["engine"])
    again, _ = run_import()
    assert again["counts"] == {"created": 0, "updated": 0, "unchanged": 5, "rejected": 4}
    assert outbox(registry["engine"]) == before
    registered = [e["data"] for e in before if e["type"] == "resident.registered"]
    assert len(registered) == 5 and all(e["tags"] == ["elderly"] and e["sex"] == "female" for e in registered)


def test_units_and_facilities_import_from_xlsx_over_http(registry):
    book = Workbook()
    sheet = book.active
    sheet.append(["credit_code", "name", "type", "grid_code", "risk_grade", "hazardous_chemicals"])
    sheet.append([credit_code(), "Paint works", "small_workshop", "XL-G1", "major", "true"])
    sheet.append(["91320113MA1XYZ1230", "Bad code", "small_shop", "XL-G1", "low", "false"])
    body = io.BytesIO()
    book.save(body)
    xlsx = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    answer = requests.post(registry["url"] + "/api/registry/imports/units", data=body.getvalue(),
                           headers={"Content-Type": xlsx, **registry["clerk"].headers}, timeout=30).json()
    assert answer["counts"] == {"created": 1, "updated": 0, "unchanged": 0, "rejected": 1}
    assert answer["errors"][0]["row"] == 3 and answer["errors"][0]["field"] == "credit_code"
    facilities = "code,type,grid_code,unit_credit_code,status\nEXT-1,extinguisher,XL-G1,{},in_order\n".format(
        credit_code())
    answer = requests.post(registry["url"] + "/api/registry/imports/facilities", data=facilities,
                           headers={"Content-Type": "text/csv", **registry["clerk"].headers}, timeout=30).json()
    assert answer["counts"]["created"] == 1
    assert registry["reader"].get("/facilities", type="extinguisher")["facilities"][0]["unit_id"]
    assert registry["reader"].get("/units", risk_grade="major")["units"][0]["hazardous_chemicals"] is True


def test_a_token_that_is_unknown_is_refused_and_anonymous_callers_may_neither_read_nor_write_the_registry(
        registry):
    Api(registry["url"], "not-a-token").get("/grids", expect=401)
    registry["api"].post("/residents", resident(), expect=401)
    person = registry["clerk"].post("/residents", resident())
    for path in (f"/residents/{person['id']}", "/residents", "/grids"):
        assert registry["api"].get(path, expect=401)["error"] == "unauthorized"
    assert registry["reader"].get(f"/residents/{person['id']}")["id_number"].count("*") == 14


def test_a_residents_import_takes_tag_attributes_in_columns_of_their_own(registry):
    clerk, officer = registry["clerk"], registry["officer"]  # the officer imports, reads names and health data
    header = "id_number,name,residence_type,grid_code,tags,elderly.living_alone,elderly.fall_risk_score\n"

    def upload(body, expect=200):
        response = requests.post(registry["url"] + "/api/registry/imports/residents", data=body,
                                 headers={"Content-Type": "text/csv", **officer.headers}, timeout=30)
        assert response.status_code == expect, response.text
        return response.json()

    rows = [f"{id_number(serial='31')},Alone,permanent,XL-G1,,是,35",    # the attribute implies the tag
            f"{id_number(serial='32')},Tagged,permanent,XL-G1,elderly,no,",
            f"{id_number(serial='33')},Bad flag,permanent,XL-G1,,maybe,10",
            f"{id_number(serial='34')},Too risky,permanent,XL-G1,,true,200",
            f"{id_number(born='20200101', serial='35')},Too young,permanent,XL-G1,,true,"]
    first = upload(header + "\n".join(rows) + "\n")
    assert first["counts"] == {"created": 2, "updated": 0, "unchanged": 0, "rejected": 3}, first
    reasons = {(error["row"], error["field"]): error["message"] for error in first["errors"]}
    assert reasons[(4, "elderly.living_alone")].startswith("must be true or false")
    assert reasons[(5, "elderly.fall_risk_score")] == "must be 0 to 100"
    assert "aged 60 or more" in reasons[(6, "tag")]
    found = {r["name"]: r for r in officer.get("/residents", tag="elderly")["residents"]}
    assert set(found) == {"Alone", "Tagged"}
    def elderly(name, caller=officer):
        [tag] = caller.get(f"/residents/{found[name]['id']}")["tags"]
        return tag["code"], tag["attributes"]

    assert elderly("Alone") == ("elderly", {"living_alone": True, "fall_risk_score": 35})
    assert elderly("Alone", clerk) == ("elderly", {"living_alone": True, "fall_risk_score": "***"})  # health data
    assert elderly("Tagged") == ("elderly", {"living_alone": False})

    assert upload(header + "\n".join(rows[:2]) + "\n")["counts"]["unchanged"] == 2  # same file: no change
    changed = upload(header + rows[0].replace(",35", ",60") + "\n")
    assert changed["counts"]["updated"] == 1
    assert elderly("Alone") == ("elderly", {"living_alone": True, "fall_risk_score": 60})
    refused = upload("id_number,name,residence_type,grid_code,elderly.shoe_size\n", expect=400)
    assert "elderly.shoe_size" in json.dumps(refused)


def test_a_facility_naming_a_unit_that_is_not_registered_is_a_row_error(registry):
    facilities = ("code,type,grid_code,unit_credit_code,status\n"
                  f"EXT-9,extinguisher,XL-G1,{credit_code('91320113MA1XYK99')},in_order\n"
                  "EXT-10,extinguisher,XL-G1,,in_order\n")
    answer = requests.post(registry["url"] + "/api/registry/imports/facilities", data=facilities,
                           headers={"Content-Type": "text/csv", **registry["clerk"].headers}, timeout=30).json()
    assert answer["counts"] == {"created": 1, "updated": 0, "unchanged": 0, "rejected": 1}
    assert answer["errors"][0]["row"] == 2 and answer["errors"][0]["field"] == "unit_credit_code"


# -- what a clerk (registry:read and registry:write, no registry:pii) is not shown, and an officer is --

HEALTH_TAGS = [{"tag": "elderly", "attributes": {"living_alone": True, "fall_risk_score": 70, "ability_grade": "mild"}},
               {"tag": "disabled", "attributes": {"grade": 2, "category": "physical"}},
               {"tag": "chronic_disease", "attributes": {"condition": "diabetes"}}]


def at_home(registry):
    """A resident with health data, living in room 502 of a building with an address."""
    person = registry["clerk"].post("/residents", resident(tags=HEALTH_TAGS))
    building = registry["clerk"].post("/buildings", {"grid_code": "XL-G1", "name": "No. 7", "storeys": 6,
                                                     "address": "7 Lotus Road"})
    home = registry["clerk"].post("/households", {"building_id": building["id"], "room": "502",
                                                  "members": [person["id"]]})
    return person, building, home


def tags_of(shown):
    return {tag["code"]: tag["attributes"] for tag in shown["tags"]}


def test_a_clerk_sees_no_health_attribute_nor_the_birth_date_beyond_its_year_and_an_officer_does(registry):
    person, _, _ = at_home(registry)
    clerk, officer = registry["clerk"], registry["officer"]
    for shown in (person, clerk.get(f"/residents/{person['id']}"),
                  *clerk.get("/residents", tag="chronic_disease")["residents"]):
        assert (shown["birth_date"], shown["birth_year"]) == (None, 1948)
        assert tags_of(shown) == {"elderly": {"living_alone": True, "fall_risk_score": "***", "ability_grade": "***"},
                                  "disabled": {"grade": "***", "category": "***"},
                                  "chronic_disease": {"condition": "***"}}
    refused = clerk.call("PATCH", f"/residents/{person['id']}", 400, {"birth_date": "1950-01-01"})
    assert "1948" not in json.dumps(refused) and "id_number" in refused["fields"]  # not the ID number's date
    assert audit_rows(registry["engine"]) == []

    shown = officer.get(f"/residents/{person['id']}")
    assert (shown["birth_date"], shown["birth_year"]) == ("1948-05-02", 1948)
    assert tags_of(shown) == {tag["tag"]: tag["attributes"] for tag in HEALTH_TAGS}
    [entry] = audit_rows(registry["engine"])
    assert entry["subject"] == "officer" and entry["fields"] == (
        "birth_date,id_number,name,phone,tag:chronic_disease.condition,tag:disabled.category,tag:disabled.grade,"
        "tag:elderly.ability_grade,tag:elderly.fall_risk_score")


def test_a_sites_own_tag_type_marks_its_health_attributes_and_a_clerk_sees_them_masked(registry):
    taxonomist = Api(registry["url"], admin_token(registry["config"], subject="taxonomist", scopes=["registry:admin"]))
    stage = {"type": "int", "min": 1, "max": 5, "health": True}
    taxonomist.post("/tag-types", {"code": "dialysis", "name": "Dialysis patient",
                                   "attributes": {"stage": stage, "clinic": {"type": "text"}}})
    assert "attributes" in taxonomist.post("/tag-types", {"code": "other", "name": "Other", "attributes": {
        "stage": {**stage, "health": "yes"}}}, expect=400)["fields"]
    person = registry["clerk"].post("/residents", resident(tags=[{"tag": "dialysis",
                                                                  "attributes": {"stage": 4, "clinic": "North"}}]))
    assert tags_of(person) == {"dialysis": {"stage": "***", "clinic": "North"}}
    assert tags_of(registry["officer"].get(f"/residents/{person['id']}")) == {"dialysis": {"stage": 4,
                                                                                          "clinic": "North"}}


def test_a_clerk_is_not_shown_where_a_household_lives_and_an_officer_is(registry):
    person, building, home = at_home(registry)
    clerk, officer = registry["clerk"], registry["officer"]
    for shown in (home, clerk.get(f"/households/{home['id']}"),
                  *clerk.get("/households", resident_id=person["id"])["households"]):
        assert (shown["building_id"], shown["address"], shown["room"]) == (None, "***", "***")
        assert [m["resident_id"] for m in shown["members"]] == [person["id"]]
    clerk.get("/households", building_id=building["id"], expect=403)  # who lives there is where they live
    assert clerk.get(f"/buildings/{building['id']}")["address"] == "7 Lotus Road"  # a building alone is no one's
    assert audit_rows(registry["engine"]) == []

    shown = officer.get(f"/households/{home['id']}")
    assert (shown["building_id"], shown["address"], shown["room"]) == (building["id"], "7 Lotus Road", "502")
    assert [h["id"] for h in officer.get("/households", building_id=building["id"])["households"]] == [home["id"]]
    entries = registry["auditor"].get("/audit", resource_type="household")["entries"]
    assert [(e["subject"], e["resource_id"], e["fields"]) for e in entries] == [
        ("officer", home["id"], "address,building_id,room")] * 2


def test_an_id_number_registered_already_is_a_plain_conflict_to_a_clerk_and_named_to_an_officer(registry):
    clerk, officer = registry["clerk"], registry["officer"]
    first = clerk.post("/residents", resident())
    answer = clerk.post("/residents", resident(name="Wang Wei"), expect=409)
    assert answer["error"] == "conflict" and set(answer) == {"error", "message"}
    told = json.dumps(answer).lower()
    assert first["id"] not in told and "id number" not in told and "id_number" not in told and id_number() not in told
    other = clerk.post("/residents", resident(name="Wu Gang", id_number=id_number(serial="33"), phone=None))
    assert clerk.call("PATCH", f"/residents/{other['id']}", 409, {"id_number": id_number()}) == answer

    named = officer.post("/residents", resident(name="Wang Wei"), expect=409)
    assert f"resident {first['id']} is registered with this ID number" == named["message"]
    matched = [(e["subject"], e["resource_id"], e["fields"]) for e in registry["auditor"].get("/audit")["entries"]
               if e["action"] == "id_number_match"]
    assert matched == [("officer", first["id"], "id_number"), ("clerk", first["id"], "id_number"),
                       ("clerk", first["id"], "id_number")]  # newest first: what each answer told is audited
    with registry["engine"].connect() as connection:
        assert connection.scalar(text("SELECT count(*) FROM residents")) == 2


def test_only_a_caller_with_pii_and_write_imports_residents_and_a_refused_import_imports_nothing(registry, tmp_path):
    body = f"id_number,name,residence_type,grid_code\n{id_number()},Li Hua,permanent,XL-G1\n"

    def upload(caller):
        return requests.post(registry["url"] + "/api/registry/imports/residents", data=body, timeout=30,
                             headers={"Content-Type": "text/csv", **caller.headers})

    assert [upload(registry[name]).status_code for name in ("api", "reader", "clerk", "police")] == [
        401, 403, 403, 403]
    path = tmp_path / "residents.csv"
    path.write_text(body)
    refused = import_by_cli(registry, path, registry["tokens"]["clerk"])
    assert refused.returncode != 0 and "registry:pii" in refused.stderr and "nothing was imported" in refused.stderr
    assert import_by_cli(registry, path, "not-a-token").returncode != 0
    with registry["engine"].connect() as connection:
        assert connection.scalar(text("SELECT count(*) FROM residents")) == 0
    assert [e["type"] for e in outbox(registry["engine"]) if e["type"] != "grid.created"] == []

    units = tmp_path / "units.csv"
    units.write_text(f"credit_code,name,type,grid_code\n{credit_code()},Shop,small_shop,XL-G1\n")
    assert import_by_cli(registry, units, registry["tokens"]["clerk"], kind="units").returncode == 0  # no PII
    assert upload(registry["officer"]).json()["counts"]["created"] == 1
