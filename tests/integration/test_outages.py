"""A dependency that goes away is waited out: with cards flowing in over HTTP, PostgreSQL restarts,
one service's database refuses connections for 10 s, RabbitMQ stops for 10 s. No process exits,
the client sees nothing but 503s (with Retry-After) while it lasts, readiness is back within 2 s of
the dependency's return, and every card accepted is counted once in reports, its notice sent once."""
import time

import eventlet
import pytest
import requests

from safecommunity.testing import PostgresDatabases, PrivatePostgres, ServiceProcess, free_port, migrate, wait_until
from tests.support import injury_card

pytestmark = pytest.mark.integration

SERVICES = ("incidents", "reports", "notifications")
OUTAGE = 10.0          # seconds a dependency is away
READY_WITHIN = 2.0     # seconds after it is back
RATE = 25              # cards a second the client sends


@pytest.fixture(scope="module")
def postgres():
    with PrivatePostgres() as server:
        yield server


@pytest.fixture
def platform(postgres, vhost, tmp_path):
    with PostgresDatabases(postgres.server) as databases:
        migrate(databases.url, list(SERVICES))
        # the hazard timer every second, so it too meets the outage
        env = {"AMQP_URI": vhost.uri, "DATABASE_URL": databases.url, "OUTBOX_POLL_INTERVAL": "0.2",
               "HAZARD_CHECK_INTERVAL": "1"}
        processes = {name: ServiceProcess([name], free_port(), env, log_path=tmp_path / f"{name}.log").start()
                     for name in SERVICES}
        token = processes["incidents"].admin_token()
        try:
            yield Platform(processes, databases, token)
        finally:
            for process in processes.values():
                process.stop()


class Platform:
    def __init__(self, processes, databases, token):
        self.processes, self.databases = processes, databases
        self.session = requests.Session()
        self.session.headers["Authorization"] = f"Bearer {token}"

    def url(self, service):
        return self.processes[service].url

    def all_ready(self):
        return all(requests.get(f"{p.url}/ready", timeout=2).status_code == 200 for p in self.processes.values())

    def counted(self):
        return self.session.get(f"{self.url('reports')}/api/reports/summary", timeout=5).json()["injuries"]

    def notices(self):
        answer = self.session.get(f"{self.url('notifications')}/api/notifications/deliveries",
                                  params={"limit": 500}, timeout=5).json()
        return answer["deliveries"] if isinstance(answer, dict) else answer

    def exited(self):
        return {name: p.process.returncode for name, p in self.processes.items() if p.process.poll() is not None}

    def restarts(self):
        """Containers the supervisor had to start again: none, if outages are waited out as they should."""
        total = 0.0
        for process in self.processes.values():
            text = self.session.get(f"{process.url}/metrics", timeout=5).text
            total += sum(float(line.rsplit(" ", 1)[1]) for line in text.splitlines()
                         if line.startswith("safecommunity_service_restarts_total{"))
        return total


class Client:
    """Posts cards one a request at a steady rate, as a hospital's system does; a 503 is tried again
    later (after Retry-After), anything else but 201 or 200 is recorded as a failure."""

    def __init__(self, platform):
        self.platform, self.url = platform, f"{platform.url('incidents')}/api/incidents/injuries"
        self.accepted, self.unavailable, self.failures, self.retry = {}, [], [], []
        self.running = True

    def run(self):
        number = 0
        while self.running or self.retry:
            card = self.retry.pop(0) if self.retry and (not self.running or number % 2) else None
            if card is None and self.running:
                number += 1
                card = injury_card(severity="severe" if number % 10 == 0 else "mild")
            if card is not None:
                self.send(card)
            eventlet.sleep(1 / RATE)

    def send(self, card):
        try:
            answer = self.platform.session.post(self.url, json=card, timeout=15)
        except requests.RequestException as exc:  # a dropped connection is a failure, never an answer
            self.failures.append((time.monotonic(), "connection", str(exc)[:200]))
            self.retry.append(card)
            return
        if answer.status_code in (200, 201):
            self.accepted[card["external_id"]] = card["severity"]
        elif answer.status_code == 503 and answer.headers.get("Retry-After"):
            self.unavailable.append(time.monotonic())
            self.retry.append(card)
        else:
            self.failures.append((time.monotonic(), answer.status_code, answer.text[:200]))
            self.retry.append(card)


def run_through(platform, take_away, bring_back):
    """Cards flow; the dependency is taken away for OUTAGE seconds and brought back; then checks."""
    client = Client(platform)
    sender = eventlet.spawn(client.run)
    wait_until(lambda: len(client.accepted) >= 50, timeout=30, message="cards to flow")
    began = time.monotonic()
    take_away()
    eventlet.sleep(OUTAGE)
    bring_back()
    back = time.monotonic()
    wait_until(platform.all_ready, timeout=30, interval=0.05, message="every service ready again")
    ready_after = time.monotonic() - back
    eventlet.sleep(3)  # cards keep flowing after the outage
    client.running = False
    sender.wait()

    assert platform.exited() == {}, "a service process exited"
    assert client.failures == [], f"answers other than 201/200/503: {client.failures[:5]}"
    assert all(began - 1 <= at <= back + READY_WITHIN + 1 for at in client.unavailable), \
        "a 503 outside the outage"
    assert ready_after <= READY_WITHIN, f"ready {ready_after:.2f}s after the dependency returned"
    total = len(client.accepted)
    wait_until(lambda: platform.counted() >= total, timeout=60, message=f"reports to count {total} cards")
    severe = sum(1 for severity in client.accepted.values() if severity == "severe")
    wait_until(lambda: len(platform.notices()) >= severe, timeout=30, message=f"{severe} notices")
    eventlet.sleep(1.5)  # anything redelivered late would show up now
    assert platform.counted() == total
    assert len(platform.notices()) == severe
    assert platform.restarts() == 0
    print(f"{total} cards accepted, {len(client.unavailable)} answered 503, ready {ready_after:.2f}s after")
    return client


def test_a_postgresql_restart_is_waited_out(platform, postgres):
    client = run_through(platform, lambda: postgres.ctl("stop", "-m", "fast"), lambda: postgres.ctl("start"))
    assert client.unavailable, "the client was never told the database was away"


def test_one_services_database_refusing_connections_is_waited_out(platform, postgres):
    name = platform.databases.name("incidents")

    def refuse():
        postgres.sql(f'ALTER DATABASE "{name}" WITH ALLOW_CONNECTIONS false')
        postgres.sql(f"SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = '{name}'")

    client = run_through(platform, refuse, lambda: postgres.sql(f'ALTER DATABASE "{name}" WITH ALLOW_CONNECTIONS true'))
    assert client.unavailable


def test_rabbitmq_stopped_for_ten_seconds_is_waited_out(platform):
    run_through(platform, lambda: rabbitmqctl("stop_app"), lambda: rabbitmqctl("start_app"))


def rabbitmqctl(action):
    import subprocess
    subprocess.run(["rabbitmqctl", action], check=True, capture_output=True, timeout=60)
