"""Acknowledgement links: a signed, expiring token naming the delivery and its recipient, put in
the text of the notices that ask for action on the channels that carry a link, and nowhere else."""
from datetime import datetime, timedelta, timezone

import jwt
import pytest
from cryptography.fernet import Fernet
from werkzeug.wrappers import Request

from safecommunity.errors import IllegalTransition, NotFound
from services.notifications import ackpage
from services.notifications.acklinks import KEY_PURPOSE, AckLinks, LinkExpired, LinkInvalid, NoLinks, links_for
from services.notifications.contacts import Disabled, Sealer
from services.notifications.domain import Notification
from services.notifications.notifying import acknowledge_by_link, linked_notice
from services.notifications.sending import bodies_with_links
from services.notifications.tests.fakes import FakeDeliveries
from services.notifications.tests.test_sending import FakeSending

NOW = datetime.now(timezone.utc)
KEY = Sealer(Fernet.generate_key().decode()).derive(KEY_PURPOSE)
LINKS = AckLinks("https://safe.district.example/", KEY)


def sent(channel="email", recipient="person:p-1", trigger="e-1"):
    notice = Notification.queue(trigger, channel, recipient, "li@example.org", "重大隐患：白象一网格", "正文")
    notice.status, notice.sent_at = "sent", NOW
    return notice


def test_a_token_names_its_delivery_and_recipient_and_reads_back():
    notice = sent()
    assert LINKS.read(LINKS.token(notice, NOW)) == (notice.id, "person:p-1")
    assert LINKS.url(notice, NOW).startswith("https://safe.district.example/api/notifications/ack/ey")


def test_a_tampered_token_or_one_signed_with_another_key_is_invalid():
    token = LINKS.token(sent(), NOW)
    header, claims, signature = token.split(".")
    forged = jwt.encode({**jwt.decode(token, options={"verify_signature": False}), "r": "person:p-2"}, "x" * 32)
    for bad in (f"{header}.{claims}.{signature[:-2]}AA", forged, "not-a-token", f"{header}.{claims}."):
        with pytest.raises(LinkInvalid):
            LINKS.read(bad)
    other = AckLinks("https://safe.district.example", Sealer(Fernet.generate_key().decode()).derive(KEY_PURPOSE))
    with pytest.raises(LinkInvalid):
        other.read(token)


def test_a_token_past_its_lifetime_is_expired_not_invalid():
    token = LINKS.token(sent(), NOW - timedelta(days=7, seconds=1))
    with pytest.raises(LinkExpired) as raised:
        LINKS.read(token)
    assert raised.value.status == 410


def test_a_token_without_a_recipient_or_for_another_audience_is_invalid():
    expires = NOW + timedelta(hours=1)
    for claims in ({"d": "x", "aud": "ack", "exp": expires},
                   {"d": "x", "r": "person:p", "aud": "login", "exp": expires},
                   {"d": 1, "r": "person:p", "aud": "ack", "exp": expires}):
        with pytest.raises(LinkInvalid):
            LINKS.read(jwt.encode(claims, KEY, algorithm="HS256"))


def test_no_contacts_key_means_no_links_made_and_none_taken():
    links = links_for("https://safe.district.example", Disabled(), 168)
    assert isinstance(links, NoLinks) and links.added(sent(), NOW) is None
    with pytest.raises(LinkInvalid):
        links.read(LINKS.token(sent(), NOW))


def test_email_and_chat_carry_the_link_as_each_shows_one_and_no_public_url_means_none():
    mail, chat = LINKS.added(sent("email"), NOW), LINKS.added(sent("dingtalk"), NOW)
    assert mail.startswith("正文\n\n确认收到 / Acknowledge: https://safe.district.example/api/notifications/ack/")
    assert chat.startswith("正文\n\n[确认收到 / Acknowledge](https://safe.district.example/api/notifications/ack/")
    assert AckLinks("", KEY).added(sent(), NOW) is None


