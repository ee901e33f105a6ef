"""A major hazard's e-mail (a real SMTP server, aiosmtpd) carries a link that acknowledges it: opened
over real HTTP with no token, it asks (a GET acknowledges nothing, as a chat app's preview of it
must not), and its button's POST acknowledges as the inbox would, as the link's recipient, and stops
the escalation. Both modes."""
import json
import re
import time

import pytest
import requests
from sqlalchemy import select

from safecommunity.tables import outbox
from safecommunity.testing import wait_until
from tests.conftest import base_url
from tests.integration.test_notification_channels import smtp  # noqa: F401 (the fixture)
from tests.integration.test_notification_recipients import (
    deliveries,
    escalations,
    published,
    report_hazard,
    rows,
    start,
)
from tests.support import http

pytestmark = pytest.mark.integration

LINK = re.compile(r"确认收到 / Acknowledge: (\S+/api/notifications/ack/\S+)")
BROWSER = {"Accept": "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"}
WAIT_MINUTES = 0.1  # the escalation's one wait: 6 s


def emailed_link(smtp):  # noqa: F811
    [(_, message)] = smtp.messages
    return LINK.search(message.get_body(("plain",)).get_content()).group(1)


@pytest.mark.parametrize("mode", ["embedded_config", "distributed_config"])
def test_the_link_in_a_major_hazards_email_acknowledges_it_as_its_recipient_and_stops_the_escalation(
        request, mode, start_services, smtp, tmp_path):  # noqa: F811
    public = base_url(request.getfixturevalue(mode))
    config, url, head, street = start(request, mode, start_services, smtp, tmp_path, after_minutes=[WAIT_MINUTES],
                                      NOTIFY_PUBLIC_URL=public)
    http.put(f"{url}/api/notifications/contacts/{head}", json={"email": "li.wei@example.org"},
             timeout=10).raise_for_status()
    reported = time.monotonic()
    report_hazard(url, severity="major", category="gas")
    wait_until(lambda: smtp.messages, timeout=30, message="the grid head's e-mail")
    link = emailed_link(smtp)
    assert link.startswith(f"{public}/api/notifications/ack/")
    assert all("/ack/" not in d["body"] for d in deliveries(url, head))  # the credential is not in the log

    asked = requests.get(link, headers=BROWSER, timeout=10)
    assert asked.status_code == 200 and asked.headers["Content-Type"].startswith("text/html")
    assert '<form method="post">' in asked.text and "确认收到 / Acknowledge" in asked.text
    preview = requests.get(link, timeout=10)  # a link preview, or any client that does not ask for a page
    assert preview.status_code == 200 and preview.json()["acknowledged_at"] is None
    assert [e["status"] for e in escalations(url)] == ["open"]

    head_part, claims, signature = link.rsplit("/", 1)[1].split(".")
    tampered = requests.post(f"{url}/api/notifications/ack/{head_part}.{claims}.{signature[::-1]}",
                             headers=BROWSER, timeout=10)
    assert tampered.status_code == 400 and "链接无效 / Invalid link" in tampered.text
    assert requests.post(f"{url}/api/notifications/ack/nonsense", timeout=10).status_code == 400

    done = requests.post(link, headers=BROWSER, timeout=10)
    assert done.status_code == 200 and "已确认收到 / Acknowledged" in done.text
    again = requests.post(link, headers=BROWSER, timeout=10)
    assert again.status_code == 409 and "无法确认" in again.text
    assert [e["status"] for e in escalations(url)] == ["acknowledged"]
    [mail] = [d for d in deliveries(url, head) if d["channel"] == "email"]
    assert mail["acknowledged_by"] == head
    [acknowledged] = published(config, "notification.acknowledged")
    assert (acknowledged["notification_id"], acknowledged["recipient"]) == (mail["id"], head)
    assert actors(config) == [head]

    time.sleep(max(0.0, reported + WAIT_MINUTES * 60 + 2 - time.monotonic()))  # past the wait, many timer turns
    assert deliveries(url, street) == [] and published(config, "notification.escalated") == []


def actors(config):
    """The envelope's actor of each notification.acknowledged: who wrote it."""
    return [json.loads(envelope)["actor"] for envelope, in rows(
        config, select(outbox.c.envelope).where(outbox.c.type == "notification.acknowledged"))]
