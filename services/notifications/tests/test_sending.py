"""A delivery's life (queued, sent, retrying, dead) and the sender, with fake channels and a fake
store behind the same interfaces as the real ones; no I/O."""
from datetime import datetime, timedelta, timezone
from itertools import count

import pytest

from services.notifications.acklinks import NoLinks
from services.notifications.channels import Answer
from services.notifications.domain import DEAD, QUEUED, RETRYING, SENT, IllegalTransition, Notification, RetryPolicy
from services.notifications.limits import QuietHours, RateLimiter
from services.notifications.masking import mask
from services.notifications.sending import send_due

NOW = datetime(2026, 12, 1, 8, 0, tzinfo=timezone.utc)
POLICY = RetryPolicy(attempts=3, first=10.0, cap=25.0)
FAILED, DOWN, OK = Answer(False, "HTTP 400 bad number"), Answer(False, "HTTP 500", retryable=True), Answer(True, "250")


RECIPIENTS = count(1)


def queued(channel="email", address="office@example.org", recipient=None):
    """A notice queued for a recipient of its own (person:p-1, …) at that address."""
    recipient = recipient or f"person:p-{next(RECIPIENTS)}"
    notice = Notification.queue("e-1", channel, recipient, address, "主题", "正文",
                                triggered_at=NOW - timedelta(seconds=3))
    notice.next_attempt_at = NOW  # queued now (the tests' now)
    return notice


class FakeChannel:
    def __init__(self, *answers):
        self.answers, self.sent = list(answers), []

    def send(self, message):
        self.sent.append(message)
        return self.answers.pop(0)


class FakeDeliveries:
    def __init__(self, *notices):
        self.notices, self.saved = list(notices), []

    def claim_due(self, now, limit):
        claimed = [n for n in self.notices if n.status in (QUEUED, RETRYING) and n.next_attempt_at <= now][:limit]
        for notice in claimed:  # as read from the log, which keeps no address in clear
            notice.address = ""
        return claimed

    def save_progress(self, notices):
        self.saved += notices


class FakeDeadDeliveries:
    def __init__(self):
        self.parked = []

    def park(self, notices, now):
        self.parked += notices


class FakeAddressBook:
    def __init__(self, addresses):
        self.addresses, self.asked = addresses, []

    def many(self, pairs):
        self.asked.append(list(pairs))
        return {pair: self.addresses[pair] for pair in pairs if pair in self.addresses}


class FakeStore:
    """The deliveries given, and an address book with each one's address for its recipient."""

    def __init__(self, *notices):
        self.deliveries, self.dead_deliveries, self.commits = FakeDeliveries(*notices), FakeDeadDeliveries(), 0
        self.book = FakeAddressBook({(notice.recipient, notice.channel): notice.address for notice in notices})

    def contacts(self, sealer):
        return self.book

    def commit(self):
        self.commits += 1


class FakeSending:
    def __init__(self, batch=10, sms_batch=1, quiet_hours=None, rates=None, links=None, office=(), **channels):
        self.channels, self.policy, self.batch, self.concurrency, self.sms_batch = channels, POLICY, batch, 4, sms_batch
        self.sealer, self.office_channels = None, office
        self.links = links or NoLinks()
        self.quiet_hours, self.limiter = quiet_hours, RateLimiter(rates or {}, clock=lambda: 0.0)


def test_a_delivery_the_channel_accepts_is_sent_once_with_the_answer_and_a_sent_event():
    notice = queued()
    notice.record_answer(OK, NOW, POLICY)
    assert (notice.status, notice.attempts, notice.sent_at, notice.last_answer) == (SENT, 1, NOW, "250")
    [(type_, data)] = notice.collect_events()
    assert type_ == "notification.sent" and "address" not in data
    with pytest.raises(IllegalTransition):
        notice.record_answer(OK, NOW, POLICY)


def test_a_failure_worth_retrying_waits_a_jittered_doubling_time_before_the_next_try():
    notice = queued()
    notice.record_answer(DOWN, NOW, POLICY)
    assert notice.status == RETRYING and NOW + timedelta(seconds=5) <= notice.next_attempt_at <= NOW + timedelta(
        seconds=10)
    assert [POLICY.wait_after(n, rand=lambda: 1.0) for n in (1, 2, 3)] == [10.0, 20.0, 25.0]  # capped
    assert POLICY.wait_after(1, rand=lambda: 0.0) == 5.0  # never less than half the ceiling
    assert notice.collect_events() == []


