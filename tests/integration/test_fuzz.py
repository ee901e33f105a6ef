"""The fuzz ring: inputs generated from the OpenAPI document (schemathesis) against every route of an
embedded platform, and a hand corpus of NUL bytes and over-long strings in every field of every body
the document describes, against embedded (SQLite) and distributed (PostgreSQL) platforms. No answer
is a 5xx, no connection drops, nothing invalid is stored. Bounded: a few examples an operation."""
import sqlite3
from pathlib import Path

import pytest
import requests
import schemathesis
from hypothesis import HealthCheck, given, settings

from safecommunity.testing import ServiceProcess, free_port, migrate
from safecommunity.text import text_problem

pytestmark = pytest.mark.integration

EXAMPLES = 12        # generated cases an operation
LONG = "长" * 300_000  # ~900 KB in UTF-8: past every field's maximum, under the body cap


@pytest.fixture(scope="module")
def embedded(tmp_path_factory):
    folder = tmp_path_factory.mktemp("fuzz")
    env = {"SAFECOMMUNITY_DATA": str(folder / "data"), "AMQP_URI": None, "DATABASE_URL": None}
    running = ServiceProcess([], free_port(), env, log_path=folder / "platform.log").start(migrate=True)
    running.token, running.data = running.admin_token(), folder / "data"
    try:
        yield running
    finally:
        running.stop()


def test_no_generated_input_is_answered_with_a_server_error(embedded):
    """Every operation of the document, EXAMPLES cases each, positive and negative (schemathesis
    drives hypothesis); its pytest plugin does not run on pytest 9, so the loop is ours."""
    schema = schemathesis.openapi.from_url(f"{embedded.url}/api/openapi.json")
    headers = {"Authorization": f"Bearer {embedded.token}"}
    server_errors, operations = [], 0
    for result in schema.get_all_operations():
        operation = result.ok()
        operations += 1

        @given(operation.as_strategy())
        @settings(max_examples=EXAMPLES, deadline=None, derandomize=True, database=None,
                  suppress_health_check=list(HealthCheck))
        def call(case):
            response = case.call(headers=headers, timeout=30)  # a dropped connection raises, and fails the test
            if response.status_code >= 500:
                server_errors.append(f"{case.method} {case.formatted_path}: {response.status_code} "
                                     f"{response.text[:200]}")

        call()
    assert operations > 100, "the document lists every route"
    assert server_errors == []
    assert stored_text_problems(embedded.data) == []


def bodies_with(value, document):
    """(method, path, body) for every operation whose JSON body the document describes: each string
    property of its schema (and of the items of its arrays) set to `value`."""
    for path, operations in document["paths"].items():
        for method, operation in operations.items():
            content = operation.get("requestBody", {}).get("content", {}).get("application/json")
            if content:
                yield method.upper(), path.replace("{", "").replace("}", ""), filled(content["schema"], document, value)


def filled(schema, document, value, depth=0):
    schema = resolve(schema, document)
    if depth > 4:
        return value
    if schema.get("type") == "array" or "items" in schema:
        return [filled(schema.get("items", {}), document, value, depth + 1)]
    if schema.get("type") == "object" or "properties" in schema:
        return {name: filled(inner, document, value, depth + 1) for name, inner in schema.get("properties", {}).items()}
    return value if schema.get("type", "string") == "string" else None


def resolve(schema, document):
    while "$ref" in schema:
        schema = document["components"]["schemas"][schema["$ref"].rsplit("/", 1)[-1]]
    for key in ("allOf", "anyOf", "oneOf"):
        if key in schema and schema[key]:
            return resolve(schema[key][0], document)
    return schema


def corpus(platform):
    document = requests.get(f"{platform.url}/api/openapi.json", timeout=30).json()
    return [case for value in ("bad\x00byte", LONG) for case in bodies_with(value, document)]


def assert_refused(platform, cases):
    session = requests.Session()
    session.headers["Authorization"] = f"Bearer {platform.token}"
    answers = []
    for method, path, body in cases:
        response = session.request(method, f"{platform.url}{path}", json=body, timeout=60)  # a drop raises
        answers.append((method, path, response.status_code if not every_item_rejected(response) else 400))
    assert [a for a in answers if a[2] >= 500] == []
    assert [a for a in answers if a[2] < 400] == [], "a NUL byte or an over-long string was accepted"
    assert len(answers) > 40, "the corpus covers the routes that take a body"


def every_item_rejected(response):
    """A batch answers 200 with each item's result: refused, if every item was."""
    results = response.json().get("results") if response.status_code == 200 else None
    return bool(results) and all(result["status"] == "rejected" for result in results)


def test_nul_bytes_and_over_long_strings_in_every_field_are_refused_embedded(embedded):
    assert_refused(embedded, corpus(embedded))
    assert stored_text_problems(embedded.data) == []


def test_nul_bytes_and_over_long_strings_in_every_field_are_refused_on_postgresql(databases, vhost, tmp_path):
    services = ["registry", "incidents", "projects", "notifications", "reports"]
    migrate(databases.url, services)
    env = {"AMQP_URI": vhost.uri, "DATABASE_URL": databases.url}
    platform = ServiceProcess(services, free_port(), env, log_path=tmp_path / "platform.log").start()
    platform.token = platform.admin_token()
    try:
        assert_refused(platform, corpus(platform))
    finally:
        platform.stop()


def stored_text_problems(folder):
    """(database, table, column, why) for each stored text that is not valid text: a NUL, a lone
    surrogate or a control character, or the replacement character a lossy decoding leaves."""
    found = []
    for path in sorted(Path(folder).glob("*.db")):
        with sqlite3.connect(path) as connection:
            connection.text_factory = lambda raw: raw.decode("utf-8", "surrogateescape")
            for (table,) in connection.execute("SELECT name FROM sqlite_master WHERE type = 'table'"):
                columns = [row[1] for row in connection.execute(f'PRAGMA table_info("{table}")')]
                for column in columns:
                    for (value,) in connection.execute(f'SELECT "{column}" FROM "{table}" WHERE typeof("{column}") = '
                                                       "'text'"):
                        why = text_problem(value) or ("a replacement character" if "\ufffd" in value else None)
                        if why and not (table == "dead_letters" and column == "body"):
                            found.append((path.name, table, column, why))
    return found
