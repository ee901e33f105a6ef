"""Helpers for tests and benchmarks: fresh RabbitMQ vhosts and PostgreSQL databases, service
processes, waiting. Nothing here fakes the broker or the database."""
import os
import signal
import socket
import subprocess
import sys
import time
import uuid
from urllib.parse import quote

import requests
from sqlalchemy import create_engine, text

RABBIT_HOST = os.environ.get("TEST_RABBIT_HOST", "127.0.0.1")
RABBIT_MANAGEMENT = os.environ.get("TEST_RABBIT_MANAGEMENT", f"http://{RABBIT_HOST}:15672")
POSTGRES = os.environ.get("TEST_POSTGRES_URL", "postgresql+psycopg2://postgres@127.0.0.1:5432")


def free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wait_until(predicate, timeout=30.0, interval=0.05, message="condition"):
    """Poll until predicate() is truthy and return its value; AssertionError after timeout."""
    deadline = time.monotonic() + timeout
    last_error = None
    while time.monotonic() < deadline:
        try:
            value = predicate()
            if value:
                return value
        except Exception as exc:  # the thing polled may not be up yet
            last_error = exc
        time.sleep(interval)
    raise AssertionError(f"timed out after {timeout}s waiting for {message} (last error: {last_error})")


class RabbitVhost:
    """A fresh vhost on the real broker, so tests never see each other's queues."""

    def __init__(self, user="guest", password="guest"):
        self.name = f"sc-test-{uuid.uuid4().hex[:10]}"
        self.auth = (user, password)
        self.uri = f"amqp://{user}:{password}@{RABBIT_HOST}:5672/{quote(self.name, safe='')}"

    def __enter__(self):
        api = f"{RABBIT_MANAGEMENT}/api"
        requests.put(f"{api}/vhosts/{self.name}", auth=self.auth, timeout=10).raise_for_status()
        requests.put(f"{api}/permissions/{self.name}/{self.auth[0]}", auth=self.auth, timeout=10,
                     json={"configure": ".*", "write": ".*", "read": ".*"}).raise_for_status()
        return self

    def __exit__(self, *exc):
        requests.delete(f"{RABBIT_MANAGEMENT}/api/vhosts/{self.name}", auth=self.auth, timeout=30)

    def queue(self, name):
        response = requests.get(f"{RABBIT_MANAGEMENT}/api/queues/{self.name}/{name}", auth=self.auth,
                                timeout=10)
        response.raise_for_status()
        return response.json()


class PostgresDatabases:
    """A fresh database per service: DATABASE_URL with {service}, dropped afterwards."""

    def __init__(self, server=POSTGRES):
        self.server = server
        self.prefix = f"sc_test_{uuid.uuid4().hex[:10]}"
        self.url = f"{server}/{self.prefix}_{{service}}"

    def __enter__(self):
        return self

    def name(self, service):
        return f"{self.prefix}_{service}"

    def __exit__(self, *exc):
        engine = create_engine(f"{self.server}/postgres", isolation_level="AUTOCOMMIT")
        with engine.connect() as connection:
            names = connection.scalars(text("SELECT datname FROM pg_database WHERE datname LIKE :p"),
                                       {"p": f"{self.prefix}_%"}).all()
            for name in names:
                connection.execute(text(f'DROP DATABASE "{name}" WITH (FORCE)'))
        engine.dispose()

    def engine(self, service):
        return create_engine(self.url.format(service=service))


