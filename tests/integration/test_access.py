"""The access layer over real HTTP: every route's scope, in both modes; a department bound to its
own sources over HTTP and AMQP; revocation seen by another replica; the identity provider's JWTs;
a write's caller in its history, its event and the access log."""
import json
import logging
import os
import sqlite3
import subprocess
import sys
import threading
import time
import uuid
from datetime import datetime, timedelta, timezone
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import jwt
import pytest
import requests
from cryptography.hazmat.primitives.asymmetric import rsa
from nameko.runners import ServiceRunner
from sqlalchemy import text

from safecommunity.config import SERVICES
from safecommunity.scopes import AGGREGATES, PUBLIC, SCOPES
from safecommunity.testing import ServiceProcess, admin_token, free_port, migrate, wait_until
from safecommunity.tokenstore import token_hash, token_store
from safecommunity.web import RouteWithoutScope
from safecommunity.web import http as http_entrypoint
from tests.conftest import base_url
from tests.integration.test_incidents_intake import connect_as, department, send  # noqa: F401 - a fixture
from tests.support import grid_created, http, injury_card, publish

pytestmark = pytest.mark.integration

OPEN = (PUBLIC, AGGREGATES)
# Writes open to anyone because the credential is a signed token in the path, not a bearer token
TOKEN_IN_PATH = {("post", "/api/notifications/ack/{token}")}  # acknowledging by the link in a message
WRITES = ("post", "put", "patch", "delete")
PATH_VALUES = {"service": "incidents", "row_id": "1", "fmt": "csv"}  # any other parameter: a made-up id


def concrete(path):
    """An OpenAPI path with its parameters filled: real where the value picks a route, made up elsewhere."""
    for name in [part[1:-1] for part in path.split("/") if part.startswith("{")]:
        path = path.replace("{" + name + "}", PATH_VALUES.get(name, f"no-such-{name}"))
    return path


def call(url, verb, path, token=None):
    headers = {"Authorization": f"Bearer {token}"} if token else {}
    body = {} if verb in WRITES else None
    return requests.request(verb, url + concrete(path), json=body, headers=headers, timeout=30)


def tokens_by_scope(config):
    """For every scope a token with only it, and one with every other scope (both report as any source)."""
    store, only, without = token_store(config), {}, {}
    try:
        for scope in set(SCOPES) - set(OPEN):
            only[scope] = store.issue(f"only-{scope}", [scope], sources=["*"])[0]
            without[scope] = store.issue(f"not-{scope}", sorted(set(SCOPES) - set(OPEN) - {scope}),
                                         sources=["*"])[0]
    finally:
        store.engine.dispose()
    return only, without


def walk_every_route(config):
    url = base_url(config)
    document = requests.get(f"{url}/api/openapi.json", timeout=30).json()
    only, without = tokens_by_scope(config)
    walked, wrong = 0, []
    for path, operations in document["paths"].items():
        for verb, operation in operations.items():
            scope, walked = operation["x-scope"], walked + 1
            if scope in OPEN:
                if verb in WRITES and (verb, path) not in TOKEN_IN_PATH:
                    wrong.append((verb, path, f"a write open to anonymous callers ({scope})"))
                elif call(url, verb, path).status_code in (401, 403):
                    wrong.append((verb, path, "an open route refused an anonymous caller"))
                continue
            for token, allowed, what in ((None, (401,), "no token"), (without[scope], (403,), "the wrong scope")):
                status = call(url, verb, path, token).status_code
                if status not in allowed:
                    wrong.append((verb, path, f"{what}: {status}"))
            status = call(url, verb, path, only[scope]).status_code
            if status in (401, 403) or status >= 500:
                wrong.append((verb, path, f"the right scope {scope}: {status}"))
    return walked, wrong


@pytest.mark.parametrize("mode", ["embedded", "distributed"])
def test_every_route_refuses_the_anonymous_and_the_wrong_scope_and_admits_the_right_one(
        mode, request, start_services):
    config = request.getfixturevalue(f"{mode}_config")
    start_services(config, list(SERVICES))
    walked, wrong = walk_every_route(config)
    assert walked > 100
    assert wrong == []


