"""A notice that reached its recipient is acknowledged once, with the time it took; the caller is
kept in the delivery log (and in the envelope's actor, as for every write), not in the payload."""
from datetime import datetime, timedelta, timezone

import pytest

from safecommunity.errors import IllegalTransition
from services.notifications.domain import Notification

NOW = datetime(2026, 12, 2, 8, 0, tzinfo=timezone.utc)


def in_app():
    notice = Notification.deliver_in_app("e-1", "committee-office", "重度伤害", "正文")
    notice.sent_at = NOW - timedelta(minutes=12)
    notice.collect_events()
    return notice


def test_a_delivered_notice_is_acknowledged_once_with_the_minutes_it_took_and_no_caller_in_the_payload():
    notice = in_app()
    notice.acknowledge("li.office", NOW)
    assert (notice.acknowledged_at, notice.acknowledged_by) == (NOW, "li.office")
    [(type_, data)] = notice.collect_events()
    assert type_ == "notification.acknowledged" and data["seconds_after_sent"] == 720.0
    assert "li.office" not in str(data)
    with pytest.raises(IllegalTransition, match="was acknowledged"):
        notice.acknowledge("wang.office", NOW + timedelta(minutes=1))
    assert notice.acknowledged_by == "li.office" and notice.collect_events() == []


def test_a_notice_still_queued_or_dead_cannot_be_acknowledged():
    queued = Notification.queue("e-1", "sms", "committee-office", "13800001234", "", "正文")
    with pytest.raises(IllegalTransition, match="queued"):
        queued.acknowledge("li.office", NOW)
    assert queued.acknowledged_at is None and queued.collect_events() == []


def test_an_in_app_notice_is_read_once_and_a_sent_email_is_not_read_here():
    notice = Notification.deliver_in_app("e-1", "person:p-1", "主题", "正文")
    first, later = notice.created_at, notice.created_at + timedelta(hours=1)
    notice.read(first)
    notice.read(later)
    assert notice.read_at == first
    mail = Notification.queue("e-1", "email", "person:p-1", "p1@example.org", "主题", "正文")
    with pytest.raises(IllegalTransition):
        mail.read(later)