class PrivatePostgres:
    """A PostgreSQL cluster of the test's own (Debian's pg_createcluster, trust auth, a free port),
    which it may stop, start and restart without disturbing anyone else's; dropped afterwards."""

    def __init__(self):
        self.version = sorted(os.listdir("/etc/postgresql"), key=lambda v: [int(p) for p in v.split(".")])[-1]
        self.name, self.port = f"sc{uuid.uuid4().hex[:8]}", free_port()
        self.server = f"postgresql+psycopg2://postgres@127.0.0.1:{self.port}"

    def __enter__(self):
        subprocess.run(["pg_createcluster", self.version, self.name, "-p", str(self.port), "--start", "--",
                        "--auth=trust"], check=True, capture_output=True)
        return self

    def __exit__(self, *exc):
        subprocess.run(["pg_dropcluster", "--stop", self.version, self.name], capture_output=True)

    def ctl(self, action, *options):
        """pg_ctlcluster start|stop|restart; returns once the server has done it."""
        subprocess.run(["pg_ctlcluster", "--skip-systemctl-redirect", self.version, self.name, action, *options],
                       check=True, capture_output=True)

    def sql(self, statement, database="postgres"):
        engine = create_engine(f"{self.server}/{database}", isolation_level="AUTOCOMMIT")
        try:
            with engine.connect() as connection:
                result = connection.execute(text(statement))
                return result.all() if result.returns_rows else None
        finally:
            engine.dispose()


class ServiceProcess:
    """`safecommunity run --service NAME` in its own process, as in production."""

    def __init__(self, services, port, env, log_path=None):
        self.services, self.port = list(services), port
        self.url = f"http://127.0.0.1:{port}"
        merged = {**os.environ, "LOG_FORMAT": "text", "PYTHONWARNINGS": "ignore", **env}
        self.env = {key: value for key, value in merged.items() if value is not None}  # None unsets
        self.log_path = log_path
        self.process = None

    def start(self, wait=True, migrate=False):
        command = [sys.executable, "-m", "safecommunity.cli", "run", "--port", str(self.port)]
        for service in self.services:
            command += ["--service", service]
        if not migrate:
            command.append("--no-migrate")
        log = open(self.log_path, "ab") if self.log_path else subprocess.DEVNULL
        self.process = subprocess.Popen(command, env=self.env, stdout=log, stderr=subprocess.STDOUT)
        if wait:
            self.wait_ready()
        return self

    def wait_ready(self, timeout=60):
        def ready():
            if self.process.poll() is not None:
                raise RuntimeError(f"{self.services} exited with {self.process.returncode}")
            return requests.get(f"{self.url}/ready", timeout=2).status_code == 200
        wait_until(ready, timeout, 0.1, f"{self.services} to be ready")

    def admin_token(self, **kwargs):
        return admin_token(self.env, **kwargs)

    def kill(self):
        """SIGKILL: no goodbye, no acks; what was in flight must come back from the broker."""
        self.process.send_signal(signal.SIGKILL)
        self.process.wait(10)

    def stop(self, timeout=20):
        if self.process and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout)
            except subprocess.TimeoutExpired:
                self.kill()

    def rss_mb(self):
        with open(f"/proc/{self.process.pid}/status") as status:
            for line in status:
                if line.startswith("VmRSS:"):
                    return int(line.split()[1]) / 1024
        return 0.0


def migrate(database_url, services):
    """Apply migrations in a child process (the test process may be monkey-patched differently)."""
    subprocess.run([sys.executable, "-m", "safecommunity.cli", "migrate"]
                   + [arg for service in services for arg in ("--service", service)],
                   env={**os.environ, "DATABASE_URL": database_url, "PYTHONWARNINGS": "ignore"},
                   check=True, capture_output=True)


def admin_token(env, subject="test-admin", scopes=None, sources=("*",), kind="person"):
    """A token in the access store that env (a ServiceProcess's, or {} with SAFECOMMUNITY_DATA)
    names: every scope unless told otherwise, reporting as any source."""
    from .runner import platform_config
    from .tokens import EVERY_SCOPE
    from .tokenstore import token_store

    config = platform_config(environ={key: value for key, value in env.items() if value is not None})
    tokens = token_store(config)
    try:
        tokens.create()
        token, _ = tokens.issue(subject, scopes or EVERY_SCOPE, kind=kind, sources=sources)
    finally:
        tokens.engine.dispose()
    return token