# -- a department reports only under its own sources ------------------------------------------------

def department_token(config, source):
    return admin_token(config, subject=source, kind="department", sources=[source],
                       scopes=["incidents:read", "incidents:write"])


def as_caller(token):
    return {"Authorization": f"Bearer {token}"}


def test_a_hospital_cannot_post_repost_or_amend_another_hospitals_card_over_http(
        distributed_config, start_services, databases):
    start_services(distributed_config, ["incidents"])
    url = base_url(distributed_config) + "/api/incidents"
    city, county = (department_token(distributed_config, name) for name in ("city-hospital", "county-hospital"))
    card = injury_card(source="city-hospital")
    created = requests.post(f"{url}/injuries", json=card, headers=as_caller(city), timeout=10)
    assert created.status_code == 201
    case_id = created.json()["case"]["id"]

    other_content = {**card, "severity": "severe", "outcome": "died"}
    reposted = requests.post(f"{url}/injuries", json=other_content, headers=as_caller(county), timeout=10)
    assert reposted.status_code == 403
    batch = {"cases": [injury_card(source="county-hospital"), other_content]}
    refused = requests.post(f"{url}/injuries/batch", json=batch, headers=as_caller(county), timeout=10)
    assert refused.status_code == 403 and "city-hospital" in refused.json()["message"]
    amend = {**{k: v for k, v in other_content.items() if k not in ("source", "external_id")},
             "reason": "mine now", "amended_by": "county"}
    amended = requests.put(f"{url}/injuries/{case_id}", json=amend, headers=as_caller(county), timeout=10)
    assert amended.status_code == 403
    for record in ("accidents", "public-order", "hazards"):
        answer = requests.post(f"{url}/{record}", json={"source": "city-hospital"}, headers=as_caller(county),
                               timeout=10)
        assert answer.status_code == 403, (record, answer.text)

    stored = requests.get(f"{url}/injuries/{case_id}", headers=as_caller(city), timeout=10).json()
    assert (stored["version"], stored["severity"]) == (1, "mild")
    with databases.engine("incidents").connect() as connection:
        assert connection.scalar(text("SELECT count(*) FROM injury_cases")) == 1  # the batch stored nothing
    own = {**card, "severity": "moderate"}  # the owner may re-post: an amendment
    assert requests.post(f"{url}/injuries", json=own, headers=as_caller(city), timeout=10).json()["status"] == "amended"


def test_a_hospital_cannot_amend_another_hospitals_card_over_amqp(
        distributed_config, start_services, vhost, department):  # noqa: F811 - the fixture imported above
    start_services(distributed_config, ["incidents"])
    url = base_url(distributed_config) + "/api/incidents"
    card = injury_card(source="city-hospital")
    created = http.post(f"{url}/injuries", json=card, timeout=10).json()
    name, password = department
    connection, channel = connect_as(vhost, name, password)
    try:
        send(channel, f"intake.{name}.injury", {**card, "severity": "severe", "outcome": "died"})
    finally:
        connection.close()
    wait_until(lambda: http.get(f"{url}/intake/rejections", params={"department": name}, timeout=10)
               .json()["rejections"], message="the refusal")
    [refusal] = http.get(f"{url}/intake/rejections", params={"department": name}, timeout=10).json()["rejections"]
    assert refusal["reasons"] == {"source": [f"must be {name}, the department sending"]}
    assert http.get(f"{url}/injuries/{created['case']['id']}", timeout=10).json()["version"] == 1


# -- revocation, on every replica at once ---------------------------------------------------------

