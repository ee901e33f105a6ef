"""The delivery log keeps no contact address in clear (nor sealed): only its masked form. Read
with SQL, no table of notifications' database holds a recipient's phone number once an SMS is
queued, while it is retried, nor once it is sent; the sender looks the address up for each send,
so retries go out and a replayed dead letter goes to the address given since. Migration 0010 masks
the addresses of rows written before it and drops the clear column, and a delivery queued before
it is still sent. Both modes (SQLite and the in-process broker; PostgreSQL and RabbitMQ)."""
import json
import time
from types import SimpleNamespace

import pytest
from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from cryptography.fernet import Fernet
from sqlalchemy import inspect, select, text

from safecommunity.config import database_url
from safecommunity.database import make_engine
from safecommunity.migrate import alembic_config, create_database_if_missing
from safecommunity.testing import wait_until
from services.notifications.acklinks import NoLinks
from services.notifications.channels import Answer
from services.notifications.contacts import Sealer
from services.notifications.domain import RetryPolicy
from services.notifications.limits import RateLimiter
from services.notifications.sending import send_due
from services.notifications.storage import NotificationsUnitOfWork, metadata
from tests.conftest import base_url
from tests.integration.test_notification_channels import FAST_SENDING, receiver, settings, smtp  # noqa: F401
from tests.integration.test_notification_deadletters import dead_letters, listed
from tests.support import get, http, injury_card, post

pytestmark = pytest.mark.integration

PERSON, NUMBER, OFFICE_NUMBER = "person:p-1", "13900005678", "13800001234"
MODES = ["embedded_config", "distributed_config"]


def start(request, mode, start_services, smtp, receiver, **overrides):  # noqa: F811
    """Incidents and notifications; PERSON given an SMS number and subscribed to injuries by SMS,
    the committee office's number in the settings; then a severe injury posted."""
    config = request.getfixturevalue(mode)
    config.update({**settings(smtp, receiver), **FAST_SENDING, "NOTIFY_OFFICE_SMS": OFFICE_NUMBER, **overrides})
    if mode == "distributed_config":  # embedded mode makes its key file; with PostgreSQL it is a setting
        config["NOTIFY_CONTACTS_KEY"] = Fernet.generate_key().decode()
    start_services(config, ["incidents", "notifications"])
    url = base_url(config)
    assert http.put(f"{url}/api/notifications/contacts/{PERSON}", json={"sms": NUMBER}, timeout=10).ok
    post(f"{url}/api/notifications/subscriptions", {"recipient": PERSON, "event_type": "injury.reported",
                                                    "channels": ["sms"]}, expect=201)
    post(f"{url}/api/incidents/injuries", injury_card(severity="severe"), expect=201)
    return config, url


def sms(url, status=None):
    """The SMS deliveries as the API answers them, once there are two (PERSON's and the office's)
    and all have the status asked for."""
    found = [d for d in get(f"{url}/api/notifications/deliveries")["deliveries"] if d["channel"] == "sms"]
    return found if len(found) == 2 and all(status in (None, d["status"]) for d in found) else None


def every_row(config):
    """Every row of every table of notifications' database, as text."""
    engine = make_engine(database_url(config, "notifications"))
    try:
        with engine.connect() as connection:
            return {table: [str(tuple(row)) for row in connection.execute(text(f'SELECT * FROM "{table}"'))]
                    for table in inspect(connection).get_table_names()}
    finally:
        engine.dispose()


def assert_no_clear_number(config, *numbers):
    rows = every_row(config)
    assert rows["deliveries"], "the deliveries are in the database"
    for table, found in rows.items():
        assert not [row for row in found for number in numbers if number in row], f"a number in clear in {table}"


def gateway_numbers(receiver):  # noqa: F811
    return [json.loads(call["body"])["mobile"] for call in receiver.calls if call["path"] == "/sms"]


@pytest.mark.parametrize("mode", MODES)
def test_no_clear_address_is_in_the_database_while_an_sms_is_retried_nor_once_it_is_sent(
        request, mode, start_services, smtp, receiver):  # noqa: F811
    receiver.answers = [500] * 1000  # until told otherwise
    config, url = start(request, mode, start_services, smtp, receiver, NOTIFY_MAX_ATTEMPTS=1000)
    retrying = wait_until(lambda: sms(url, "retrying"), timeout=30, message="both SMS retrying")
    assert_no_clear_number(config, NUMBER, OFFICE_NUMBER)
    assert sorted(d["address"] for d in retrying) == ["138****1234", "139****5678"]

    receiver.answers = []  # 200 from now on
    sent = wait_until(lambda: sms(url, "sent"), timeout=30, message="both SMS sent")
    assert_no_clear_number(config, NUMBER, OFFICE_NUMBER)
    assert sorted(d["address"] for d in sent) == ["138****1234", "139****5678"]
    assert all(d["attempts"] >= 2 for d in sent)  # retried, then sent to the address looked up
    assert {NUMBER, OFFICE_NUMBER} <= set(gateway_numbers(receiver))


