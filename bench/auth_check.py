"""Checking a token: what it costs per request, and what the access layer costs a single injury POST.

1. In process, --checks checks each after a tenth as many to warm up: `Access.caller_from` for a
   platform token (TokenStore.caller against PostgreSQL, then SQLite, with 1,000 other tokens in
   the store) and for an RS256 JWT (OidcVerifier.caller; its JWKS served by http.server on
   127.0.0.1). p50 / p99 / max; target p99 <= 0.2 ms. The same checks again in a child process
   under eventlet.monkey_patch(), as a service runs them. Where the time goes ("of it" rows): for
   PostgreSQL the same SELECT through SQLAlchemy on an AUTOCOMMIT engine (no BEGIN, no ROLLBACK),
   through a raw psycopg2 cursor with and without a transaction, and no database at all (what a
   cache hit would cost); for the JWT, the RSA signature check alone.
2. Single injury POSTs, open loop at --rate/s for --seconds (bench/incidents_intake.py's client),
   to incidents alone in distributed mode (real RabbitMQ and PostgreSQL, one process, fresh vhost
   and databases each round) with a platform token; and, in the same run, to the code before the
   access layer (--baseline, a worktree of 5b1fc59, made if missing) with no token: "auth off".
   "Auth on" runs the code at --code (default: this repository). --rounds alternate off/on,
   on/off, ...; the p99s compared are each side's median over the rounds, and a round that
   achieved under 95 % of --rate makes them "not comparable". Target: on <= 1.10 x off. Also the
   CPU incidents used per request, the steadier figure on a shared box.

    .venv/bin/python bench/auth_check.py [--checks 20000] [--rate 200] [--seconds 20] [--rounds 3]
                                         [--only checks post] [--baseline /tmp/sc-baseline] [--code .]
"""
import argparse
import http.client
import json
import os
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from contextlib import ExitStack, contextmanager
from datetime import datetime, timedelta, timezone
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import jwt
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import padding, rsa
from incidents_intake import CpuMeter, measure_single
from intake_throughput import machine, make_cards
from jwt.algorithms import RSAAlgorithm
from jwt.utils import base64url_decode
from sqlalchemy import create_engine

from safecommunity.auth import Access, anonymous_caller, token_caller
from safecommunity.config import DEFAULTS
from safecommunity.database import make_engine
from safecommunity.migrate import create_database_if_missing
from safecommunity.oidc import OidcVerifier
from safecommunity.testing import PostgresDatabases, RabbitVhost, ServiceProcess, free_port
from safecommunity.tokens import EVERY_SCOPE
from safecommunity.tokenstore import TokenStore, checking_store, token_hash

REPO = Path(__file__).resolve().parents[1]
BASELINE_COMMIT = "5b1fc59"  # the commit before the access layer
OTHER_TOKENS = 1000
WARM_UP_POSTS = 300
CHECK_TARGET_MS, RATIO_TARGET = 0.2, 1.10
KEPT_UP = 0.95  # a round that achieved less of --rate than this measured a saturated box
KID = "bench-key"
BLOCK = 500  # checks of one kind in a row
LOOKUP = ("SELECT subject, kind, scopes, sources, expires_at, revoked_at FROM tokens "  # TokenStore's own
          "WHERE token_hash = %(digest)s")
PROFILE, JWT_PROFILE = "of it, PostgreSQL:", "of it, JWT:"  # rows that show where the time goes
# the green child: eventlet.monkey_patch() before anything is imported, as the services do (cli.py)
GREEN = ("import eventlet; eventlet.monkey_patch(); import runpy, sys; sys.path.insert(0, {bench!r}); "
         "sys.argv[0] = {script!r}; runpy.run_path({script!r}, run_name='__main__')")


# -- 1. one check, in process -------------------------------------------------------------------

class Request:
    """What Access.caller_from reads of a werkzeug request."""

    def __init__(self, token):
        self.headers = {"Authorization": f"Bearer {token}"}