def test_a_revoked_token_is_refused_on_the_next_request_on_another_replica(vhost, databases, tmp_path):
    migrate(databases.url, ["incidents"])
    env = {"AMQP_URI": vhost.uri, "DATABASE_URL": databases.url}
    replicas = [ServiceProcess(["incidents"], free_port(), env, log_path=tmp_path / f"incidents-{n}.log")
                for n in (1, 2)]
    try:
        for replica in replicas:
            replica.start(wait=False)
        for replica in replicas:
            replica.wait_ready()
        admin = replicas[0].admin_token(subject="ops-admin", scopes=["admin"])
        issued = requests.post(f"{replicas[0].url}/api/access/tokens", headers=as_caller(admin), timeout=10, json={
            "subject": "grid-app", "kind": "machine", "scopes": ["incidents:read"]})
        assert issued.status_code == 201 and issued.json()["expires_at"]  # expiring by default
        token, token_id = issued.json()["token"], issued.json()["id"]
        for replica in replicas:
            assert requests.get(f"{replica.url}/api/incidents/injuries", headers=as_caller(token),
                                timeout=10).status_code == 200
        revoked = requests.delete(f"{replicas[0].url}/api/access/tokens/{token_id}", headers=as_caller(admin),
                                  timeout=10)
        assert revoked.status_code == 200
        refused = requests.get(f"{replicas[1].url}/api/incidents/injuries", headers=as_caller(token), timeout=10)
        assert refused.status_code == 401 and refused.headers["WWW-Authenticate"].startswith("Bearer")
    finally:
        for replica in replicas:
            replica.stop()


# -- the district's identity provider ----------------------------------------------------------------

ISSUER = "https://idp.xianlin.example/realms/safecommunity"


class Jwks:
    """A JWKS endpoint on 127.0.0.1 serving one key pair's public half, as Keycloak serves its realm's."""

    def __init__(self):
        self.key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
        jwk = json.loads(jwt.algorithms.RSAAlgorithm.to_jwk(self.key.public_key()))
        body = json.dumps({"keys": [{**jwk, "kid": "realm-key", "use": "sig", "alg": "RS256"}]}).encode()

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self):
                self.send_response(200)
                self.send_header("Content-Type", "application/json")
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_port}/protocol/openid-connect/certs"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def token(self, key=None, audience="safecommunity", expires_in=300, **claims):
        now = datetime.now(timezone.utc)
        payload = {"iss": ISSUER, "aud": audience, "sub": "f3c1", "preferred_username": "wang.office",
                   "scope": "openid incidents:read", "iat": now, "exp": now + timedelta(seconds=expires_in),
                   **claims}
        return jwt.encode(payload, key or self.key, algorithm="RS256", headers={"kid": "realm-key"})


def test_an_identity_providers_token_is_accepted_and_a_wrong_audience_key_or_expiry_is_401(
        distributed_config, start_services):
    jwks = Jwks()
    config = {**distributed_config, "OIDC_ISSUER": ISSUER, "OIDC_AUDIENCE": "safecommunity",
              "OIDC_JWKS_URL": jwks.url}
    start_services(config, ["incidents"])
    url = base_url(config) + "/api/incidents/injuries"
    try:
        good = requests.get(url, headers=as_caller(jwks.token()), timeout=10)
        assert good.status_code == 200, good.text
        me = requests.get(base_url(config) + "/api/access/whoami", headers=as_caller(jwks.token()), timeout=10).json()
        assert me["subject"] == "wang.office" and "incidents:read" in me["scopes"] and "openid" not in me["scopes"]
        other_key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
        for bad in (jwks.token(audience="another-app"), jwks.token(key=other_key), jwks.token(expires_in=-120),
                    jwks.token(iss="https://elsewhere.example")):
            assert requests.get(url, headers=as_caller(bad), timeout=10).status_code == 401
        no_scope = requests.get(url, headers=as_caller(jwks.token(scope="openid")), timeout=10)
        assert no_scope.status_code == 403
    finally:
        jwks.server.shutdown()


# -- accountability ------------------------------------------------------------------------------

