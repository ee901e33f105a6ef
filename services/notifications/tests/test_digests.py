"""A digest's period on the site's clock, and what one says."""
from datetime import datetime, timezone
from types import SimpleNamespace

import pytest
from sqlalchemy.exc import IntegrityError

from safecommunity import sitetime
from services.notifications.digests import DigestLine, Schedule, compose
from services.notifications.notifying import send_digests


@pytest.fixture(autouse=True)
def shanghai():
    sitetime.configure({"SITE_TIMEZONE": "Asia/Shanghai"})


def utc(text):
    return datetime.fromisoformat(text).replace(tzinfo=timezone.utc)


@pytest.mark.parametrize("now, period", [
    ("2026-12-02T00:30", "digest:daily:2026-12-02T08"),   # 08:30 in Shanghai: today's has come due
    ("2026-12-01T23:30", "digest:daily:2026-12-01T08"),   # 07:30 on the 2nd: still yesterday's
    ("2026-12-31T23:00", "digest:daily:2026-12-31T08"),   # 07:00 on New Year's Day: the old year's still
    ("2027-01-01T00:00", "digest:daily:2027-01-01T08"),   # 08:00 on New Year's Day
])
def test_a_daily_digest_comes_due_at_its_hour_on_the_sites_clock(now, period):
    assert Schedule("daily", 8).period(utc(now)) == period


def test_a_weekly_digest_comes_due_on_its_weekday_and_waits_a_week_otherwise():
    monday_8 = Schedule("weekly", 8, 1)
    assert monday_8.period(utc("2026-11-30T00:00")) == "digest:weekly:2026-11-30T08"  # Monday 08:00
    assert monday_8.period(utc("2026-11-29T23:59")) == "digest:weekly:2026-11-23T08"  # Monday 07:59
    assert monday_8.period(utc("2026-12-05T12:00")) == "digest:weekly:2026-11-30T08"  # Saturday
    assert Schedule("weekly", 18, 7).period(utc("2026-12-02T00:00")) == "digest:weekly:2026-11-29T18"  # Sunday


def test_a_digest_counts_its_lines_by_kind_and_lists_them_in_order():
    schedule = Schedule("daily", 8)
    lines = [DigestLine("person:p", "email", schedule, f"e-{n}", kind, f"第{n}项")
             for n, kind in enumerate(["hazard.reported", "injury.reported", "hazard.reported"])]
    subject, body = compose("email", schedule, lines, utc("2026-12-02T01:00"))
    assert "每日简报（2026-12-02）：共3项" in subject
    assert "新登记隐患：2项" in body and "伤害病例：1项" in body
    assert body.index("1. 第0项") < body.index("2. 第1项") < body.index("3. 第2项")
    _, text = compose("sms", schedule, lines, utc("2026-12-02T01:00"))
    assert text.startswith("【每日简报】2026-12-02共3项")


class Store:
    """What send_digests uses of the unit of work, with one bundle pending; `taken`: another replica
    commits this period's digest between this one's check and its commit."""

    def __init__(self, lines, taken=False):
        self.lines, self.taken, self.made, self.rolled_back, self.committed = lines, taken, [], False, False
        self.digests, self.deliveries = self, self

    def bundles(self):
        return [("person:p", "in_app", Schedule("daily", 0))]

    def pending(self, recipient, channel, schedule):
        return [] if self.committed else self.lines

    def exists(self, period, channel, recipient):
        return False

    def contacts(self, sealer):
        return self

    def many(self, pairs):
        return {}

    def sent(self, lines, period):
        self.period = period

    def add_many(self, notices):
        self.made += notices

    def commit(self):
        if self.taken:
            raise IntegrityError("INSERT", {}, Exception("uq_deliveries_once"))
        self.committed = True

    def rollback(self):
        self.rolled_back, self.made = True, []


def test_a_digest_another_replica_made_first_is_left_to_it_and_this_one_goes_on():
    lines = [DigestLine("person:p", "in_app", Schedule("daily", 0), "e-1", "hazard.reported", "一般隐患")]
    now = lambda: utc("2026-12-02T02:00")  # noqa: E731
    mine = Store(lines)
    send_digests(mine, SimpleNamespace(sealer=None), now)
    [digest] = mine.made
    assert (digest.trigger_event_id, digest.recipient, digest.channel) == ("digest:daily:2026-12-02T00", "person:p",
                                                                           "in_app")
    theirs = Store(lines, taken=True)
    send_digests(theirs, SimpleNamespace(sealer=None), now)  # no error, nothing made
    assert theirs.rolled_back and theirs.made == []
