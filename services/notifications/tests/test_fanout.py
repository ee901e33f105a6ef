"""From an event to its notices and escalations, with the site's default rules and a directory in
memory: who is told, on which channels, and who is told next when nobody acknowledges."""
from datetime import date, datetime, timedelta, timezone

import pytest
import yaml

from services.notifications import rules
from services.notifications.fanout import Trigger, escalate, fan_out, fan_out_all
from services.notifications.subscriptions import Subscription
from services.notifications.templates import ESCALATED_MARK, samples

from .fakes import FakeDirectory

TODAY, NOW = date(2026, 12, 2), datetime(2026, 12, 2, 2, 0, tzinfo=timezone.utc)
RULES = rules.load()
INJURY = {**samples()["injury.reported"], "grid_code": "G1", "severity": "severe", "outcome": "admitted",
          "place": "home"}
MAJOR = {**samples()["hazard.reported"], "hazard_id": "h-1", "severity": "major", "grid_code": "G1", "unit_id": "U-7"}


def told(notices):
    return sorted((n.recipient, n.channel, n.status) for n in notices)


def no_addresses(pairs):
    return {}


def book(**addresses):
    """An address book of "recipient/channel" = address, answering as AddressBook.many does."""
    return lambda pairs: {(r, c): addresses[f"{r}/{c}"] for r, c in pairs if f"{r}/{c}" in addresses}


def tell(payload, directory, event_type="hazard.reported", subscriptions=RULES, addresses=no_addresses,
         office=(), day=TODAY):
    """(notices, escalations); digest lines are kept_for_digests' to look at."""
    return kept_for_digests(payload, directory, event_type, subscriptions, addresses, office, day)[:2]


def kept_for_digests(payload, directory, event_type="hazard.reported", subscriptions=RULES, addresses=no_addresses,
                     office=(), day=TODAY):
    return fan_out(Trigger("e-1", event_type, payload), subscriptions, directory, addresses, office, day, NOW)


def test_a_severe_injury_is_told_to_the_office_in_app_and_on_its_channels_and_to_its_staff():
    directory = FakeDirectory().appoint("p-office", "committee_office_staff", department_code="AJJ")
    notices, escalations = tell(INJURY, directory, "injury.reported", office=(("email", "office@example.org"),))
    assert told(notices) == [("committee-office", "email", "queued"), ("committee-office", "in_app", "delivered"),
                             ("person:p-office", "in_app", "delivered")]
    assert escalations == []
    assert [n.address for n in notices if n.channel == "email"] == ["office@example.org"]


def test_a_mild_injury_at_home_is_told_to_nobody():
    assert tell({**INJURY, "severity": "mild"}, FakeDirectory(), "injury.reported") == ([], [])


def test_a_grids_head_is_found_by_walking_up_and_yesterdays_head_is_not_told():
    directory = (FakeDirectory().appoint("p-old", "grid_head", "C1", term_to=TODAY - timedelta(days=1))
                 .appoint("p-new", "grid_head", "C1", term_from=TODAY).appoint("p-street", "grid_head", "S1"))
    notices, _ = tell(MAJOR, directory)  # G1 has no head: its community's is told, not the street's
    assert {n.recipient for n in notices if n.recipient.startswith("person:")} == {"person:p-new"}


def test_a_recipient_with_no_address_on_a_channel_is_logged_dead_with_the_reason_and_told_in_app():
    directory = FakeDirectory().appoint("p-1", "grid_head", "G1")
    notices, _ = tell(MAJOR, directory, addresses=book(**{"person:p-1/sms": "13800001234"}))
    mine = {n.channel: n for n in notices if n.recipient == "person:p-1"}
    assert (mine["sms"].status, mine["sms"].address, mine["in_app"].status) == ("queued", "13800001234", "delivered")
    assert mine["email"].status == "dead" and mine["email"].last_answer == "no email address for person:p-1"
    [(type_, data)] = mine["email"].collect_events()
    assert type_ == "notification.failed" and data["reason"] == "no email address for person:p-1"


def test_a_major_hazard_goes_to_the_work_safety_bureau_and_opens_an_escalation_above_the_grid_told():
    directory = FakeDirectory().appoint("p-1", "grid_head", "G1")
    directory.kinds = {"AJJ": "work_safety", "GAJ": "police"}
    notices, [escalation] = tell(MAJOR, directory)
    assert {n.recipient for n in notices} == {"person:p-1", "department:AJJ"}
    assert (escalation.rule, escalation.grid_code, escalation.step) == ("major-hazard-at-once", "G1", 0)
    assert escalation.next_at == NOW + timedelta(minutes=30)


