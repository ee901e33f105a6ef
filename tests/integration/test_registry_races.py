"""Concurrent requests against the registry, on SQLite (embedded) and PostgreSQL: two registrations
of one ID number at once are one resident and a 409 for the other, as the one that came second in
turn gets, never a 500 from the database's unique index."""
import eventlet
import pytest
from sqlalchemy import create_engine, text

from safecommunity.config import database_url
from safecommunity.testing import admin_token
from tests.conftest import base_url
from tests.integration.test_registry import PII_KEYS, id_number
from tests.integration.test_registry_bad_input import Client, resident_body

AT_ONCE = 8


@pytest.fixture(params=["sqlite", "postgresql"])
def registry(request, start_services):
    config = request.getfixturevalue("embedded_config" if request.param == "sqlite" else "distributed_config")
    config = {**config, **PII_KEYS}
    start_services(config, ["registry"])
    api = Client(base_url(config), admin_token(config))
    api.made("/api/registry/grids", {"code": "BD-G1", "name": "Grid 网格", "level": "grid"})
    engine = create_engine(database_url(config, "registry"))
    yield api, engine
    engine.dispose()


def all_at_once(send, bodies):
    pool = eventlet.GreenPool(len(bodies))
    return list(pool.imap(send, bodies))


def count(engine, sql):
    with engine.connect() as connection:
        return connection.scalar(text(sql))


def test_registrations_of_one_id_number_at_once_are_one_resident_and_409s(registry):
    api, engine = registry
    bodies = [resident_body(serial="31", name=f"Li Hua {n}") for n in range(AT_ONCE)]
    answers = all_at_once(lambda body: api.send("POST", "/api/registry/residents", body), bodies)
    assert sorted(answer.status_code for answer in answers) == [201] + [409] * (AT_ONCE - 1), [
        answer.text for answer in answers]
    winner = next(answer.json()["id"] for answer in answers if answer.status_code == 201)
    told = {answer.json()["message"] for answer in answers if answer.status_code == 409}
    assert told == {f"resident {winner} is registered with this ID number"}  # as the one after it in turn
    sequential = api.send("POST", "/api/registry/residents", resident_body(serial="31"))
    assert (sequential.status_code, sequential.json()["message"]) == (409, told.pop())
    assert count(engine, "SELECT count(*) FROM residents") == 1
    assert count(engine, "SELECT count(*) FROM audit_log WHERE action = 'id_number_match'") == AT_ONCE


def test_changing_residents_to_one_id_number_at_once_leaves_it_with_one_of_them(registry):
    api, engine = registry
    people = [api.made("/api/registry/residents", resident_body(serial=f"4{n}", id_number=None))["id"]
              for n in range(AT_ONCE)]
    number = id_number(serial="49")
    answers = all_at_once(lambda person: api.send("PATCH", f"/api/registry/residents/{person}",
                                                  {"id_number": number}), people)
    assert sorted(answer.status_code for answer in answers) == [200] + [409] * (AT_ONCE - 1), [
        answer.text for answer in answers]
    assert all(answer.json()["error"] == "conflict" for answer in answers if answer.status_code == 409)
    assert count(engine, "SELECT count(*) FROM residents WHERE id_number_hash IS NOT NULL") == 1
