"""The site's time zone: which day, month and year a moment counts in.

Times arrive as instants (an offset, or UTC) and are stored as instants; a district counts them by
its own calendar. A case at 2026-02-01 07:00 +08:00 (31 January 23:00 UTC) is a February case in
Shanghai. The zone is the SITE_TIMEZONE setting, default Asia/Shanghai, set once per process by
`configure` (the runner and the CLI call it; tests may too).
"""
from datetime import date, datetime, timezone
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

DEFAULT_ZONE = "Asia/Shanghai"
_zone = ZoneInfo(DEFAULT_ZONE)


def configure(config):
    """Take SITE_TIMEZONE from the config; an unknown zone name stops start-up with a clear message."""
    global _zone
    _zone = zone_named(config.get("SITE_TIMEZONE") or DEFAULT_ZONE)
    return _zone


def zone_named(name):
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        raise SystemExit(f"SITE_TIMEZONE {name!r} is not a time zone name (e.g. Asia/Shanghai)") from None


def zone():
    return _zone


def local(moment):
    """The moment on the site's clock; a naive moment is taken as UTC (what SQLite hands back)."""
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=timezone.utc)
    return moment.astimezone(_zone)


def day_of(moment):
    """The site's calendar day a moment falls on (a date stays as it is)."""
    return moment if type(moment) is date else local(moment).date()


def month_of(moment):
    """'YYYY-MM' of the site's calendar month a moment (or date) falls in."""
    return day_of(moment).strftime("%Y-%m")


def today():
    return datetime.now(_zone).date()


def now():
    return datetime.now(_zone)