def test_a_delivery_is_dead_after_its_last_allowed_attempt_with_the_reason_in_a_failed_event():
    notice = queued()
    for _ in range(POLICY.attempts):
        notice.record_answer(DOWN, NOW, POLICY)
    assert (notice.status, notice.attempts, notice.next_attempt_at) == (DEAD, 3, None)
    [(type_, data)] = notice.collect_events()
    assert type_ == "notification.failed" and data["reason"] == "HTTP 500" and data["attempts"] == 3
    assert "office@example.org" not in str(data)


def test_a_failure_that_will_not_change_is_dead_at_the_first_try():
    notice = queued()
    notice.record_answer(FAILED, NOW, POLICY)
    assert (notice.status, notice.attempts) == (DEAD, 1)


def test_the_sender_sends_what_is_due_and_leaves_what_waits():
    due, later = queued(), queued()
    later.next_attempt_at = NOW + timedelta(minutes=5)
    channel = FakeChannel(DOWN)
    store = FakeStore(due, later)
    send_due(store, FakeSending(email=channel), now=lambda: NOW)
    assert [m.address for m in channel.sent] == ["office@example.org"]
    assert store.deliveries.saved == [due] and due.status == RETRYING and store.commits == 1  # one per batch


def test_full_batches_are_sent_one_after_another_in_one_turn_each_in_its_own_commit():
    notices = [queued(address=f"p{n}@example.org") for n in range(25)]
    store, channel = FakeStore(*notices), FakeChannel(*[OK] * 25)
    send_due(store, FakeSending(batch=10, email=channel), now=lambda: NOW)
    assert all(n.status == SENT for n in notices) and store.commits == 3 and len(channel.sent) == 25


def test_sms_with_one_text_go_to_the_gateway_a_few_numbers_a_call_and_each_keeps_only_its_answer():
    same = [queued("sms", f"1380000{n:04d}") for n in range(5)]
    other = queued("sms", "13900000000")
    other.body = "另一条"
    class Gateway(FakeChannel):  # answers naming the numbers it was given, as gateways do
        def send(self, message):
            self.sent.append(message)
            return Answer(True, f"accepted {message.address}")
    gateway = Gateway()
    send_due(FakeStore(*same, other), FakeSending(sms_batch=2, sms=gateway), now=lambda: NOW)
    assert sorted(m.address for m in gateway.sent) == ["13800000000,13800000001", "13800000002,13800000003",
                                                        "13800000004", "13900000000"]
    assert all(n.status == SENT for n in same + [other])
    assert all("1380000" not in n.last_answer for n in same)  # no one's number in anyone's log


def test_a_500_then_a_200_is_retrying_then_sent():
    notice, channel = queued(), FakeChannel(DOWN, OK)
    store, sending = FakeStore(notice), FakeSending(email=channel)
    send_due(store, sending, now=lambda: NOW)
    send_due(store, sending, now=lambda: NOW + timedelta(minutes=1))
    assert (notice.status, notice.attempts) == (SENT, 2)


def test_a_channel_not_configured_or_broken_costs_an_attempt_but_not_the_batch():
    class Broken:
        def send(self, message):
            raise RuntimeError("adapter bug")
    unknown, broken, fine = queued("sms", "13800001234"), queued("webhook", "http://h/x"), queued()
    send_due(FakeStore(unknown, broken, fine), FakeSending(webhook=Broken(), email=FakeChannel(OK)),
             now=lambda: NOW)
    assert (unknown.status, unknown.last_answer) == (RETRYING, "the sms channel is not configured")
    assert broken.status == RETRYING and "adapter bug" in broken.last_answer
    assert fine.status == SENT


def test_contact_addresses_are_masked_in_answers():
    assert mask("office@example.org, li@example.org") == "o***@example.org, l***@example.org"
    assert mask("13800001234") == "138****1234"
    assert mask("https://hooks.example.org/secret/path") == "https://hooks.example.org/…"
    assert mask("abcdefgh1234") == "abcd***"


