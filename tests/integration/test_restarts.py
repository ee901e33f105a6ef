"""Processes die and come back; nothing is lost and nothing is counted twice."""
import os
import subprocess
import sys

import eventlet
import pytest

from safecommunity.testing import ServiceProcess, free_port, migrate, wait_until
from tests.support import get, grid_created, injury_event, publish, resident_registered, summary

pytestmark = pytest.mark.integration

TOTAL = 3000


def test_reports_killed_mid_stream_and_started_again_loses_nothing_and_counts_nothing_twice(
        vhost, databases, tmp_path):
    migrate(databases.url, ["reports"])
    env = {"AMQP_URI": vhost.uri, "DATABASE_URL": databases.url}
    port = free_port()
    reports = ServiceProcess(["reports"], port, env, log_path=tmp_path / "reports.log").start()
    events = [injury_event() for _ in range(TOTAL)]

    def produce():  # a steady stream, so the kill lands in the middle of it
        for start in range(0, TOTAL, 100):
            publish(vhost.uri, events[start:start + 100])
            eventlet.sleep(0.05)

    producer = eventlet.spawn(produce)
    counted_at_kill = wait_until(lambda: 300 <= (n := summary(reports.url)["injuries"]) and n,
                                 message="reports to be part-way through")
    reports.kill()
    assert counted_at_kill < TOTAL
    producer.wait()

    reports = ServiceProcess(["reports"], port, env, log_path=tmp_path / "reports.log").start()
    try:
        wait_until(lambda: summary(reports.url)["injuries"] >= TOTAL, timeout=60, message="all events")
        eventlet.sleep(1.0)  # anything redelivered late would show up now
        assert summary(reports.url)["injuries"] == TOTAL
        assert summary(reports.url)["events_kept"] == TOTAL
        # the broker's statistics lag a few seconds behind
        wait_until(lambda: vhost.queue("reports.events").get("messages") == 0, timeout=20,
                   message="the queue to be empty")
    finally:
        reports.stop()


def test_a_rebuild_by_replay_gives_the_read_models_built_live(vhost, databases, tmp_path):
    migrate(databases.url, ["reports"])
    env = {"AMQP_URI": vhost.uri, "DATABASE_URL": databases.url}
    reports = ServiceProcess(["reports"], free_port(), env, log_path=tmp_path / "reports.log").start()
    try:
        grids = [grid_created(code) for code in ("G1", "G2")]
        residents = [resident_registered("G1") for _ in range(30)] + [resident_registered("G2") for _ in range(20)]
        injuries = [injury_event("G1") for _ in range(7)] + [injury_event("G2", "severe") for _ in range(3)]
        publish(vhost.uri, grids + residents + injuries)
        wait_until(lambda: summary(reports.url)["events_kept"] == 62, message="all events kept")
        live = (summary(reports.url), get(f"{reports.url}/api/reports/injury-rates"))
        assert live[0]["injuries"] == 10 and live[0]["residents"] == 50

        rebuilt = subprocess.run([sys.executable, "-m", "safecommunity.cli", "rebuild"],
                                 env={**os.environ, **env, "PYTHONWARNINGS": "ignore"},
                                 capture_output=True, text=True, timeout=60)
        assert rebuilt.returncode == 0, rebuilt.stderr
        assert "from 62 kept events" in rebuilt.stdout
        assert (summary(reports.url), get(f"{reports.url}/api/reports/injury-rates")) == live
    finally:
        reports.stop()