def timed(checks, n):
    """{name: [seconds per call]}: n calls of each check, after n // 10 unmeasured, the checks taking
    turns in blocks of BLOCK so that the machine's drift (others share it) falls on all alike."""
    clock, samples = time.perf_counter, {name: [] for name in checks}
    for check in checks.values():
        for _ in range(n // 10):
            check()
    for start in range(0, n, BLOCK):
        for name, check in checks.items():
            for _ in range(min(BLOCK, n - start)):
                began = clock()
                check()
                samples[name].append(clock() - began)
    return samples


def quantiles(samples):
    ordered = sorted(samples)
    pick = lambda q: ordered[min(int(q * len(ordered)), len(ordered) - 1)] * 1000  # noqa: E731
    return {"p50": pick(0.5), "p99": pick(0.99), "max": ordered[-1] * 1000}


def filled_store(engine):
    store = checking_store(engine)  # as a service checks: kept in the process, told of revocations
    store.create()
    for n in range(OTHER_TOKENS):
        store.issue(f"department-{n}", ["incidents:write"], kind="department", sources=[f"source-{n}"])
    token, _ = store.issue("bench", EVERY_SCOPE, sources=["*"])
    return store, token


def access_with(tokens=None, oidc=None):
    access = Access()
    access.anonymous, access.tokens, access.oidc = anonymous_caller(DEFAULTS), tokens, oidc
    return access


def postgres_checks(n):
    """caller_from as it is; then where its time goes: the same look-up with one round trip instead
    of three (BEGIN, SELECT, the pool's ROLLBACK), without SQLAlchemy, and without the database at
    all (what a cache hit would cost)."""
    with PostgresDatabases() as dbs, ExitStack() as stack:
        url = dbs.url.format(service="access")
        create_database_if_missing(url)
        store, token = filled_store(make_engine(url))
        autocommit = TokenStore(create_engine(url, pool_size=10, max_overflow=10, isolation_level="AUTOCOMMIT"))
        for engine in (store.engine, autocommit.engine):
            stack.callback(engine.dispose)
        access, request = access_with(tokens=store), Request(token)
        in_transaction, alone = (raw_lookup(store.engine, token, stack, each) for each in (False, True))
        row = alone()
        kept = lambda: (token_hash(token), token_caller(row[0], row[2].split(), row[3].split(), row[1]))  # noqa: E731
        asking = TokenStore(store.engine)  # no feed: every check asks the store, as before the feed
        return timed({"platform token, PostgreSQL": lambda: access.caller_from(request),
                      f"{PROFILE} every check asking the store (no revocation feed)": lambda: asking.caller(token),
                      f"{PROFILE} TokenStore.caller on an AUTOCOMMIT engine": lambda: autocommit.caller(token),
                      f"{PROFILE} psycopg2 cursor, BEGIN + SELECT + ROLLBACK": in_transaction,
                      f"{PROFILE} psycopg2 cursor, autocommit: one round trip": alone,
                      f"{PROFILE} no database: SHA-256 and the Caller (a cache hit)": kept}, n)


def raw_lookup(engine, token, stack, autocommit):
    """The token's row by a plain psycopg2 cursor on a connection of its own."""
    pooled = engine.raw_connection()
    stack.callback(pooled.close)
    connection = pooled.driver_connection
    connection.autocommit = autocommit
    cursor = connection.cursor()

    def look_up():
        cursor.execute(LOOKUP, {"digest": token_hash(token)})
        row = cursor.fetchone()
        if not autocommit:
            connection.rollback()
        return row

    return look_up


def sqlite_checks(n):
    with tempfile.TemporaryDirectory(prefix="sc-bench-access-") as folder:
        store, token = filled_store(make_engine(f"sqlite:///{folder}/access.db"))
        access, request = access_with(tokens=store), Request(token)
        samples = timed({"platform token, SQLite": lambda: access.caller_from(request)}, n)
        store.engine.dispose()
    return samples


@contextmanager
def jwks_server():
    """(JWKS URL, private key): a fresh RSA key whose public half http.server serves on 127.0.0.1."""
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    body = json.dumps({"keys": [{**RSAAlgorithm.to_jwk(key.public_key(), as_dict=True), "kid": KID,
                                 "use": "sig", "alg": "RS256"}]}).encode()

    class Keys(BaseHTTPRequestHandler):
        def do_GET(self):
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args):
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Keys)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        yield f"http://127.0.0.1:{server.server_port}/protocol/openid-connect/certs", key
    finally:
        server.shutdown()
        server.server_close()


def signed_jwt(key, issuer, audience):
    now = datetime.now(timezone.utc)
    claims = {"iss": issuer, "aud": audience, "sub": "3f6c1a9e", "preferred_username": "grid-officer-7",
              "scope": "openid incidents:write incidents:read", "sources": ["hospital-1"], "iat": now,
              "exp": now + timedelta(hours=1)}
    return jwt.encode(claims, key, algorithm="RS256", headers={"kid": KID})


def jwt_checks(n):
    with jwks_server() as (jwks_url, private_key):
        config = {**DEFAULTS, "OIDC_ISSUER": "https://idp.bench.local/realms/district",
                  "OIDC_JWKS_URL": jwks_url}
        token = signed_jwt(private_key, config["OIDC_ISSUER"], config["OIDC_AUDIENCE"])
        access, request = access_with(oidc=OidcVerifier(config)), Request(token)
        signed, signature = token.encode().rsplit(b".", 1)
        signature, public = base64url_decode(signature), private_key.public_key()
        alone = lambda: public.verify(signature, signed, padding.PKCS1v15(), hashes.SHA256())  # noqa: E731
        return timed({"JWT RS256, OidcVerifier": lambda: access.caller_from(request),
                      f"{JWT_PROFILE} the RSA-2048 signature check alone (cryptography)": alone}, n)


