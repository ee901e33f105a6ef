"""Notifications' channels against real servers in this process: an SMTP server (aiosmtpd) that
receives the Chinese e-mail, and an HTTP server that plays the SMS gateway, the DingTalk robot and a
webhook receiver that checks the signature, answering 500 or hanging when a test asks it to. Then the
whole pipeline: a severe injury card posted to incidents reaches the committee office's inbox."""
import email
import email.policy
import hashlib
import hmac
import json
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from types import SimpleNamespace

import eventlet
import pytest
from aiosmtpd.controller import Controller
from alembic import command
from apprise.plugins.dingtalk import NotifyDingTalk
from apprise.plugins.feishu import NotifyFeishu
from apprise.plugins.wecombot import NotifyWeComBot
from cryptography.fernet import Fernet
from sqlalchemy import select, text

from safecommunity import migrate
from safecommunity.config import database_url
from safecommunity.database import make_engine
from safecommunity.migrate import alembic_config
from safecommunity.tables import outbox
from safecommunity.testing import free_port, wait_until
from services.notifications.acklinks import NoLinks
from services.notifications.channels import Answer, Message
from services.notifications.contacts import Sealer
from services.notifications.dependencies import build_channels
from services.notifications.domain import Notification, RetryPolicy
from services.notifications.limits import RateLimiter
from services.notifications.sending import send_due
from services.notifications.storage import NotificationsUnitOfWork
from tests.conftest import base_url
from tests.support import get, http, injury_card, post

pytestmark = pytest.mark.integration

SECRET = "s3cret-shared-with-the-receiver"
SUBJECT, BODY = "重度伤害：仙林街道网格一", "城市医院报告一例重度伤害：跌倒/坠落，结局住院。"


class Mailbox:
    def __init__(self):
        self.messages = []

    async def handle_DATA(self, server, session, envelope):
        self.messages.append((envelope.rcpt_tos, email.message_from_bytes(envelope.content,
                                                                          policy=email.policy.default)))
        return "250 OK"


@pytest.fixture
def smtp():
    mailbox = Mailbox()
    controller = Controller(mailbox, hostname="127.0.0.1", port=free_port())
    controller.start()
    mailbox.port = controller.port
    yield mailbox
    controller.stop()


class Receiver(ThreadingHTTPServer):
    """Answers each call with the next of `answers` (a status, or "hang"), then 200; records every
    call with whether its signature (if it carries one) was right."""
    daemon_threads = True

    def __init__(self, handler=None):
        super().__init__(("127.0.0.1", free_port()), handler or ReceiverHandler)
        self.answers, self.calls, self.connections = [], [], 0

    @property
    def url(self):
        return f"http://127.0.0.1:{self.server_address[1]}"


class ReceiverHandler(BaseHTTPRequestHandler):
    def setup(self):  # once per connection
        super().setup()
        self.server.connections += 1

    def do_POST(self):
        body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
        stamp, signed = self.headers.get("X-SafeCommunity-Timestamp"), self.headers.get("X-SafeCommunity-Signature")
        valid = None
        if signed is not None:
            expected = "sha256=" + hmac.new(SECRET.encode(), f"{stamp}.".encode() + body, hashlib.sha256).hexdigest()
            valid = hmac.compare_digest(expected, signed) and abs(time.time() - int(stamp)) < 300
        self.server.calls.append({"path": self.path, "body": body, "valid": valid})
        answer = self.server.answers.pop(0) if self.server.answers else 200
        if answer == "hang":
            time.sleep(3)
            return
        status = 401 if valid is False else answer  # a receiver refuses a forged call
        answer = b'{"errcode": 0}' if status == 200 else b'{"error": "boom"}'
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(answer)))
        self.end_headers()
        self.wfile.write(answer)

    def log_message(self, *args):
        pass


class KeepingAliveHandler(ReceiverHandler):
    protocol_version = "HTTP/1.1"  # a connection stays open for the next call


def serving(server):
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield server
    server.shutdown()
    server.server_close()


@pytest.fixture
def receiver():
    yield from serving(Receiver())


@pytest.fixture
def keeping_alive():
    yield from serving(Receiver(KeepingAliveHandler))