def test_a_writes_caller_is_in_its_history_row_its_event_and_the_access_log(
        distributed_config, start_services, databases, caplog):
    start_services(distributed_config, ["incidents"])
    publish(distributed_config["AMQP_URI"], [grid_created("G1")])
    url = base_url(distributed_config) + "/api/incidents"
    wait_until(lambda: http.get(f"{url}/grids", timeout=10).json()["grids"], message="the grid")
    city = department_token(distributed_config, "city-hospital")
    card = injury_card("G1", source="city-hospital")
    correlation = f"req-{uuid.uuid4().hex[:12]}"
    caplog.set_level(logging.INFO, logger="safecommunity.access")
    created = requests.post(f"{url}/injuries", json=card, timeout=10,
                            headers={**as_caller(city), "X-Correlation-Id": correlation})
    case_id = created.json()["case"]["id"]
    amend = {**{k: v for k, v in card.items() if k not in ("source", "external_id")}, "age": 79,
             "reason": "age misread", "amended_by": "dr li"}
    assert requests.put(f"{url}/injuries/{case_id}", json=amend, headers=as_caller(city), timeout=10).ok

    with databases.engine("incidents").connect() as connection:
        envelopes = [json.loads(row) for row in connection.scalars(text("SELECT envelope FROM outbox ORDER BY id"))]
        callers = connection.execute(text("SELECT actor, caller FROM history WHERE subject_id = :id"),
                                     {"id": case_id}).all()
    reported = next(e for e in envelopes if e["type"] == "injury.reported")
    assert (reported["actor"], reported["correlationid"]) == ("city-hospital", correlation)
    assert next(e for e in envelopes if e["type"] == "injury.amended")["actor"] == "city-hospital"
    assert [tuple(row) for row in callers] == [("dr li", "city-hospital")]
    lines = [record for record in caplog.records if record.name == "safecommunity.access"]
    post_line = next(r for r in lines if r.method == "POST" and r.correlation_id == correlation)
    assert (post_line.subject, post_line.status, post_line.route) == ("city-hospital", 201, "/api/incidents/injuries")
    assert post_line.request_id and post_line.duration_ms >= 0
    assert all(city not in record.getMessage() and city not in str(vars(record)) for record in caplog.records)


def test_the_access_store_answers_503_not_500_when_it_is_gone(embedded_config, start_services, tmp_path):
    start_services(embedded_config, ["incidents"])
    url = base_url(embedded_config) + "/api/incidents/injuries"
    token = admin_token(embedded_config)
    assert requests.get(url, headers=as_caller(token), timeout=10).status_code == 200
    store = token_store(embedded_config)
    with store.engine.begin() as connection:
        connection.execute(text("DROP TABLE tokens"))
    store.engine.dispose()
    started = time.monotonic()
    answer = requests.get(url, headers=as_caller(token), timeout=10)
    assert answer.status_code == 503 and time.monotonic() - started < 5
    assert requests.get(base_url(embedded_config) + "/health", timeout=10).status_code == 200


def test_a_token_in_embedded_mode_answers_at_once(embedded_config, start_services):
    """The embedded SQLite pool has one connection a database; the token look-up has its own store."""
    start_services(embedded_config, list(SERVICES))
    token = admin_token(embedded_config)
    started = time.monotonic()
    for _ in range(20):
        answer = requests.post(base_url(embedded_config) + "/api/registry/grids", headers=as_caller(token),
                               json={"code": f"G{uuid.uuid4().hex[:6]}", "name": "Grid", "level": "grid"}, timeout=10)
        assert answer.status_code == 201, answer.text
    assert time.monotonic() - started < 5


# -- a route that forgets its scope, and the operator's command line ------------------------------------

class Forgetful:
    name = "forgetful"

    @http_entrypoint("GET", "/api/forgetful/records")
    def list_records(self, request):
        return {"records": ["everything"]}


def test_a_route_that_declares_no_scope_does_not_start(embedded_config):
    runner = ServiceRunner(embedded_config)
    runner.add_service(Forgetful)
    with pytest.raises(RouteWithoutScope, match="forgetful.list_records"):
        runner.start()
    runner.kill()


