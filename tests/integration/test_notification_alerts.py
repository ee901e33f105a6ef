"""Public weather warnings end to end: the meteorology bureau posts a warning with its own token; the
platform serves it to anyone as CAP 1.2 (valid against OASIS's schema) and in an Atom feed, and
tells the grid heads of the grids it names (the default rule) and a school subscribed to its
community (a real SMTP server). A Cancel refers to the alert it cancels. Both modes."""
from pathlib import Path
from xml.etree import ElementTree

import pytest
import requests
from cryptography.fernet import Fernet
from lxml import etree

from safecommunity import sitetime
from safecommunity.testing import admin_token, wait_until
from tests.conftest import base_url
from tests.integration.test_notification_channels import smtp  # noqa: F401 (the fixture)
from tests.support import get, http, post

pytestmark = pytest.mark.integration

CAP = "{urn:oasis:names:tc:emergency:cap:1.2}"
ATOM = "{http://www.w3.org/2005/Atom}"
SCHEMA = etree.XMLSchema(etree.parse(str(Path(__file__).parents[2] / "services/notifications/tests/CAP-v1.2.xsd")))
GRIDS = [("D1", "仙林区", "district", None), ("S1", "仙林街道", "street", "D1"),
         ("C1", "白象社区", "community", "S1"), ("G1", "白象一网格", "grid", "C1"), ("G2", "白象二网格", "grid", "C1")]


def warning(**overrides):
    return {"kind": "rainstorm", "colour": "red", "headline": "仙林区气象台发布暴雨红色预警信号",
            "description": "过去3小时降雨量已达100毫米以上，且降雨将持续。", "instruction": "停止集会、停课、停业。",
            "effective": "2026-07-01T08:00:00+08:00", "expires": "2026-07-01T20:00:00+08:00",
            "grids": ["G1", "G2"], **overrides}


def as_bureau(config):
    token = admin_token(config, subject="meteorology-bureau", kind="department", scopes=["alerts:write"])
    return {"Authorization": f"Bearer {token}"}


@pytest.mark.parametrize("mode", ["embedded_config", "distributed_config"])
def test_a_red_warning_is_served_as_cap_and_atom_and_told_to_its_grids(request, mode, start_services, smtp):  # noqa: F811
    config = request.getfixturevalue(mode)
    config.update(SMTP_HOST="127.0.0.1", SMTP_PORT=smtp.port, SMTP_FROM="platform@example.org", SMTP_TLS="insecure",
                  NOTIFY_SEND_INTERVAL=0.1, NOTIFY_CONTACTS_KEY=Fernet.generate_key().decode())
    start_services(config, ["registry", "notifications"])
    url = base_url(config)
    for code, name, level, parent in GRIDS:
        post(f"{url}/api/registry/grids", {"code": code, "name": name, "level": level, "parent_code": parent},
             expect=201)
    head = post(f"{url}/api/registry/assignments", {"role": "grid_head", "grid_code": "G2", "person_name": "Li Wei",
                                                    "term_from": sitetime.today().isoformat()}, expect=201)
    school = "unit:XL-SCHOOL-1"
    http.put(f"{url}/api/notifications/contacts/{school}", json={"email": "office@school.example.org"},
             timeout=10).raise_for_status()
    post(f"{url}/api/notifications/subscriptions", {"recipient": school, "event_type": "alert.issued",
                                                    "filter": {"grid_code": "C1"}, "channels": ["email"]}, expect=201)
    wait_until(lambda: get(f"{url}/api/notifications/holders", role="grid_head", grid_code="G2")["recipients"],
               timeout=30, message="notifications to know G2's grid head")

    answer = requests.post(f"{url}/api/notifications/warnings", json=warning(), headers=as_bureau(config), timeout=10)
    assert answer.status_code == 201, answer.text
    identifier = answer.json()["identifier"]

    document = requests.get(f"{url}{answer.json()['cap']}", timeout=10)  # anyone: a public alert
    assert document.headers["Content-Type"].startswith("application/cap+xml")
    SCHEMA.assertValid(etree.fromstring(document.content))
    alert = ElementTree.fromstring(document.content)
    assert alert.findtext(f"{CAP}identifier") == identifier and alert.findtext(f"{CAP}sent").endswith("+08:00")
    info = alert.find(f"{CAP}info")
    assert (info.findtext(f"{CAP}severity"), info.findtext(f"{CAP}event")) == ("Extreme", "暴雨")
    assert info.findtext(f"{CAP}area/{CAP}areaDesc") == "白象一网格、白象二网格"

    feed = ElementTree.fromstring(requests.get(f"{url}/api/notifications/alerts", timeout=10).content)
    [entry] = feed.findall(f"{ATOM}entry")
    assert entry.find(f"{ATOM}link").get("href").endswith(f"/api/notifications/alerts/{identifier}")

    told = wait_until(lambda: get(f"{url}/api/notifications/deliveries", recipient=f"person:{head['id']}")
                      ["deliveries"], timeout=30, message="the grid head told")
    assert {d["channel"] for d in told} == {"sms", "in_app"}
    assert [d["subject"] for d in told if d["channel"] == "in_app"] == ["暴雨红色预警：白象二网格"]
    wait_until(lambda: smtp.messages, timeout=30, message="the school's e-mail")
    [(to, message)] = smtp.messages  # one e-mail for the school, though both its grids are named
    assert to == ["office@school.example.org"] and "暴雨红色预警信号" in message["Subject"]

    cancel = requests.post(f"{url}/api/notifications/warnings", headers=as_bureau(config), timeout=10,
                           json=warning(msg_type="Cancel", references=[identifier], headline="解除暴雨红色预警信号"))
    assert cancel.status_code == 201, cancel.text
    cancelled = ElementTree.fromstring(requests.get(f"{url}{cancel.json()['cap']}", timeout=10).content)
    assert cancelled.findtext(f"{CAP}msgType") == "Cancel"
    # the alert it cancels, named as CAP names it: sender, identifier and sent, as that alert says
    assert cancelled.findtext(f"{CAP}references").split(",") == [alert.findtext(f"{CAP}sender"), identifier,
                                                                 alert.findtext(f"{CAP}sent")]
    unknown = requests.post(f"{url}/api/notifications/warnings", headers=as_bureau(config), timeout=10,
                            json=warning(msg_type="Update", references=["no-such-alert"]))
    assert unknown.status_code == 400 and "references" in unknown.json()["fields"]