def settings(smtp, receiver, **overrides):
    return {"SMTP_HOST": "127.0.0.1", "SMTP_PORT": smtp.port, "SMTP_TLS": "insecure",
            "SMTP_FROM": "platform@example.org", "SMS_GATEWAY_URL": f"json://127.0.0.1:{receiver.server_address[1]}"
                                                                    "/sms?:message=content", "SMS_TO_FIELD": "mobile",
            "WEBHOOK_SECRET": SECRET, "NOTIFY_TIMEOUT": 1.0, **overrides}


def test_an_email_in_chinese_reaches_the_smtp_server(smtp, receiver):
    answer = build_channels(settings(smtp, receiver))["email"].send(
        Message("office@example.org, chief@example.org", SUBJECT, BODY))
    assert answer.ok, answer
    wait_until(lambda: len(smtp.messages) == 2, timeout=10, message="both e-mails")
    rcpt, message = smtp.messages[0]
    assert rcpt == ["office@example.org"] and message["Subject"] == SUBJECT
    assert message["From"] == "platform@example.org"
    assert BODY in message.get_body(("plain",)).get_content()


def test_an_smtp_server_that_is_not_there_is_a_failure_worth_retrying(smtp, receiver):
    answer = build_channels(settings(smtp, receiver, SMTP_PORT=free_port()))["email"].send(
        Message("office@example.org", SUBJECT, BODY))
    assert not answer.ok and answer.retryable and answer.text


def test_the_sms_gateway_gets_the_phone_and_the_text_in_the_fields_it_names(smtp, receiver):
    answer = build_channels(settings(smtp, receiver))["sms"].send(Message("13800001234", "", BODY))
    assert answer.ok, answer
    [call] = receiver.calls
    assert call["path"] == "/sms" and json.loads(call["body"]) == {"content": BODY, "mobile": "13800001234"}


@pytest.mark.parametrize("status, retryable", [(500, True), (503, True), (429, True), (400, False), (404, False)])
def test_a_gateway_refusing_is_a_failure_with_its_answer_worth_retrying_unless_it_will_not_change(
        smtp, receiver, status, retryable):
    receiver.answers = [status]
    answer = build_channels(settings(smtp, receiver))["sms"].send(Message("13800001234", "", BODY))
    assert (answer.ok, answer.retryable) == (False, retryable) and answer.text.startswith(f"HTTP {status}")


def test_a_hanging_or_absent_gateway_times_out_or_is_refused_as_a_failure_worth_retrying(smtp, receiver):
    receiver.answers = ["hang"]
    started = time.monotonic()
    answer = build_channels(settings(smtp, receiver))["sms"].send(Message("13800001234", "", BODY))
    assert not answer.ok and answer.retryable and "Timeout" in answer.text and time.monotonic() - started < 2.5
    gone = settings(smtp, receiver, SMS_GATEWAY_URL=f"json://127.0.0.1:{free_port()}/sms?-key=s3cret")
    answer = build_channels(gone)["sms"].send(Message("13800001234", "", BODY))
    assert not answer.ok and answer.retryable and "ECONNREFUSED" in answer.text and "s3cret" not in answer.text


def test_the_sms_gateway_is_called_over_connections_kept_open_one_per_send_at_the_same_time(smtp, keeping_alive):
    sms = build_channels(settings(smtp, keeping_alive, SMS_GATEWAY_URL=f"json://127.0.0.1:"
                                  f"{keeping_alive.server_address[1]}/sms?+X-Api-Key=k&-account=a1"))["sms"]
    assert all(sms.send(Message(f"1380000{n:04d}", "", BODY)).ok for n in range(20))
    assert keeping_alive.connections == 1 and len(keeping_alive.calls) == 20
    assert keeping_alive.calls[0]["path"] == "/sms?account=a1"
    pool = eventlet.GreenPool(4)
    assert all(pool.imap(lambda n: sms.send(Message(f"1390000{n:04d}", "", BODY)).ok, range(40)))
    assert keeping_alive.connections <= 4 and len(keeping_alive.calls) == 60


