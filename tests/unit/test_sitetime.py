"""Which day, month and year a moment counts in: the site's calendar, not UTC's."""
from datetime import date, datetime, timezone

import pytest

from safecommunity import sitetime


@pytest.fixture(autouse=True)
def shanghai():
    sitetime.configure({"SITE_TIMEZONE": "Asia/Shanghai"})
    yield
    sitetime.configure({})


def test_seven_in_the_morning_of_the_first_of_february_in_shanghai_is_a_february_case():
    moment = datetime.fromisoformat("2026-02-01T07:00:00+08:00")
    assert moment.astimezone(timezone.utc).month == 1
    assert sitetime.month_of(moment) == "2026-02"


def test_new_years_eve_in_utc_is_already_the_new_year_in_shanghai():
    assert sitetime.day_of(datetime(2026, 12, 31, 16, 30, tzinfo=timezone.utc)) == date(2027, 1, 1)


def test_a_naive_moment_is_taken_as_utc():
    assert sitetime.day_of(datetime(2026, 12, 31, 16, 30)) == date(2027, 1, 1)


def test_another_zone_counts_by_its_own_calendar():
    sitetime.configure({"SITE_TIMEZONE": "America/New_York"})
    assert sitetime.month_of(datetime.fromisoformat("2026-02-01T07:00:00+08:00")) == "2026-01"


def test_an_unknown_zone_stops_start_up_with_its_name():
    with pytest.raises(SystemExit, match="Mars/Olympus"):
        sitetime.configure({"SITE_TIMEZONE": "Mars/Olympus"})
