"""Quiet hours on the site's clock and rate limits per channel."""
from datetime import datetime, timezone

import pytest

from safecommunity import sitetime
from services.notifications.limits import QuietHours, RateLimiter, parse_rates


@pytest.fixture(autouse=True)
def shanghai():
    sitetime.configure({"SITE_TIMEZONE": "Asia/Shanghai"})


def shanghai_time(hour, minute=0, day=2):
    return datetime(2026, 12, day, hour, minute, tzinfo=sitetime.zone())


def test_quiet_hours_across_midnight_end_at_their_hour_the_next_morning():
    quiet = QuietHours.parse("22-7")
    assert quiet.until(shanghai_time(23, 30)) == shanghai_time(7, day=3)
    assert quiet.until(shanghai_time(2)) == shanghai_time(7)
    assert quiet.until(shanghai_time(7)) is None and quiet.until(shanghai_time(21, 59)) is None
    assert quiet.until(datetime(2026, 12, 2, 15, 0, tzinfo=timezone.utc)) == shanghai_time(7, day=3)  # 23:00 there


def test_quiet_hours_within_a_day_and_bad_settings():
    assert QuietHours.parse("12-14").until(shanghai_time(13)) == shanghai_time(14)
    assert QuietHours.parse("") is None
    for bad in ("22", "22-25", "7-7", "night"):
        with pytest.raises(ValueError, match="SMS_QUIET_HOURS"):
            QuietHours.parse(bad)


def test_a_rate_limit_lets_a_minutes_sends_through_then_one_as_each_share_of_a_minute_passes():
    now = [0.0]
    limiter = RateLimiter(parse_rates("sms=60, email=600"), clock=lambda: now[0])
    assert [limiter.take("sms") for _ in range(61)].count(True) == 60
    now[0] += 1.0  # a second: one more SMS
    assert limiter.take("sms") and not limiter.take("sms")
    assert all(limiter.take("webhook") for _ in range(1000))  # no limit set
    with pytest.raises(ValueError, match="NOTIFY_RATE_LIMITS"):
        parse_rates("sms=fast")