def test_two_rules_naming_one_recipient_on_one_channel_tell_them_once():
    dying = {**INJURY, "outcome": "died"}  # severe, and a death: two rules, both to the office
    notices, _ = tell(dying, FakeDirectory(), "injury.reported")
    assert told(notices) == [("committee-office", "in_app", "delivered")]


def test_a_subscription_to_a_grid_covers_the_grids_below_it_and_no_other():
    directory = FakeDirectory({"G1": "C1", "G2": "C2", "C1": None, "C2": None})
    mine = Subscription.subscribe("person:p-9", "hazard.reported", ["email"], {"grid_code": "C1"})
    general = {**MAJOR, "severity": "general"}
    addresses = book(**{"person:p-9/email": "p9@example.org"})
    assert told(tell(general, directory, subscriptions=[mine], addresses=addresses)[0]) == [
        ("person:p-9", "email", "queued")]
    assert tell({**general, "grid_code": "G2"}, directory, subscriptions=[mine]) == ([], [])
    only_major = Subscription.subscribe("person:p-9", "hazard.reported", ["email"], {"severity": ["major"]})
    assert tell(general, directory, subscriptions=[only_major]) == ([], [])


def test_a_subscription_by_unit_type_hears_of_its_type_of_units_and_of_no_other_or_unknown_unit():
    directory = FakeDirectory()
    directory.unit_types.update({"U-7": "school", "U-8": "market"})
    schools = Subscription.subscribe("person:p-9", "hazard.reported", ["in_app"], {"unit_type": ["school"]})
    general = {**MAJOR, "severity": "general"}
    assert told(tell(general, directory, subscriptions=[schools])[0]) == [("person:p-9", "in_app", "delivered")]
    for other in ({**general, "unit_id": "U-8"}, {**general, "unit_id": "U-unknown"}, {**general, "unit_id": None}):
        assert tell(other, directory, subscriptions=[schools]) == ([], [])
    accident = {**samples()["accident.reported"], "unit_id": "U-7", "grid_code": "G1"}
    of_schools = Subscription.subscribe("person:p-9", "accident.reported", ["in_app"], {"unit_type": ["school"]})
    assert len(tell(accident, directory, "accident.reported", subscriptions=[of_schools])[0]) == 1


def test_a_hazards_later_steps_are_matched_by_the_type_of_the_unit_it_was_reported_against():
    directory = FakeDirectory()
    directory.unit_types["U-7"], directory.hazard_units["h-1"] = "school", "U-7"
    overdue = {**samples()["hazard.overdue"], "hazard_id": "h-1", "grid_code": "G1"}
    schools = Subscription.subscribe("person:p-9", "hazard.overdue", ["in_app"], {"unit_type": ["school"]})
    assert len(tell(overdue, directory, "hazard.overdue", subscriptions=[schools])[0]) == 1
    assert tell({**overdue, "hazard_id": "h-2"}, directory, "hazard.overdue", subscriptions=[schools]) == ([], [])


def test_an_unacknowledged_escalation_tells_each_level_up_until_the_district():
    directory = (FakeDirectory().appoint("p-grid", "grid_head", "G1").appoint("p-street", "grid_head", "S1")
                 .appoint("p-district", "grid_head", "D1"))
    _, [escalation] = tell(MAJOR, directory)
    trigger = Trigger("e-1", "hazard.reported", MAJOR)
    first = escalate(escalation, trigger, directory, no_addresses, TODAY, NOW)  # C1 has no head: S1's
    assert told(first) == [("person:p-street", "in_app", "delivered"), ("person:p-street", "sms", "dead")]
    assert all(n.body.startswith(ESCALATED_MARK) for n in first)
    [(type_, data)] = escalation.collect_events()
    assert (type_, data["step"], data["grid_code"], data["recipients"]) == (
        "notification.escalated", 1, "S1", ["person:p-street"])
    assert escalation.status == "open" and escalation.next_at == NOW + timedelta(minutes=60)
    second = escalate(escalation, trigger, directory, no_addresses, TODAY, NOW)
    assert {n.recipient for n in second} == {"person:p-district"}
    assert escalation.status == "exhausted" and escalation.next_at is None  # the district has no parent


