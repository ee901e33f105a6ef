from services.notifications.domain import COMMITTEE_OFFICE, notices_for_injury

INJURY = {"case_id": "c-1", "source": "h1", "grid_code": "G1", "cause": "fall", "severity": "severe",
          "outcome": "admitted", "injury_time": "2026-11-01T10:00:00+00:00"}


def test_a_severe_injury_is_told_to_the_committee_office_in_app():
    [notice] = notices_for_injury("e-1", INJURY)
    assert (notice.recipient, notice.channel, notice.trigger_event_id) == (COMMITTEE_OFFICE, "in_app", "e-1")
    assert "G1" in notice.subject and "c-1" in notice.body
    [(type_, data)] = notice.collect_events()
    assert type_ == "notification.sent" and data["notification_id"] == notice.id


def test_a_mild_or_moderate_injury_is_not_notified():
    assert notices_for_injury("e-1", {**INJURY, "severity": "mild"}) == []
    assert notices_for_injury("e-1", {**INJURY, "severity": "moderate"}) == []
