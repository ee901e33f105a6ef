"""Input bounds and checks: times as UTC instants (no offset: the site's clock), valid text on every
channel, AMQP bodies read strictly, CSV rows made cards. No I/O."""
from datetime import datetime, timedelta, timezone

import pytest
from marshmallow import ValidationError

from safecommunity import sitetime
from services.incidents.amqp_intake import read_message
from services.incidents.checks import printable, text_errors
from services.incidents.csvfile import EXTRA, card_from_row, zone_of
from services.incidents.schemas import AccidentQuerySchema, ReportAccidentSchema

ACCIDENT = {"source": "traffic-police", "external_id": "T-1", "kind": "traffic", "deaths": 0, "injuries": 1}
AT = datetime(2026, 11, 20, 0, 10, tzinfo=timezone.utc)


def occurred(value):
    return ReportAccidentSchema().load({**ACCIDENT, "occurred_at": value})["occurred_at"]


@pytest.fixture
def site_in_new_york():
    sitetime.configure({"SITE_TIMEZONE": "America/New_York"})
    yield
    sitetime.configure({})


def test_a_time_with_an_offset_is_kept_as_that_instant_in_utc():
    for written in ("2026-11-20T08:10:00+08:00", "2026-11-20T00:10:00Z", "2026-11-19T19:10:00-05:00"):
        moment = occurred(written)
        assert moment == AT and moment.utcoffset() == timedelta(0), written


def test_a_time_without_an_offset_is_read_on_the_site_clock(site_in_new_york):
    assert occurred("2026-11-19T19:10:00") == AT  # 19:10 in New York, winter
    sitetime.configure({})
    assert occurred("2026-11-20T08:10:00") == AT  # Asia/Shanghai, the default


@pytest.mark.parametrize("written", ["0001-01-01T00:00:00+01:00", "9999-12-31T23:59:59-23:59", "1899-12-31T23:00:00Z",
                                     "2200-01-01T00:00:00"])
def test_a_time_far_outside_the_years_a_record_can_name_is_refused_not_overflowed(written):
    with pytest.raises(ValidationError) as refused:
        occurred(written)
    assert refused.value.messages == {"occurred_at": ["must be a time in the years 1900 to 2199"]}


def test_query_times_and_texts_have_bounds_too():
    with pytest.raises(ValidationError) as refused:
        AccidentQuerySchema().load({"since": "0001-01-01T00:00:00+01:00", "grid_code": "G" * 41, "unit_id": "\x00"})
    assert set(refused.value.messages) == {"since", "grid_code", "unit_id"}


def test_text_errors_name_each_field_whose_text_is_not_text():
    assert text_errors({"a": "fine", "b": 3, "c": None}) == {}
    assert text_errors({"a": "fine", "b": "x\x00"}) == {"b": ["contains a NUL character"]}
    assert text_errors({"k\x01": "v"}) == {"_schema": ["a field name contains the control character U+0001"]}
    assert text_errors({"list": ["ok", "\ud800"]}) == {"list.1": ["contains a lone surrogate (not Unicode text)"]}
    assert text_errors("\x00") == {"_schema": ["contains a NUL character"]}
    assert printable("dept\x00", 60) is None and printable("d" * 100, 60) == "d" * 60 and printable(None, 9) is None


def test_an_amqp_body_is_read_strictly():
    assert read_message("intake.h.injury", b"[" * 1000 + b"]" * 1000).problem == \
        "not JSON: nests objects and arrays deeper than 32"
    assert read_message("intake.h.injury", b'{"a": "\xff"}').problem.startswith("not JSON: not UTF-8")
    assert read_message("intake.h.injury", '{"a": 1}'.encode("utf-16")).problem.startswith("not JSON")
    assert read_message("intake.h.injury", b'{"a": "\\u0000"}').card == {"a": "\x00"}  # refused by the intake


def test_a_csv_row_keeps_signed_ages_and_names_columns_past_the_header():
    zone = zone_of("+08:00")
    card = card_from_row({"age": "-5", "sex": "female", EXTRA: ["x", "y"]}, "h", zone)
    assert card == {"age": -5, "sex": "female", EXTRA: "x,y", "source": "h"}
    assert card_from_row({"age": "1" * 40}, "h", zone)["age"] == "1" * 40  # left for the schema to refuse
    assert zone_of(None) is sitetime.zone() and str(zone_of("Asia/Shanghai")) == "Asia/Shanghai"
