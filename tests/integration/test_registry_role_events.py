"""The registry's departments and people in roles as events, embedded (SQLite, the in-process
broker) and on PostgreSQL and RabbitMQ: what notifications finds recipients by (who holds which
role where, from when to when), the person by a key, never a name or phone; published from the
outbox like every other event."""
import json
from datetime import timedelta

import pytest
from sqlalchemy import create_engine, text

from safecommunity import sitetime
from safecommunity.config import database_url
from safecommunity.testing import admin_token, wait_until
from tests.conftest import base_url
from tests.integration import test_registry as base
from tests.integration.test_registry import outbox, resident

SECRETS = ("Li Hua", "13812345678", base.id_number(), "Sun Li", "13700001111")
ROLE_EVENTS = ("department.registered", "assignment.started", "assignment.ended")


@pytest.fixture(params=["sqlite", "postgresql"])
def registry(request, start_services):
    """As test_registry's fixture (a caller per role in its SCOPES, its grids), in either mode."""
    config = request.getfixturevalue("embedded_config" if request.param == "sqlite" else "distributed_config")
    config = {**config, **base.PII_KEYS}
    start_services(config, ["registry"])
    callers = {name: base.Api(base_url(config), admin_token(config, subject=name, scopes=scopes))
               for name, scopes in base.SCOPES.items()}
    for code, name, level, parent in base.GRIDS:
        callers["clerk"].post("/grids", {"code": code, "name": name, "level": level, "parent_code": parent})
    engine = create_engine(database_url(config, "registry"))
    yield {"engine": engine, **callers}
    engine.dispose()


def role_events(engine):
    return [(e["type"], e["data"]) for e in outbox(engine) if e["type"] in ROLE_EVENTS]


def unpublished(engine):
    with engine.connect() as connection:
        return connection.scalar(text("SELECT count(*) FROM outbox WHERE published_at IS NULL"))


def test_a_department_and_its_people_in_roles_are_events_that_name_nobody(registry):
    clerk = registry["clerk"]
    clerk.post("/departments", {"code": "XL-PS", "name": "Xianlin police station", "kind": "police"})
    person = clerk.post("/residents", resident())
    last_year = (sitetime.today() - timedelta(days=365)).isoformat()
    head = clerk.post("/assignments", {"role": "grid_head", "grid_code": "XL-G1", "resident_id": person["id"],
                                       "term_from": last_year})
    staff = clerk.post("/assignments", {"role": "department_data_officer", "department_code": "XL-PS",
                                        "person_name": "Sun Li", "person_phone": "13700001111"})
    yesterday = (sitetime.today() - timedelta(days=1)).isoformat()
    clerk.post(f"/assignments/{head['id']}/end", {"ended_on": yesterday}, expect=200)
    clerk.post(f"/assignments/{head['id']}/end", {}, expect=409)  # refused: no second event

    today = sitetime.today().isoformat()
    assert role_events(registry["engine"]) == [
        ("department.registered", {"code": "XL-PS", "name": "Xianlin police station", "kind": "police"}),
        ("assignment.started", {"assignment_id": head["id"], "person_key": person["id"], "role": "grid_head",
                                "grid_code": "XL-G1", "department_code": None, "term_from": last_year,
                                "term_to": None}),
        ("assignment.started", {"assignment_id": staff["id"], "person_key": staff["id"],
                                "role": "department_data_officer", "grid_code": None, "department_code": "XL-PS",
                                "term_from": today, "term_to": None}),
        ("assignment.ended", {"assignment_id": head["id"], "person_key": person["id"], "role": "grid_head",
                              "grid_code": "XL-G1", "department_code": None, "term_from": last_year,
                              "term_to": yesterday})]
    text_of_events = json.dumps(outbox(registry["engine"]), ensure_ascii=False)
    assert all(secret not in text_of_events for secret in SECRETS)
    wait_until(lambda: unpublished(registry["engine"]) == 0, message="the outbox published")


def test_refused_departments_and_appointments_are_no_events(registry):
    clerk = registry["clerk"]
    clerk.post("/departments", {"code": "XL-FB", "name": "Fire brigade", "kind": "fire"})
    clerk.post("/departments", {"code": "XL-FB", "name": "Again", "kind": "fire"}, expect=409)
    clerk.post("/assignments", {"role": "grid_head", "department_code": "XL-FB", "person_name": "A"}, expect=400)
    clerk.post("/assignments", {"role": "grid_head", "grid_code": "NOPE", "person_name": "A"}, expect=400)
    registry["reader"].post("/assignments", {"role": "grid_head", "grid_code": "XL-G1", "person_name": "A"},
                            expect=403)
    assert [type_ for type_, _ in role_events(registry["engine"])] == ["department.registered"]