def test_an_acknowledged_escalation_is_closed():
    _, [escalation] = tell(MAJOR, FakeDirectory().appoint("p-grid", "grid_head", "G1"))
    escalation.acknowledge(NOW)
    assert (escalation.status, escalation.next_at, escalation.closed_at) == ("acknowledged", None, NOW)


def test_a_rectification_notice_goes_to_the_unit_the_hazard_was_reported_against():
    directory = FakeDirectory()
    directory.hazard_units["h-1"] = "U-7"
    notified = {**samples()["hazard.notified"], "hazard_id": "h-1", "grid_code": "G1"}
    notices, [escalation] = tell(notified, directory, "hazard.notified")
    assert {n.recipient for n in notices} == {"unit:U-7"}
    assert escalation.grid_code is None  # nobody in a grid told yet: the escalation starts at G1


@pytest.mark.parametrize("rule, reason", [
    ({"event": "hazard.nothing"}, "event"),
    ({"to": [{"role": "grid_head", "department": "X"}]}, "to"),
    ({"to": [{"mayor": "x"}]}, "to"),
    ({"when": {"mood": ["calm"]}}, "when"),
    ({"channels": ["pager"]}, "channels"),
    ({"escalation": {"after_minutes": [30], "channels": ["sms"]}}, "escalation"),
    ({"asks_action": True, "escalation": {"after_minutes": [0], "channels": ["sms"]}}, "after_minutes"),
])
def test_a_site_rule_that_does_not_check_stops_the_start_naming_the_rule_and_field(tmp_path, rule, reason):
    good = {"name": "mine", "event": "hazard.reported", "to": [{"role": "grid_head"}], "channels": ["sms"]}
    path = tmp_path / "rules.yaml"
    path.write_text(yaml.safe_dump([{**good, **rule}], allow_unicode=True), encoding="utf-8")
    with pytest.raises(rules.RulesRefused, match=f"rule mine: .*{reason}"):
        rules.load(path)


def test_two_site_rules_with_one_name_are_refused(tmp_path):
    good = {"name": "mine", "event": "hazard.reported", "to": [{"role": "grid_head"}], "channels": ["sms"]}
    path = tmp_path / "rules.yaml"
    path.write_text(yaml.safe_dump([good, good]), encoding="utf-8")
    with pytest.raises(rules.RulesRefused, match="share a name"):
        rules.load(path)


def test_a_daily_subscription_keeps_a_line_for_the_digest_instead_of_telling_at_once():
    daily = Subscription.subscribe("person:p-9", "hazard.reported", ["sms", "email"], {"grid_code": "C1"},
                                   frequency="daily", hour=8)
    notices, escalations, lines = kept_for_digests({**MAJOR, "severity": "general"}, FakeDirectory(),
                                                   subscriptions=[daily])
    assert (notices, escalations) == ([], [])
    assert sorted((line.recipient, line.channel, line.schedule.hour) for line in lines) == [
        ("person:p-9", "email", 8), ("person:p-9", "sms", 8)]
    assert lines[0].line == "一般隐患（燃气）：G1" and lines[0].event_id == "e-1"


def test_a_batch_of_events_asks_the_address_book_once_for_every_recipient_it_tells():
    directory = FakeDirectory({"G1": "C1", "G2": "C1", "C1": None}).appoint("p-1", "grid_head", "G1")
    directory.appoint("p-2", "grid_head", "G2")
    asked, known = [], book(**{"person:p-1/sms": "13800001234", "person:p-2/sms": "13900005678"})

    def addresses(pairs):
        asked.append(sorted(pairs))
        return known(pairs)
    told_ = [(Trigger(f"e-{grid}", "hazard.reported", {**MAJOR, "grid_code": grid}), RULES) for grid in ("G1", "G2")]
    notices, escalations, _ = fan_out_all(told_, directory, addresses, (), TODAY, NOW)
    assert asked == [[("person:p-1", "email"), ("person:p-1", "sms"), ("person:p-2", "email"), ("person:p-2", "sms")]]
    assert sorted((n.trigger_event_id, n.address) for n in notices if n.status == "queued") == [
        ("e-G1", "13800001234"), ("e-G2", "13900005678")]
    assert sorted(e.trigger_event_id for e in escalations) == ["e-G1", "e-G2"]
