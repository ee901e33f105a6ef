"""The meteorology department's warning as posted (warnings.py): the code lists and the strict schema."""
from datetime import timedelta

import pytest
from marshmallow import ValidationError

from services.notifications import warnings as w

POSTED = {"kind": "typhoon", "colour": "orange", "headline": "区气象台发布台风橙色预警信号",
          "description": "受台风影响，预计12小时内平均风力可达10级以上。",
          "effective": "2026-08-10T14:00:00+08:00", "expires": "2026-08-11T14:00:00+08:00",
          "grids": ["G001", "G002"]}


def load(**changes):
    return w.WeatherWarningSchema().load({**POSTED, **changes})


def refused(**changes):
    with pytest.raises(ValidationError) as error:
        load(**changes)
    return error.value.messages


def test_a_posted_warning_loads_as_an_actual_alert_with_its_offsets_kept():
    warning = load()
    assert isinstance(warning, w.WeatherWarning)
    assert (warning.status, warning.msg_type, warning.references) == ("Actual", "Alert", ())
    assert warning.effective.utcoffset() == timedelta(hours=8)
    assert warning.effective.isoformat() == "2026-08-10T14:00:00+08:00"
    assert warning.grids == ("G001", "G002")


def test_a_grid_named_twice_is_affected_once():
    assert load(grids=["G001", "G002", "G001"]).grids == ("G001", "G002")


def test_an_unknown_field_is_refused_naming_it():
    assert set(refused(severity="Extreme")) == {"severity"}


def test_kind_colour_status_and_message_type_come_from_their_code_lists():
    assert set(refused(kind="tornado", colour="purple", status="Live", msg_type="Ack")) == {
        "kind", "colour", "status", "msg_type"}
    assert load(status="Exercise").status == "Exercise"


def test_kind_colour_headline_description_times_and_grids_are_required():
    with pytest.raises(ValidationError) as error:
        w.WeatherWarningSchema().load({})
    assert set(error.value.messages) == {"kind", "colour", "headline", "description", "effective", "expires", "grids"}


def test_a_time_without_an_offset_is_refused_naming_the_field():
    assert set(refused(effective="2026-08-10T14:00:00", expires="not a time")) == {"effective", "expires"}
    assert "offset" in refused(effective="2026-08-10T14:00:00")["effective"][0]


def test_an_offset_with_seconds_or_a_year_out_of_range_is_refused():
    assert set(refused(effective="2026-08-10T14:00:00+08:00:30")) == {"effective"}
    assert set(refused(expires="2300-01-01T00:00:00+08:00")) == {"expires"}


def test_a_warning_must_expire_after_it_takes_effect():
    assert refused(expires="2026-08-10T14:00:00+08:00") == {"expires": ["must be after effective"]}
    assert refused(expires="2026-08-10T05:00:00+00:00") == {"expires": ["must be after effective"]}  # 13:00 CST


def test_a_warning_names_at_least_one_grid_and_at_most_two_thousand():
    assert set(refused(grids=[])) == {"grids"}
    assert set(refused(grids=[f"G{n}" for n in range(2001)])) == {"grids"}
    assert len(load(grids=[f"G{n}" for n in range(2000)]).grids) == 2000
    assert set(refused(grids=["G 1"])) == {"grids"}


@pytest.mark.parametrize("msg_type", ["Update", "Cancel"])
def test_an_update_or_a_cancel_must_name_the_earlier_alerts(msg_type):
    assert set(refused(msg_type=msg_type)) == {"references"}
    warning = load(msg_type=msg_type, references=["0190c6b2-7c00-7000-8000-000000000001"])
    assert warning.references == ("0190c6b2-7c00-7000-8000-000000000001",)


def test_a_new_alert_refers_to_nothing_and_a_reference_is_a_cap_identifier():
    assert set(refused(references=["earlier"])) == {"references"}
    assert set(refused(msg_type="Cancel", references=["a,b"])) == {"references"}
    assert set(refused(msg_type="Cancel", references=["a b"])) == {"references"}


def test_text_is_bounded_and_valid_text_that_xml_can_hold():
    assert set(refused(headline="预" * 161, description="\x00", instruction="\ufffe")) == {
        "headline", "description", "instruction"}
    assert set(refused(headline="")) == {"headline"}


def test_english_text_needs_an_english_headline_and_description():
    assert set(refused(description_en="Gale force 10 expected.")) == {"headline_en"}
    assert set(refused(headline_en="Typhoon orange warning")) == {"description_en"}
    warning = load(headline_en="Typhoon orange warning", description_en="Gale force 10 expected.")
    assert (warning.headline_en, warning.instruction_en) == ("Typhoon orange warning", None)


def test_the_kinds_are_the_fourteen_of_the_national_list_each_labelled_in_chinese_and_english():
    assert {label.zh for label in w.KINDS.values()} == {"台风", "暴雨", "暴雪", "寒潮", "大风", "沙尘暴", "高温",
                                                      "干旱", "雷电", "冰雹", "霜冻", "大雾", "霾", "道路结冰"}
    for labels in (w.KINDS, w.COLOURS, w.STATUSES, w.MESSAGE_TYPES):
        assert all(label.zh and label.en and label.zh != label.en for label in labels.values())


def test_a_signal_is_named_by_its_kind_and_colour_in_both_languages():
    assert w.signal_name("rainstorm", "blue") == ("暴雨蓝色预警信号", "Rainstorm blue warning signal")
