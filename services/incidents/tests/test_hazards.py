"""The hazard state machine, its deadlines from the policy, overdue and reminders. No I/O."""
from datetime import datetime, timedelta, timezone

import pytest

from safecommunity.errors import FieldInvalid, IllegalTransition
from services.incidents.domain import OPEN, TRANSITIONS, Hazard
from services.incidents.policy import HazardPolicy, PolicyInvalid

NOW = datetime(2026, 11, 1, 8, 0, tzinfo=timezone.utc)
POLICY = HazardPolicy()


def report(severity="general", category="fire", **overrides):
    fields = {"source": "grid-app", "found_by": "patrol", "category": category, "severity": severity,
              "description": "blocked fire exit", "reported_by": "inspector wang", "grid_code": "G1",
              "responsible_party": "Lotus Mall", **overrides}
    return Hazard.report(POLICY, at=NOW, **fields)


def types(hazard):
    return [type_ for type_, _ in hazard.collect_events()]


def rectified(hazard):
    hazard.notify("wang", at=NOW)
    hazard.start_rectification("mall", at=NOW)
    hazard.attachment_ids = {"photo-1"}
    hazard.rectify("mall", evidence=["photo-1"], at=NOW + timedelta(hours=1))
    return hazard


def test_a_hazard_goes_from_reported_to_closed_and_keeps_every_step():
    hazard = rectified(report())
    hazard.verify("wang", passed=True, at=NOW + timedelta(hours=2))
    hazard.close("wang", reason="checked on site", at=NOW + timedelta(hours=3))
    assert hazard.status == "closed" and hazard.on_time
    assert types(hazard) == ["hazard.reported", "hazard.notified", "hazard.rectified", "hazard.verified",
                             "hazard.closed"]
    steps = hazard.collect_history()
    assert [(s.action, s.from_status, s.to_status) for s in steps] == [
        ("report", None, "reported"), ("notify", "reported", "notified"),
        ("start_rectification", "notified", "rectifying"), ("rectify", "rectifying", "rectified"),
        ("verify", "rectified", "verified"), ("close", "verified", "closed")]
    assert steps[3].evidence == ("photo-1",) and steps[5].reason == "checked on site"


def test_the_deadline_comes_from_the_policy_by_category_and_severity():
    assert report("general", "fire").deadline == NOW + timedelta(hours=72)
    assert report("major", "gas").deadline == NOW + timedelta(hours=4)
    assert report("general", "food").deadline == NOW + timedelta(hours=168)  # the default row


def test_a_major_hazard_is_escalated_at_once():
    hazard = report("major")
    events = hazard.collect_events()
    assert [t for t, _ in events] == ["hazard.reported", "hazard.escalated"]
    assert events[1][1]["to_department"] == "district-work-safety" and events[1][1]["automatic"] is True
    assert hazard.escalation_level == 1 and hazard.status == "reported"


def test_failed_verification_reopens_with_a_reason():
    hazard = rectified(report())
    with pytest.raises(FieldInvalid):
        hazard.verify("wang", passed=False)
    hazard.verify("wang", passed=False, reason="exit still blocked")
    assert hazard.status == "rectifying" and hazard.rectified_at is None
    assert types(hazard)[-1] == "hazard.reopened"


def test_rectified_needs_evidence_of_this_hazard():
    hazard = report()
    hazard.notify("wang")
    hazard.start_rectification("mall")
    with pytest.raises(FieldInvalid):
        hazard.rectify("mall", evidence=[])
    with pytest.raises(FieldInvalid):
        hazard.rectify("mall", evidence=["someone-elses-photo"])
    assert hazard.status == "rectifying"


@pytest.mark.parametrize("action", sorted(set(TRANSITIONS) - {"escalate", "reopen"}))
@pytest.mark.parametrize("status", OPEN + ("closed",))
def test_each_action_is_allowed_only_from_its_states(action, status):
    hazard = report()
    hazard.status, hazard.attachment_ids = status, {"p"}
    kwargs = {"rectify": {"evidence": ["p"]}, "verify": {"passed": True}}.get(action, {})
    if status in TRANSITIONS[action][0]:
        getattr(hazard, action)("someone", **kwargs)
        assert hazard.status == TRANSITIONS[action][1]
    else:
        with pytest.raises(IllegalTransition):
            getattr(hazard, action)("someone", **kwargs)
        assert hazard.status == status


def test_a_closed_hazard_cannot_be_escalated_but_any_open_one_can():
    hazard = report()
    hazard.escalate("district-fire", "wang", "the community cannot handle it")
    assert hazard.escalated_to == "district-fire" and hazard.escalation_level == 1
    hazard.status = "closed"
    with pytest.raises(IllegalTransition):
        hazard.escalate("city", "wang", "again")
    assert hazard.escalation_level == 1


def test_overdue_is_raised_once_and_only_before_rectification():
    hazard = report()
    hazard.collect_events()
    assert not hazard.mark_overdue(hazard.deadline - timedelta(seconds=1))
    assert hazard.mark_overdue(hazard.deadline + timedelta(seconds=1))
    assert not hazard.mark_overdue(hazard.deadline + timedelta(hours=5))
    assert types(hazard) == ["hazard.overdue"]
    done = rectified(report())
    assert not done.mark_overdue(done.deadline + timedelta(hours=1))


def test_reminders_follow_the_policy_and_stop_once_rectified():
    hazard = report()
    assert hazard.next_reminder_at == hazard.deadline - timedelta(hours=24)
    assert hazard.remind(NOW, POLICY.next_reminder(NOW)) and hazard.next_reminder_at == NOW + timedelta(hours=24)
    rectified(hazard)
    assert hazard.next_reminder_at is None and not hazard.remind(NOW, NOW)


def test_a_policy_file_is_checked():
    policy = HazardPolicy.from_dict({"deadline_hours": {"default": {"general": 1, "major": 0.5}}})
    assert policy.deadline_after("fire", "major") == timedelta(minutes=30)
    for bad in ({"deadline_hours": {"fire": {"major": 1}}}, {"deadline_hours": {"default": {"general": -1,
                                                                                            "major": 1}}},
                {"remind_every_hours": 0}, {"surprise": 1}):
        with pytest.raises(PolicyInvalid):
            HazardPolicy.from_dict(bad)


def test_no_hazard_event_carries_the_reporter_or_the_description():
    for _, data in report("major").collect_events():
        assert "reported_by" not in data and "description" not in data
