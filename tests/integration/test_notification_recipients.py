"""Notifications find their recipients in the registry, over the platform's own broker: a grid head
appointed in the registry, given an e-mail address and subscribed to hazards in their community, is
e-mailed (a real SMTP server) when a hazard is reported in a grid below it; a major hazard nobody
acknowledges is told to the street's grid head next; an acknowledged one stops there. Both modes."""
import json
import time

import pytest
import requests
from cryptography.fernet import Fernet
from sqlalchemy import select

from safecommunity import sitetime
from safecommunity.config import database_url
from safecommunity.database import make_engine
from safecommunity.tables import outbox
from safecommunity.testing import admin_token, wait_until
from services.notifications.storage.tables import contacts, digest_lines
from tests.conftest import base_url
from tests.integration.test_notification_channels import smtp  # noqa: F401 (the fixture)
from tests.support import get, hazard_report, http, post

pytestmark = pytest.mark.integration

GRIDS = [("D1", "仙林区", "district", None), ("S1", "仙林街道", "street", "D1"),
         ("C1", "白象社区", "community", "S1"), ("G1", "白象一网格", "grid", "C1")]


def rules_file(tmp_path, after_minutes):
    """The major-hazard rule as a site would write it, with waits of seconds so a test can see them."""
    path = tmp_path / "rules.yaml"
    path.write_text(json.dumps([{
        "name": "major-hazard", "event": "hazard.reported", "when": {"severity": ["major"]},
        "to": [{"role": "grid_head"}], "channels": ["email", "in_app"], "asks_action": True,
        "escalation": {"after_minutes": after_minutes, "role": "grid_head", "channels": ["in_app"]}}]),
        encoding="utf-8")
    return str(path)


def start(request, mode, start_services, smtp, tmp_path, after_minutes, **settings):  # noqa: F811
    config = request.getfixturevalue(mode)
    config.update(**settings)
    config.update(SMTP_HOST="127.0.0.1", SMTP_PORT=smtp.port, SMTP_FROM="platform@example.org",
                  SMTP_TLS="insecure", NOTIFY_SEND_INTERVAL=0.1, NOTIFY_ESCALATE_INTERVAL=0.2,
                  NOTIFY_RULES_FILE=rules_file(tmp_path, after_minutes))
    if mode == "distributed_config":  # embedded mode makes its key file; with PostgreSQL it is a setting
        config["NOTIFY_CONTACTS_KEY"] = Fernet.generate_key().decode()
    start_services(config, ["registry", "incidents", "notifications"])
    url = base_url(config)
    for code, name, level, parent in GRIDS:
        post(f"{url}/api/registry/grids", {"code": code, "name": name, "level": level, "parent_code": parent},
             expect=201)
    head = appoint(url, "G1", "Li Wei")
    street = appoint(url, "S1", "Zhang Min")
    wait_until(lambda: get(f"{url}/api/notifications/holders", role="grid_head", grid_code="G1")["recipients"],
               timeout=30, message="notifications to know G1's grid head")
    wait_until(lambda: get(f"{url}/api/notifications/holders", role="grid_head", grid_code="C1")["recipients"],
               timeout=30, message="notifications to know S1's grid head")
    return config, url, f"person:{head['id']}", f"person:{street['id']}"


def appoint(url, grid_code, name):
    return post(f"{url}/api/registry/assignments", {"role": "grid_head", "grid_code": grid_code, "person_name": name,
                                                    "term_from": sitetime.today().isoformat()}, expect=201)


def report_hazard(url, **fields):
    """Once incidents knows the grid (its own view of the registry's grids)."""
    body = hazard_report(grid_code="G1", **fields)
    wait_until(lambda: http.post(f"{url}/api/incidents/hazards", json=body, timeout=10).status_code == 201,
               timeout=30, message="incidents to take a hazard in G1")


def deliveries(url, recipient):
    return get(f"{url}/api/notifications/deliveries", recipient=recipient)["deliveries"]


def escalations(url):
    return get(f"{url}/api/notifications/escalations")["escalations"]


def rows(config, query):
    engine = make_engine(database_url(config, "notifications"))
    try:
        with engine.connect() as connection:
            return connection.execute(query).all()
    finally:
        engine.dispose()


def published(config, type_):
    return [json.loads(envelope)["data"] for envelope, in rows(config, select(outbox.c.envelope)
                                                                     .where(outbox.c.type == type_))]


@pytest.mark.parametrize("mode", ["embedded_config", "distributed_config"])
def test_a_subscribed_grid_head_is_emailed_and_an_unacknowledged_major_hazard_goes_up_a_level(
        request, mode, start_services, smtp, tmp_path):  # noqa: F811
    config, url, head, street = start(request, mode, start_services, smtp, tmp_path, after_minutes=[0.02, 0.02])
    http.put(f"{url}/api/notifications/contacts/{head}", json={"email": "li.wei@example.org"},
             timeout=10).raise_for_status()
    assert get(f"{url}/api/notifications/contacts/{head}")["addresses"] == {"email": "l***@example.org"}
    [(sealed,)] = rows(config, select(contacts.c.address_sealed))
    assert "li.wei" not in sealed  # sealed at rest
    post(f"{url}/api/notifications/subscriptions", {"recipient": head, "event_type": "hazard.reported",
                                                    "filter": {"grid_code": "C1"}, "channels": ["email"]}, expect=201)

    report_hazard(url, severity="general")
    wait_until(lambda: smtp.messages, timeout=30, message="the grid head's e-mail")
    [(to, message)] = smtp.messages
    assert to == ["li.wei@example.org"] and "白象一网格" in message["Subject"]

    report_hazard(url, severity="major", category="gas")
    told_up = wait_until(lambda: deliveries(url, street), timeout=30, message="the street's grid head told")
    assert [(d["channel"], d["status"]) for d in told_up] == [("in_app", "delivered")]
    assert told_up[0]["subject"].startswith("【未确认·逐级上报】")
    [escalation] = wait_until(lambda: [e for e in escalations(url) if e["status"] == "exhausted"], timeout=30)
    assert (escalation["rule"], escalation["step"], escalation["grid_code"]) == ("major-hazard", 1, "S1")
    [escalated] = published(config, "notification.escalated")
    assert (escalated["grid_code"], escalated["recipients"]) == ("S1", [street])
    assert "Zhang" not in json.dumps(escalated) and "li.wei" not in json.dumps(published(config, "notification.sent"))