def cli(env, *args):
    done = subprocess.run([sys.executable, "-m", "safecommunity.cli", *args], env={**os.environ, **env},
                          capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    return done.stdout


def test_an_operator_issues_lists_and_revokes_tokens_from_the_command_line(embedded_config, start_services, tmp_path):
    start_services(embedded_config, ["incidents"])
    env = {"SAFECOMMUNITY_DATA": embedded_config["DATA_DIR"], "PYTHONWARNINGS": "ignore"}
    token = cli(env, "token", "issue", "--subject", "city-hospital", "--kind", "department",
                "--scope", "incidents:write", "--scope", "incidents:read", "--source", "city-hospital").strip()
    url = base_url(embedded_config) + "/api/incidents/injuries"
    assert requests.get(url, headers=as_caller(token), timeout=10).status_code == 200
    [line] = [row for row in cli(env, "token", "list").splitlines() if "city-hospital" in row]
    assert "expires 20" in line and "sources city-hospital" in line and token not in line
    assert "revoked 1 token(s)" in cli(env, "token", "revoke", "--subject", "city-hospital")
    assert requests.get(url, headers=as_caller(token), timeout=10).status_code == 401
    assert "| `registry:pii` |" in cli(env, "token", "scopes")


def test_a_token_kept_by_a_replica_is_refused_once_revoked_by_plain_sql_and_when_its_feed_is_cut(
        distributed_config, start_services, databases):
    start_services(distributed_config, ["incidents"])
    url = base_url(distributed_config) + "/api/incidents/injuries"
    engine = databases.engine("access")

    def revoke_by_sql(token):
        with engine.begin() as connection:
            connection.execute(text("UPDATE tokens SET revoked_at = now() WHERE token_hash = :hash"),
                               {"hash": token_hash(token)})

    kept = admin_token(distributed_config, scopes=["incidents:read"])
    for _ in range(3):  # looked up once, then kept
        assert requests.get(url, headers=as_caller(kept), timeout=10).status_code == 200
    revoke_by_sql(kept)
    assert requests.get(url, headers=as_caller(kept), timeout=10).status_code == 401

    second = admin_token(distributed_config, scopes=["incidents:read"])
    assert requests.get(url, headers=as_caller(second), timeout=10).status_code == 200
    with engine.begin() as connection:  # the feed's connection dies, as in a database restart
        cut = connection.scalar(text("SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity "
                                     "WHERE query LIKE 'LISTEN safecommunity_tokens%'"))
    assert cut == 1
    wait_until(lambda: not engine.connect().execute(text(  # gone, as in a restart, not merely told to go
        "SELECT 1 FROM pg_stat_activity WHERE query LIKE 'LISTEN safecommunity_tokens%'")).first(),
        message="the feed's backend to exit")
    revoke_by_sql(second)  # unheard by the dead feed: the replica must ask the store
    assert requests.get(url, headers=as_caller(second), timeout=10).status_code == 401
    third = admin_token(distributed_config, scopes=["incidents:read"])
    assert requests.get(url, headers=as_caller(third), timeout=10).status_code == 200
    engine.dispose()


def test_embedded_mode_keeps_a_token_no_longer_than_another_process_takes_to_revoke_it(
        embedded_config, start_services):
    start_services(embedded_config, ["incidents"])
    url = base_url(embedded_config) + "/api/incidents/injuries"
    database = sqlite3.connect(os.path.join(embedded_config["DATA_DIR"], "access.db"))  # as another process would
    try:
        for _ in range(5):  # at once after it was kept, time and again: no tick of a clock to wait for
            token = admin_token(embedded_config, scopes=["incidents:read"])
            for _ in range(2):
                assert requests.get(url, headers=as_caller(token), timeout=10).status_code == 200
            database.execute("UPDATE tokens SET revoked_at = CURRENT_TIMESTAMP WHERE token_hash = ?",
                             (token_hash(token),))
            database.commit()
            assert requests.get(url, headers=as_caller(token), timeout=10).status_code == 401
    finally:
        database.close()