@pytest.mark.parametrize("channel, plugin, path", [
    ("dingtalk", NotifyDingTalk, "/robot/send?access_token={token}"),
    ("wecom", NotifyWeComBot, "/cgi-bin/webhook/send?key={key}"),
    ("feishu", NotifyFeishu, "/open-apis/bot/v2/hook/{token}/"),
])
def test_a_chat_bot_gets_the_message_apprise_shapes_for_it(smtp, receiver, monkeypatch, channel, plugin, path):
    # A robot's address is fixed in Apprise; pointed here, the request Apprise shapes is checked.
    monkeypatch.setattr(plugin, "notify_url", receiver.url + path)
    answer = build_channels(settings(smtp, receiver))[channel].send(Message("t0ken", SUBJECT, BODY))
    assert answer.ok, answer
    [call] = receiver.calls
    assert call["path"] == path.format(token="t0ken", key="t0ken")
    assert BODY in json.dumps(json.loads(call["body"]), ensure_ascii=False)


def test_a_webhook_call_is_signed_and_a_wrong_secret_is_refused_without_retrying(smtp, receiver):
    channels = build_channels(settings(smtp, receiver))
    assert channels["webhook"].send(Message(receiver.url + "/hook", SUBJECT, BODY)).ok
    assert receiver.calls[0]["valid"] is True
    assert json.loads(receiver.calls[0]["body"]) == {"subject": SUBJECT, "body": BODY}
    forged = build_channels(settings(smtp, receiver, WEBHOOK_SECRET="not-the-secret"))["webhook"]
    answer = forged.send(Message(receiver.url + "/hook", SUBJECT, BODY))
    assert (answer.ok, answer.retryable, answer.text[:8]) == (False, False, "HTTP 401")


def test_a_hanging_webhook_times_out_as_a_failure_worth_retrying(smtp, receiver):
    receiver.answers = ["hang"]
    started = time.monotonic()
    answer = build_channels(settings(smtp, receiver))["webhook"].send(Message(receiver.url + "/hook", SUBJECT, BODY))
    assert not answer.ok and answer.retryable and "Timeout" in answer.text
    assert time.monotonic() - started < 2.5


def test_the_chat_bots_and_webhooks_are_always_there_but_email_and_sms_only_when_configured():
    assert set(build_channels({})) == {"in_app", "dingtalk", "wecom", "feishu"}  # no unsigned webhook


# -- the pipeline: a severe injury card posted, the office told -----------------------------------------

FAST_SENDING = {"NOTIFY_SEND_INTERVAL": 0.1, "NOTIFY_RETRY_FIRST": 0.1, "NOTIFY_RETRY_CAP": 0.2,
                "NOTIFY_MAX_ATTEMPTS": 3}


def platform(start_services, config, smtp, receiver, **office):
    config.update(settings(smtp, receiver), **FAST_SENDING, **office)
    start_services(config, ["incidents", "notifications"])
    post(f"{base_url(config)}/api/incidents/injuries", injury_card(severity="severe"), expect=201)
    return base_url(config)


def deliveries(url, channel):
    return [d for d in get(f"{url}/api/notifications/deliveries")["deliveries"] if d["channel"] == channel]


def delivered(url, channel, status):
    found = deliveries(url, channel)
    return found[0] if found and found[0]["status"] == status else None


def published(config, type_):
    engine = make_engine(database_url(config, "notifications"))
    try:
        with engine.connect() as connection:
            return [json.loads(row.envelope) for row in connection.execute(
                select(outbox.c.envelope).where(outbox.c.type == type_))]
    finally:
        engine.dispose()


@pytest.mark.parametrize("mode", ["embedded_config", "distributed_config"])
def test_a_severe_injury_reaches_the_committee_office_by_email_and_a_signed_webhook(
        request, mode, start_services, smtp, receiver):
    config = request.getfixturevalue(mode)
    url = platform(start_services, config, smtp, receiver, NOTIFY_OFFICE_EMAIL="office@example.org",
                   NOTIFY_OFFICE_WEBHOOK=receiver.url + "/hook")
    mail = wait_until(lambda: delivered(url, "email", "sent"), timeout=30, message="the e-mail sent")
    hook = wait_until(lambda: delivered(url, "webhook", "sent"), timeout=30, message="the webhook sent")
    assert delivered(url, "in_app", "delivered")
    [(rcpt, message)] = smtp.messages
    assert rcpt == ["office@example.org"] and "重度伤害" in message["Subject"]
    assert "跌倒" in message.get_body(("plain",)).get_content()
    [call] = receiver.calls
    assert call["valid"] is True and "重度伤害" in json.loads(call["body"])["subject"]
    assert (mail["address"], mail["attempts"], hook["address"]) == ("o***@example.org", 1, "http://127.0.0.1/…")
    sent = published(config, "notification.sent")
    assert {event["data"]["channel"] for event in sent} == {"in_app", "email", "webhook"}
    assert "office@example.org" not in json.dumps(sent)