@pytest.mark.parametrize("mode", MODES)
def test_a_replayed_dead_sms_goes_to_the_number_given_since_and_none_is_kept_in_clear(
        request, mode, start_services, smtp, receiver):  # noqa: F811
    receiver.answers = [500] * 1000
    config, url = start(request, mode, start_services, smtp, receiver, NOTIFY_OFFICE_SMS="")
    [dead] = wait_until(lambda: [d for d in get(f"{url}/api/notifications/deliveries", recipient=PERSON)["deliveries"]
                                 if d["channel"] == "sms" and d["status"] == "dead"], timeout=30, message="SMS dead")
    corrected = "13700002468"
    assert http.put(f"{url}/api/notifications/contacts/{PERSON}", json={"sms": corrected}, timeout=10).ok
    receiver.answers, calls = [], len(receiver.calls)
    [[_, row_id, *_]] = listed(config)
    dead_letters(config, "replay", "notifications", row_id)

    def sent():
        [notice] = [d for d in get(f"{url}/api/notifications/deliveries", recipient=PERSON)["deliveries"]
                    if d["id"] == dead["id"]]
        return notice if notice["status"] == "sent" else None
    notice = wait_until(sent, timeout=30, message="the replayed SMS sent")
    assert gateway_numbers(receiver)[calls:] == [corrected] and notice["address"] == "137****2468"
    assert_no_clear_number(config, NUMBER, corrected)


# -- the migration ----------------------------------------------------------------------------------

def database(request, kind, tmp_path):
    if kind == "sqlite":
        return f"sqlite:///{tmp_path}/notifications.db"
    return request.getfixturevalue("databases").url.format(service="notifications")


class Gateway:
    def __init__(self):
        self.sent = []

    def send(self, message):
        self.sent.append(message.address)
        return Answer(True, "200 OK")


def sending(sealer, **channels):
    return SimpleNamespace(channels=channels, policy=RetryPolicy(), batch=10, concurrency=2, sms_batch=1,
                           quiet_hours=None, limiter=RateLimiter({}, time.monotonic), links=NoLinks(), sealer=sealer,
                           office_channels=())


ROWS = [  # id, channel, recipient, status, address (as 0002-0009 kept it)
    ("d-sent", "sms", PERSON, "sent", NUMBER),
    ("d-dead", "email", "person:p-2", "dead", "li@example.org"),
    ("d-queued", "sms", PERSON, "queued", NUMBER),
    ("d-in-app", "in_app", PERSON, "delivered", ""),
]


@pytest.mark.parametrize("kind", ["sqlite", "postgresql"])
def test_migration_0010_masks_the_addresses_written_before_it_and_a_queued_delivery_is_still_sent(
        request, kind, tmp_path):
    url = database(request, kind, tmp_path)
    create_database_if_missing(url)
    config = alembic_config("notifications", url)
    command.upgrade(config, "0009")
    engine = make_engine(url)
    with engine.begin() as connection:
        for row_id, channel, recipient, status, address in ROWS:
            connection.execute(text(
                "INSERT INTO deliveries (id, trigger_event_id, channel, recipient, subject, body, status, created_at,"
                " address, next_attempt_at) VALUES (:id, :event, :channel, :recipient, 's', 'b', :status,"
                " '2026-11-30 08:00:00', :address, '2026-11-30 08:00:00')"),
                {"id": row_id, "event": f"e-{row_id}", "channel": channel, "recipient": recipient, "status": status,
                 "address": address})
    command.upgrade(config, "head")
    try:
        with engine.connect() as connection:
            assert "address" not in {c["name"] for c in inspect(connection).get_columns("deliveries")}
            rows = connection.execute(text("SELECT * FROM deliveries ORDER BY id")).mappings().all()
            assert not [row for row in rows for clear in (NUMBER, "li@example.org") if clear in str(dict(row))]
            assert {row["id"]: row["address_masked"] for row in rows} == {
                "d-sent": "139****5678", "d-dead": "l***@example.org", "d-queued": "139****5678", "d-in-app": ""}
            assert compare_metadata(MigrationContext.configure(connection, opts={"compare_type": True}), metadata) == []

            sealer, gateway = Sealer(Fernet.generate_key().decode()), Gateway()  # the queued one, sent as any
            uow = NotificationsUnitOfWork(connection, "notifications")
            uow.contacts(sealer).set(PERSON, {"sms": NUMBER}, "test")
            uow.commit()
            handled = send_due(NotificationsUnitOfWork(connection, "notifications"), sending(sealer, sms=gateway))
            assert [n.id for n in handled] == ["d-queued"] and gateway.sent == [NUMBER]
            status = connection.execute(select(metadata.tables["deliveries"].c.status)
                                        .where(metadata.tables["deliveries"].c.id == "d-queued")).scalar()
            assert status == "sent"
    finally:
        engine.dispose()