class FakeEscalations:
    def __init__(self, *asking):
        self.asked, self.found, self.acknowledged = [], set(asking), []

    def asking(self, trigger_event_ids):
        self.asked.append(set(trigger_event_ids))
        return self.found & set(trigger_event_ids)

    def of_trigger(self, trigger_event_id):
        return None

    def acknowledge_all(self, trigger_event_id, now):
        self.acknowledged.append(trigger_event_id)


class FakeStore:
    def __init__(self, *notices, asking=()):
        self.escalations, self.deliveries = FakeEscalations(*asking), FakeDeliveries(*notices)
        self.actor, self.commits = "anonymous", 0

    def commit(self):
        self.commits += 1


def test_only_notices_that_ask_for_action_on_a_linked_channel_get_a_link_and_the_log_keeps_the_plain_body():
    asks, told, sms, in_app = sent("email"), sent("email", trigger="e-2"), sent("sms"), sent("in_app")
    store = FakeStore(asking=("e-1",))
    bodies = bodies_with_links(store, FakeSending(links=LINKS), [asks, told, sms, in_app], NOW)
    assert list(bodies) == [asks.id] and "/api/notifications/ack/" in bodies[asks.id]
    assert asks.body == "正文" and store.escalations.asked == [{"e-1", "e-2"}]  # the SMS and in-app never asked
    assert bodies_with_links(store, FakeSending(), [asks], NOW) == {}


def test_a_link_acknowledges_as_its_recipient_and_closes_the_events_escalations():
    notice = sent()
    store = FakeStore(notice)
    acknowledged = acknowledge_by_link(store, LINKS, LINKS.token(notice, NOW))
    assert (acknowledged.acknowledged_by, store.actor, store.commits) == ("person:p-1", "person:p-1", 1)
    assert store.escalations.acknowledged == ["e-1"] and store.deliveries.saved == [notice]
    [(type_, data)] = notice.collect_events()
    assert type_ == "notification.acknowledged" and data["recipient"] == "person:p-1"


def test_a_link_for_a_notice_now_anothers_or_gone_acknowledges_nothing():
    notice = sent()
    token = LINKS.token(notice, NOW)
    notice.recipient = "person:p-2"
    with pytest.raises(LinkInvalid):
        linked_notice(FakeStore(notice), LINKS, token)
    with pytest.raises(NotFound):
        linked_notice(FakeStore(), LINKS, token)


def page_for(step, accept="text/html"):
    request = Request.from_values(headers={"Accept": accept})
    return ackpage.respond(request, step, ackpage.shown, lambda notice: {"id": notice.id})


def failing(exc):
    def step():
        raise exc
    return step


def test_a_browser_gets_a_page_with_the_status_of_what_went_wrong_and_a_json_client_the_platforms_error():
    statuses = [page_for(failing(exc)).status_code for exc in (
        LinkInvalid("tampered"), LinkExpired("expired"), NotFound("gone"), IllegalTransition("acknowledged"))]
    assert statuses == [400, 410, 404, 409]
    expired = page_for(failing(LinkExpired("expired")))
    assert "链接已过期 / Link expired" in expired.get_data(as_text=True)
    assert expired.headers["Cache-Control"] == "no-store" and expired.headers["Referrer-Policy"] == "no-referrer"
    with pytest.raises(LinkExpired):
        page_for(failing(LinkExpired("expired")), accept="*/*")


def test_the_page_asks_with_a_button_that_posts_and_shows_the_subject_escaped():
    notice = sent()
    notice.subject = "<script>重大隐患</script>"
    asked = page_for(lambda: notice).get_data(as_text=True)
    assert '<form method="post">' in asked and "&lt;script&gt;重大隐患&lt;/script&gt;" in asked
    assert "<script>" not in asked
    notice.acknowledged_at = NOW
    assert "<form" not in page_for(lambda: notice).get_data(as_text=True)
    assert page_for(lambda: notice, accept="application/json").get_json() == {"id": notice.id}