def test_a_receiver_answering_500_then_200_is_retried_until_sent(embedded_config, start_services, smtp, receiver):
    receiver.answers = [500]
    url = platform(start_services, embedded_config, smtp, receiver, NOTIFY_OFFICE_WEBHOOK=receiver.url + "/hook")
    hook = wait_until(lambda: delivered(url, "webhook", "sent"), timeout=30, message="the webhook sent")
    assert hook["attempts"] == 2 and len(receiver.calls) == 2
    assert published(embedded_config, "notification.failed") == []


def test_a_gateway_always_answering_500_makes_the_delivery_dead_with_the_reason(
        embedded_config, start_services, smtp, receiver):
    receiver.answers = [500] * 10
    url = platform(start_services, embedded_config, smtp, receiver, NOTIFY_OFFICE_SMS="13800001234")
    dead = wait_until(lambda: delivered(url, "sms", "dead"), timeout=30, message="the SMS dead")
    assert dead["attempts"] == 3 and "500" in dead["last_answer"] and dead["address"] == "138****1234"
    assert len(receiver.calls) == 3
    [failed] = wait_until(lambda: published(embedded_config, "notification.failed"), timeout=10)
    assert failed["data"]["channel"] == "sms" and "500" in failed["data"]["reason"]
    assert "13800001234" not in json.dumps(failed)


def test_a_hanging_receiver_times_out_and_the_delivery_is_retried(embedded_config, start_services, smtp, receiver):
    receiver.answers = ["hang"]
    url = platform(start_services, embedded_config, smtp, receiver, NOTIFY_OFFICE_WEBHOOK=receiver.url + "/hook")
    hook = wait_until(lambda: delivered(url, "webhook", "sent"), timeout=30, message="the webhook sent")
    # the first call timed out after NOTIFY_TIMEOUT (1 s), not the 3 s the receiver hangs; the second was answered
    assert hook["attempts"] == 2 and len(receiver.calls) == 2 and hook["last_answer"].startswith("HTTP 200")


# -- the store: two replicas, and a database migrated under existing deliveries ------------------------

class SlowChannel:
    """Accepts every message, slowly, and yields meanwhile: the other replica's sender runs then."""

    def __init__(self):
        self.sent = []

    def send(self, message):
        eventlet.sleep(0.02)
        self.sent.append(message.address)
        return Answer(True, "250 OK")


def test_two_replicas_sending_from_one_postgresql_database_never_send_a_delivery_twice(databases):
    url = databases.url.format(service="notifications")
    migrate.upgrade("notifications", url)
    engine = make_engine(url)
    notices = [Notification.queue(f"e-{n}", "email", f"person:p-{n}", f"p{n}@example.org", "主题", "正文")
               for n in range(30)]
    sealer = Sealer(Fernet.generate_key().decode())
    with engine.connect() as connection:
        uow = NotificationsUnitOfWork(connection, "notifications")
        for notice in notices:  # the sender looks each address up (the log keeps none)
            uow.contacts(sealer).set(notice.recipient, {"email": notice.address}, "test")
        uow.deliveries.add_many(notices)
        uow.commit()
    channel = SlowChannel()
    sending = SimpleNamespace(channels={"email": channel}, policy=RetryPolicy(), batch=10, concurrency=5, sms_batch=1,
                              quiet_hours=None, limiter=RateLimiter({}, time.monotonic), links=NoLinks(),
                              sealer=sealer, office_channels=())

    def replica():
        with engine.connect() as connection:
            return send_due(NotificationsUnitOfWork(connection, "notifications"), sending)
    try:
        first, second = eventlet.spawn(replica), eventlet.spawn(replica)
        mine, theirs = first.wait(), second.wait()
    finally:
        engine.dispose()
    handled = mine + theirs
    assert mine and theirs, "both replicas sent, at the same time"
    assert sorted(channel.sent) == sorted(notice.address for notice in notices)  # each once
    assert len(handled) == 30 and {notice.status for notice in handled} == {"sent"}


