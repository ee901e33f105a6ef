"""A webhook delivery that dies (a local receiver answering 500 until told to answer 200) is in
notifications' dead letters, where an operator looks for what failed: listed and shown by the
`safecommunity dead-letters` command with its reason and no address; replayed, it is queued again
with fresh attempts and sent. Both modes."""
import json
import os
import subprocess
import sys

import pytest

from safecommunity.testing import wait_until
from tests.integration.test_notification_channels import (  # noqa: F401 (the fixtures)
    delivered,
    platform,
    receiver,
    smtp,
)

pytestmark = pytest.mark.integration


def dead_letters(config, *args):
    """`safecommunity dead-letters ...` against the platform's databases; its output."""
    env = {**os.environ, "DATABASE_URL": config["DATABASE_URL"], "PYTHONWARNINGS": "ignore"}
    done = subprocess.run([sys.executable, "-m", "safecommunity.cli", "dead-letters", *args], env=env,
                          capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    return done.stdout


def listed(config, *statuses):
    lines = dead_letters(config, "list", "--service", "notifications", *(f"--status={s}" for s in statuses))
    return [line.split() for line in lines.splitlines() if "notification.delivery" in line]


@pytest.mark.parametrize("mode", ["embedded_config", "distributed_config"])
def test_a_dead_webhook_delivery_is_a_dead_letter_whose_replay_sends_it_with_fresh_attempts(
        request, mode, start_services, smtp, receiver):  # noqa: F811
    config = request.getfixturevalue(mode)
    receiver.answers = [500] * 1000  # until told otherwise
    url = platform(start_services, config, smtp, receiver, NOTIFY_OFFICE_WEBHOOK=receiver.url + "/hook")
    dead = wait_until(lambda: delivered(url, "webhook", "dead"), timeout=30, message="the webhook dead")
    assert dead["attempts"] == 3

    [[_, row_id, status, attempts, *_]] = listed(config)
    assert (status, attempts) == ("dead", "3")
    shown = json.loads(dead_letters(config, "show", "notifications", row_id))
    assert (shown["consumer"], shown["event_id"], shown["event_type"]) == (
        "notifications.deliveries", dead["id"], "notification.delivery")
    assert shown["reason"].startswith("HTTP 500") and json.loads(shown["body"])["delivery_id"] == dead["id"]
    assert receiver.url not in json.dumps(shown)  # no address in clear

    receiver.answers, calls = [], len(receiver.calls)  # 200 from now on
    dead_letters(config, "replay", "notifications", row_id)
    sent = wait_until(lambda: delivered(url, "webhook", "sent"), timeout=30, message="the replayed webhook sent")
    assert sent["attempts"] == 1 and len(receiver.calls) == calls + 1  # fresh attempts, one used
    assert listed(config) == [] and [line[1:3] for line in listed(config, "resolved")] == [[row_id, "resolved"]]