def test_an_acknowledged_major_hazard_goes_no_further(request, start_services, smtp, tmp_path):  # noqa: F811
    config, url, head, street = start(request, "embedded_config", start_services, smtp, tmp_path, after_minutes=[0.05])
    report_hazard(url, severity="major", category="gas")
    [notice] = wait_until(lambda: [d for d in deliveries(url, head) if d["channel"] == "in_app"], timeout=30)
    post(f"{url}/api/notifications/deliveries/{notice['id']}/acknowledge", {}, expect=200)
    [escalation] = escalations(url)
    assert escalation["status"] == "acknowledged"
    time.sleep(4)  # past the 3 s the policy waits, and many turns of the escalation timer
    assert deliveries(url, street) == [] and published(config, "notification.escalated") == []



def test_a_daily_briefing_goes_out_once_a_period_and_a_later_line_waits_for_the_next(
        request, start_services, smtp, tmp_path):  # noqa: F811
    config, url, head, street = start(request, "embedded_config", start_services, smtp, tmp_path, after_minutes=[60],
                                      NOTIFY_DIGEST_INTERVAL=0.2)
    http.put(f"{url}/api/notifications/contacts/{head}", json={"email": "li.wei@example.org"},
             timeout=10).raise_for_status()
    # hour 0: today's period came due at midnight, so the first turn after a line arrives sends it
    post(f"{url}/api/notifications/subscriptions", {"recipient": head, "event_type": "hazard.reported",
                                                    "filter": {"grid_code": "C1"}, "channels": ["email"],
                                                    "frequency": "daily", "hour": 0}, expect=201)
    report_hazard(url, severity="general", category="fire")
    [(to, message)] = wait_until(lambda: smtp.messages, timeout=30, message="the daily briefing")
    assert to == ["li.wei@example.org"] and "每日简报" in message["Subject"] and "共1项" in message["Subject"]
    assert "一般隐患（消防）：白象一网格" in message.get_body(("plain",)).get_content()

    report_hazard(url, severity="general", category="electrical")
    wait_until(lambda: rows(config, select(digest_lines.c.id).where(digest_lines.c.digest.is_(None))),
               timeout=30, message="the second line kept")
    time.sleep(1.5)  # many turns of the digest timer
    assert len(smtp.messages) == 1  # today's briefing went out; the new line waits for tomorrow's


def test_a_grid_head_reads_and_acknowledges_their_own_notices_with_their_own_token_and_no_one_elses(
        request, start_services, smtp, tmp_path):  # noqa: F811
    config, url, head, street = start(request, "embedded_config", start_services, smtp, tmp_path, after_minutes=[60])
    http.put(f"{url}/api/notifications/logins/{head}", json={"subjects": ["li.wei"]}, timeout=10).raise_for_status()
    mine = {"Authorization": f"Bearer {admin_token(config, subject='li.wei', scopes=['notifications:inbox'])}"}
    report_hazard(url, severity="major", category="gas")
    inbox = wait_until(lambda: requests.get(f"{url}/api/notifications/inbox", headers=mine, timeout=10).json()
                       if deliveries(url, head) else None, timeout=30, message="the grid head's notice")
    assert (inbox["recipients"], inbox["unread"]) == ([head], 1)
    [notice] = inbox["notices"]
    assert notice["read_at"] is None and notice["subject"].startswith("重大隐患")

    # the street's head hears of hazards too: someone else's notice to aim at
    post(f"{url}/api/notifications/subscriptions", {"recipient": street, "event_type": "hazard.reported",
                                                    "channels": ["in_app"]}, expect=201)
    report_hazard(url, severity="general", category="fire")
    [theirs] = wait_until(lambda: deliveries(url, street), timeout=30, message="the street's notice")
    for action in ("read", "acknowledge"):  # not mine: as if it were not there
        answer = requests.post(f"{url}/api/notifications/inbox/{theirs['id']}/{action}", headers=mine, timeout=10)
        assert answer.status_code == 404
    assert requests.get(f"{url}/api/notifications/deliveries", headers=mine, timeout=10).status_code == 403

    read = requests.post(f"{url}/api/notifications/inbox/{notice['id']}/read", headers=mine, timeout=10).json()
    assert read["read_at"] is not None
    assert requests.get(f"{url}/api/notifications/inbox", headers=mine, params={"unread": "true"},
                        timeout=10).json() == {"recipients": [head], "unread": 0, "notices": []}
    acknowledged = requests.post(f"{url}/api/notifications/inbox/{notice['id']}/acknowledge", headers=mine, timeout=10)
    assert acknowledged.status_code == 200 and acknowledged.json()["acknowledged_by"] == "li.wei"
    assert [e["status"] for e in escalations(url)] == ["acknowledged"]