def test_deliveries_written_before_the_migration_keep_their_rows_with_empty_progress(tmp_path):
    url = f"sqlite:///{tmp_path}/notifications.db"
    config = alembic_config("notifications", url)
    command.upgrade(config, "0001")
    engine = make_engine(url)
    with engine.begin() as connection:
        connection.execute(text(
            "INSERT INTO deliveries (id, trigger_event_id, channel, recipient, subject, body, status, created_at) "
            "VALUES ('d-1', 'e-1', 'in_app', 'committee-office', 's', 'b', 'delivered', '2026-11-30 08:00:00')"))
    command.upgrade(config, "head")
    with engine.connect() as connection:
        [notice] = NotificationsUnitOfWork(connection, "notifications").deliveries.list(10, 0)
    engine.dispose()
    assert (notice.status, notice.attempts, notice.address_masked, notice.last_answer, notice.sent_at) == (
        "delivered", 0, "", "", None)


def test_a_sites_own_template_is_what_the_office_reads_and_a_broken_one_stops_the_service_at_start(
        embedded_config, start_services, smtp, receiver, tmp_path):
    (tmp_path / "site" / "zh").mkdir(parents=True)
    (tmp_path / "site" / "zh" / "injury.reported.yaml").write_text(
        'email:\n  subject: "【{{ site.name }}】请核实：{{ names.grid }}"\n  body: "病例 {{ case_id }}"\n',
        encoding="utf-8")
    url = platform(start_services, embedded_config, smtp, receiver, NOTIFY_OFFICE_EMAIL="office@example.org",
                   NOTIFY_TEMPLATES_DIR=str(tmp_path / "site"), SITE_NAME="莲花区安全社区")
    wait_until(lambda: delivered(url, "email", "sent"), timeout=30, message="the e-mail sent")
    [(_, message)] = smtp.messages
    assert message["Subject"].startswith("【莲花区安全社区】请核实：")
    assert "重度伤害" in delivered(url, "in_app", "delivered")["subject"]  # the channel the site left alone

    (tmp_path / "broken" / "zh").mkdir(parents=True)
    (tmp_path / "broken" / "zh" / "injury.reported.yaml").write_text(
        'sms:\n  text: "{{ no_such_field }}"\n', encoding="utf-8")
    with pytest.raises(Exception, match="injury.reported.yaml"):
        start_services({**embedded_config, "NOTIFY_TEMPLATES_DIR": str(tmp_path / "broken")}, ["notifications"])


def test_the_office_acknowledges_its_notice_once_and_it_leaves_the_unacknowledged_count(
        embedded_config, start_services, smtp, receiver):
    url = platform(start_services, embedded_config, smtp, receiver)
    notice = wait_until(lambda: delivered(url, "in_app", "delivered"), timeout=30, message="the in-app notice")

    def unacknowledged():
        scraped = http.get(f"{url}/metrics", timeout=10).text
        return [line for line in scraped.splitlines() if line.startswith("safecommunity_notices_unacknowledged{")]

    assert unacknowledged() == ['safecommunity_notices_unacknowledged{service="notifications"} 1.0']
    answer = post(f"{url}/api/notifications/deliveries/{notice['id']}/acknowledge", {}, expect=200)
    assert answer["acknowledged_by"] == "test-admin" and answer["acknowledged_at"]
    again = http.post(f"{url}/api/notifications/deliveries/{notice['id']}/acknowledge", json={}, timeout=10)
    assert again.status_code == 409 and "was acknowledged" in again.text
    assert http.post(f"{url}/api/notifications/deliveries/no-such-id/acknowledge", timeout=10).status_code == 404
    assert unacknowledged() == ['safecommunity_notices_unacknowledged{service="notifications"} 0.0']
    [acknowledged] = published(embedded_config, "notification.acknowledged")
    assert acknowledged["data"]["notification_id"] == notice["id"]
    assert "test-admin" not in json.dumps(acknowledged["data"])
    assert acknowledged["actor"] == "test-admin"  # the envelope records who wrote it, as for every write
    assert get(f"{url}/api/notifications/deliveries")["deliveries"][0]["acknowledged_by"] == "test-admin"