def measure_checks(n):
    results = {}
    for measure in (postgres_checks, sqlite_checks, jwt_checks):
        results.update({name: quantiles(samples) for name, samples in measure(n).items()})
    return results


def measure_checks_green(n):
    """The same checks in a child process under eventlet, as the services run them."""
    script = str(Path(__file__).resolve())
    code = GREEN.format(bench=str(Path(script).parent), script=script)
    done = subprocess.run([sys.executable, "-c", code, "--only", "checks", "--checks", str(n), "--json"],
                          capture_output=True, text=True, env={**os.environ, "PYTHONWARNINGS": "ignore"})
    if done.returncode != 0:
        raise AssertionError(f"the green checks failed:\n{done.stderr[-3000:]}")
    return {f"{name}, under eventlet": value for name, value in json.loads(done.stdout.splitlines()[-1]).items()}


# -- 2. single POSTs with and without the access layer ------------------------------------------

def baseline_tree(path):
    """A worktree of the code before the access layer, made the first time."""
    if not (path / "safecommunity").is_dir():
        subprocess.run(["git", "-C", str(REPO), "worktree", "add", "--detach", str(path), BASELINE_COMMIT],
                       check=True, capture_output=True)
    head = subprocess.run(["git", "-C", str(path), "rev-parse", "--short", "HEAD"], check=True,
                          capture_output=True, text=True).stdout.strip()
    if not BASELINE_COMMIT.startswith(head[:7]):
        raise SystemExit(f"{path} is at {head}, not {BASELINE_COMMIT}")
    return path


def described(root):
    """The commit the code at root is, and whether its files differ from it."""
    git = lambda *args: subprocess.run(["git", "-C", str(root), *args], capture_output=True, text=True).stdout  # noqa: E731
    changed = " with uncommitted changes" if git("status", "--porcelain", "--untracked-files=no").strip() else ""
    return git("rev-parse", "--short", "HEAD").strip() + changed


def code_env(root):
    """Child processes import the code at root, whatever their current directory."""
    return {"PYTHONPATH": str(root), "PYTHONSAFEPATH": "1"}


def migrate_with(root, env):
    subprocess.run([sys.executable, "-m", "safecommunity.cli", "migrate", "--service", "incidents"],
                   env={**os.environ, "PYTHONWARNINGS": "ignore", **env}, check=True, capture_output=True)


def warm_up(url, token):
    """Distinct cards (not the measured ones), one at a time: pools filled, code paths run once."""
    where = http.client.HTTPConnection("127.0.0.1", int(url.rsplit(":", 1)[1]), timeout=30)
    headers = {"Content-Type": "application/json", **({"Authorization": f"Bearer {token}"} if token else {})}
    for card in make_cards(WARM_UP_POSTS, seed=7):
        where.request("POST", "/api/incidents/injuries", json.dumps({**card, "external_id": "W" + card["external_id"]}),
                      headers)
        response = where.getresponse()
        response.read()
        assert response.status == 201, f"warm-up POST answered {response.status}"
    where.close()


def post_round(root, with_token, args, folder):
    """One fresh incidents process of the code at root, warmed up, then the open-loop POSTs."""
    with ExitStack() as stack:
        vhost = stack.enter_context(RabbitVhost())
        dbs = stack.enter_context(PostgresDatabases())
        env = {"AMQP_URI": vhost.uri, "DATABASE_URL": dbs.url, **code_env(root)}
        migrate_with(root, env)
        log = os.path.join(folder, f"incidents-{'on' if with_token else 'off'}-{time.monotonic_ns()}.log")
        process = ServiceProcess(["incidents"], free_port(), env, log)
        stack.callback(process.stop)
        process.start()
        token = process.admin_token(subject="bench") if with_token else None
        warm_up(process.url, token)
        cpu = CpuMeter([process.process.pid])
        single = measure_single(process.url, args.rate, args.seconds, token)
        single["cpu_ms"] = cpu.ms_since() / single["count"]
        return single


def post_round_again_if_lost(root, with_token, args, folder):
    """A round whose broker or database went away (others share them) is run once more."""
    try:
        return post_round(root, with_token, args, folder)
    except (OSError, subprocess.CalledProcessError, RuntimeError, AssertionError) as exc:
        print(f"  a round failed ({type(exc).__name__}: {str(exc)[:200]}); running it again", flush=True)
        return post_round(root, with_token, args, folder)