def test_an_answer_naming_the_address_keeps_it_out_of_the_failed_event_and_the_recorded_answer():
    notice = queued(address="office@example.org, chief@example.org")
    notice.record_answer(Answer(False, "Failed to send to chief@example.org, office@example.org: 451", retryable=True),
                         NOW, POLICY)
    notice.record_answer(Answer(False, "550 office@example.org unknown"), NOW, RetryPolicy(attempts=2))
    [(type_, data)] = notice.collect_events()
    assert type_ == "notification.failed" and "550" in data["reason"]
    assert "example.org" not in str(data) and "example.org" not in notice.last_answer


def test_a_non_urgent_sms_in_quiet_hours_waits_for_their_end_without_an_attempt_and_an_urgent_one_goes():
    night = datetime(2026, 12, 1, 15, 30, tzinfo=timezone.utc)  # 23:30 in Shanghai
    routine, urgent, mail = queued("sms", "13800001234"), queued("sms", "13900001234"), queued()
    urgent.urgent = True
    for notice in (routine, urgent, mail):
        notice.next_attempt_at = night
    gateway, smtp = FakeChannel(OK), FakeChannel(OK)
    send_due(FakeStore(routine, urgent, mail), FakeSending(quiet_hours=QuietHours(22, 7), sms=gateway, email=smtp),
             now=lambda: night)
    assert [m.address for m in gateway.sent] == ["13900001234"] and urgent.status == SENT and mail.status == SENT
    assert (routine.status, routine.attempts) == (QUEUED, 0)
    assert routine.next_attempt_at == datetime(2026, 12, 1, 23, 0, tzinfo=timezone.utc)  # 07:00 in Shanghai
    assert routine.last_answer == "quiet hours: held until 07:00"


def test_what_is_over_a_channels_rate_limit_waits_for_the_next_turn_untouched():
    notices = [queued("sms", f"1380000{n:04d}") for n in range(5)]
    gateway = FakeChannel(*[OK] * 5)
    store = FakeStore(*notices)
    send_due(store, FakeSending(rates={"sms": 3}, sms=gateway), now=lambda: NOW)
    assert len(gateway.sent) == 3 and [n.status for n in notices].count(QUEUED) == 2
    assert all(n.attempts == 0 for n in notices if n.status == QUEUED) and store.commits == 1


def test_each_send_looks_the_address_up_so_a_retry_goes_to_the_address_given_since():
    notice, channel = queued("sms", "13800001234"), FakeChannel(DOWN, OK)
    store, sending = FakeStore(notice), FakeSending(sms=channel)
    send_due(store, sending, now=lambda: NOW)
    store.book.addresses[notice.recipient, "sms"] = "13900005678"  # corrected meanwhile
    send_due(store, sending, now=lambda: NOW + timedelta(minutes=1))
    assert [m.address for m in channel.sent] == ["13800001234", "13900005678"] and notice.status == SENT
    assert notice.address_masked == "139****5678" and store.book.asked == [[(notice.recipient, "sms")]] * 2


def test_a_recipient_whose_address_was_taken_away_since_it_was_queued_is_dead_with_that_reason():
    gone, kept = queued("sms", "13800001234"), queued("sms", "13900005678")
    store, gateway = FakeStore(gone, kept), FakeChannel(OK)
    del store.book.addresses[gone.recipient, "sms"]
    send_due(store, FakeSending(sms=gateway), now=lambda: NOW)
    assert [m.address for m in gateway.sent] == ["13900005678"] and kept.status == SENT
    assert (gone.status, gone.attempts) == (DEAD, 1) and store.dead_deliveries.parked == [gone]
    assert gone.last_answer == f"no sms address for {gone.recipient} any more"


def test_the_committee_office_is_sent_to_at_its_addresses_in_the_settings_as_they_are_at_the_send():
    notice, smtp = queued(recipient="committee-office", address="old@example.org"), FakeChannel(OK)
    store = FakeStore(notice)
    send_due(store, FakeSending(email=smtp, office=(("email", "office@example.org"),)), now=lambda: NOW)
    assert [m.address for m in smtp.sent] == ["office@example.org"] and store.book.asked == []
