"""Dead deliveries in the backbone's dead letters: parked, without their address, in the commit
that records the answer that made them dead; replayed, queued again with fresh attempts. Fakes
behind the store's interfaces; no I/O."""
import json

import pytest

from safecommunity.errors import IllegalTransition
from services.notifications.channels import Answer
from services.notifications.deadletters import letter_of
from services.notifications.domain import DEAD, QUEUED, RETRYING, SENT
from services.notifications.notifying import requeue_replayed
from services.notifications.sending import send_due
from services.notifications.tests.fakes import FakeDeliveries
from services.notifications.tests.test_sending import (
    DOWN,
    NOW,
    OK,
    POLICY,
    FakeChannel,
    FakeSending,
    FakeStore,
    queued,
)


def dead(address="office@example.org"):
    notice = queued("webhook", f"https://hooks.example.org/{address}", recipient="committee-office")
    for _ in range(POLICY.attempts):
        notice.record_answer(DOWN, NOW, POLICY)
    return notice


def test_a_delivery_dead_after_its_last_attempt_is_parked_in_that_commit_and_one_still_retrying_is_not():
    dying, fresh = queued(), queued()
    dying.attempts = POLICY.attempts - 1
    store = FakeStore(dying, fresh)
    send_due(store, FakeSending(email=FakeChannel(DOWN, DOWN)), now=lambda: NOW)
    assert (dying.status, fresh.status) == (DEAD, RETRYING)
    assert store.dead_deliveries.parked == [dying] and store.commits == 1


def test_a_dead_letters_body_names_the_delivery_and_its_reason_and_not_its_address():
    notice = dead()
    body = json.loads(letter_of(notice))
    assert body == {"delivery_id": notice.id, "trigger_event_id": "e-1", "channel": "webhook",
                    "recipient": "committee-office", "attempts": 3, "reason": "HTTP 500"}
    assert "hooks.example.org" not in letter_of(notice)


def test_a_dead_delivery_is_queued_again_with_fresh_attempts_and_only_a_dead_one():
    notice = dead()
    notice.requeue(NOW)
    assert (notice.status, notice.attempts, notice.next_attempt_at) == (QUEUED, 0, NOW)
    assert notice.last_answer == "replayed from the dead letters (was: HTTP 500)"
    with pytest.raises(IllegalTransition):
        notice.requeue(NOW)


class Replayed:
    def __init__(self, *rows):
        self.rows, self.settled = list(rows), []

    def replayed(self):
        return self.rows

    def settle(self, row_id, status, reason=None):
        self.settled.append((row_id, status, reason))


def test_replayed_dead_letters_queue_their_deliveries_again_and_are_resolved_in_one_commit():
    again, sent_since = dead(), dead()
    sent_since.requeue(NOW)
    sent_since.status = SENT
    store = FakeStore()
    store.deliveries, store.dead_deliveries = FakeDeliveries(again, sent_since), Replayed(
        (1, again.id), (2, sent_since.id), (3, "gone"))
    requeue_replayed(store, now=lambda: NOW)
    assert (again.status, again.attempts, sent_since.status) == (QUEUED, 0, SENT)
    assert store.deliveries.saved == [again] and store.commits == 1
    assert store.dead_deliveries.settled == [(1, "resolved", None), (2, "resolved", None),
                                             (3, "rejected", "no delivery gone in the log")]


def test_no_replayed_dead_letters_cost_no_commit():
    store = FakeStore()
    store.dead_deliveries = Replayed()
    requeue_replayed(store, now=lambda: NOW)
    assert store.commits == 0


def test_a_replayed_dead_delivery_is_sent_to_its_recipients_address_as_it_is_at_the_replay():
    notice = queued("sms", "13800001234")
    notice.record_answer(Answer(False, "HTTP 400 no such number"), NOW, POLICY)
    store, gateway = FakeStore(notice), FakeChannel(OK)
    store.book.addresses[notice.recipient, "sms"] = "13900005678"  # the office corrected it, then replayed
    notice.requeue(NOW)
    send_due(store, FakeSending(sms=gateway), now=lambda: NOW)
    assert [m.address for m in gateway.sent] == ["13900005678"] and (notice.status, notice.attempts) == (SENT, 1)