def measure_posts(args, folder):
    """{"off": [round, ...], "on": [...]}, the order alternating so drift falls on both."""
    sides = {"off": (baseline_tree(args.baseline), False), "on": (args.code, True)}
    rounds = {"off": [], "on": []}
    for n in range(args.rounds):
        for side in ("off", "on") if n % 2 == 0 else ("on", "off"):
            root, with_token = sides[side]
            got = post_round_again_if_lost(root, with_token, args, folder)
            rounds[side].append(got)
            print(f"  round {n + 1}, auth {side}: p50 {got['p50']:.1f} ms, p99 {got['p99']:.1f} ms, "
                  f"achieved {got['achieved']:.0f}/s, {got['cpu_ms']:.2f} ms CPU per request, "
                  f"{got['failures']} failures", flush=True)
    return rounds


# -- the table ----------------------------------------------------------------------------------

def check_rows(results):
    rows = []
    for name, q in results.items():
        headline = not name.startswith((PROFILE, JWT_PROFILE))
        verdict = f"p99 <= {CHECK_TARGET_MS} ms: " + ("met" if q["p99"] <= CHECK_TARGET_MS else "**missed**")
        rows.append(f"| {name} | {q['p50']:.3f} ms | {q['p99']:.3f} ms | {q['max']:.2f} ms | "
                    f"{verdict if headline else ''} |")
    return rows


def post_rows(rounds, args):
    label = {"off": f"auth off ({described(args.baseline)}, no token)",
             "on": f"auth on ({described(args.code)}, platform token)"}
    rows, p99 = [], {}
    for side, results in rounds.items():
        p99[side] = statistics.median(r["p99"] for r in results)
        each = ", ".join(f"{r['p99']:.1f}" for r in results)
        rows.append(f"| single POST at {args.rate:.0f}/s, {label[side]} | "
                    f"{statistics.median(r['p50'] for r in results):.1f} ms | **{p99[side]:.1f} ms** "
                    f"(rounds: {each}) | {max(r['max'] for r in results):.1f} ms | "
                    f"{statistics.median(r['cpu_ms'] for r in results):.2f} ms CPU per request; "
                    f"{sum(r['failures'] for r in results)} failures |")
    ratio = p99["on"] / p99["off"]
    slowest = min(r["achieved"] for results in rounds.values() for r in results)
    verdict = "met" if ratio <= RATIO_TARGET else "**missed**"
    if slowest < KEPT_UP * args.rate:  # the client's threads all waited: its p99 is the box's queue
        verdict = f"not comparable: a round achieved only {slowest:.0f}/s"
    rows.append(f"| p99 on / off | | **{ratio:.2f}** | | <= {RATIO_TARGET:.2f}: {verdict} |")
    return rows


def load():
    return " ".join(f"{value:.2f}" for value in os.getloadavg())


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--checks", type=int, default=20000, help="checks of each kind (default 20000)")
    parser.add_argument("--rate", type=float, default=200, help="single POSTs per second (default 200)")
    parser.add_argument("--seconds", type=float, default=20, help="seconds of POSTs per round (default 20)")
    parser.add_argument("--rounds", type=int, default=3, help="rounds of each side (default 3)")
    parser.add_argument("--only", nargs="+", choices=("checks", "post"), default=("checks", "post"))
    parser.add_argument("--baseline", type=Path, default=Path("/tmp/sc-baseline"),
                        help=f"a worktree of {BASELINE_COMMIT} (made if missing)")
    parser.add_argument("--code", type=Path, default=REPO,
                        help="the code with the access layer the services run (default: this repository)")
    parser.add_argument("--json", action="store_true", help=argparse.SUPPRESS)  # the green child's answer
    args = parser.parse_args()
    rows = ["| measure | p50 | p99 | max | target |", "|---|---|---|---|---|"]
    load_at_start = load()  # others' work on the box shows here
    if "checks" in args.only:
        checks = measure_checks(args.checks)
        if args.json:
            print(json.dumps(checks))
            return
        checks.update(measure_checks_green(args.checks))
        rows += check_rows(checks)
        if "post" in args.only:  # which take minutes more
            print("\n".join(rows), flush=True)
    if "post" in args.only:
        folder = tempfile.mkdtemp(prefix="sc-bench-auth-")
        print(f"single POSTs: {args.rounds} round(s) each side, {args.seconds:.0f} s at {args.rate:.0f}/s; "
              f"logs in {folder}")
        rows += post_rows(measure_posts(args, folder), args)
    print("\n" + "\n".join(rows))
    print(f"\n{args.checks:,} checks each; {machine()}; load average {load_at_start} at the start, "
          f"{load()} at the end; {datetime.now(timezone.utc):%Y-%m-%d %H:%M} UTC")


if __name__ == "__main__":
    main()
