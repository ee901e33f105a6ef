"""CAP 1.2 alerts and their Atom feed (cap.py).

CAP-v1.2.xsd beside this file is the OASIS CAP 1.2 XML Schema, "Copyright OASIS Open 2010", published
at http://docs.oasis-open.org/emergency/cap/v1.2/CAP-v1.2.xsd (namespace
urn:oasis:names:tc:emergency:cap:1.2). There was no network here: it was taken from a public
repository's copy of that schema, which has the OASIS schema's elements, types, order and value
lists but is re-indented (two spaces, a few attributes wrapped); it is kept as found. OASIS's notice
permits copying the schema with its copyright line, which the file keeps.
"""
from datetime import datetime, timedelta, timezone
from functools import cache
from pathlib import Path

import pytest
from lxml import etree

from services.notifications.cap import Sender, alert_identifier, to_alert, to_atom, to_cap_xml
from services.notifications.warnings import COLOURS, KINDS, WeatherWarningSchema

NS = {"cap": "urn:oasis:names:tc:emergency:cap:1.2", "atom": "http://www.w3.org/2005/Atom"}
CST = timezone(timedelta(hours=8))
SENT = datetime(2026, 7, 1, 8, 0, tzinfo=CST)
SENDER = Sender("weather@district.example", "某区气象局", "District Meteorological Bureau")
GRIDS = {"G001": "东湖社区第一网格", "G002": "西山社区第二网格"}


@cache
def cap_schema():
    return etree.XMLSchema(etree.parse(str(Path(__file__).with_name("CAP-v1.2.xsd"))))


def warning(**changes):
    posted = {"kind": "rainstorm", "colour": "yellow", "headline": "区气象台发布暴雨黄色预警信号",
              "description": "预计未来6小时内本区降雨量将达50毫米以上。", "instruction": "注意防范，避免外出。",
              "headline_en": "Rainstorm yellow warning", "description_en": "50 mm of rain expected within 6 hours.",
              "effective": "2026-07-01T08:00:00+08:00", "expires": "2026-07-01T20:00:00+08:00",
              "grids": ["G001", "G002", "G003"]}
    return WeatherWarningSchema().load({**posted, **changes})


def alert(sent=SENT, **changes):
    return to_alert(warning(**changes), SENDER, sent, GRIDS)


def valid_document(xml):
    document = etree.fromstring(xml)
    cap_schema().assertValid(document)
    return document


def text_of(document, path):
    return [element.text for element in document.xpath(path, namespaces=NS)]


def test_an_alert_in_chinese_and_english_validates_against_the_official_cap_1_2_schema():
    document = valid_document(to_cap_xml(alert()))
    assert text_of(document, "cap:scope") == ["Public"]
    assert text_of(document, "cap:info/cap:language") == ["zh-CN", "en-US"]
    assert text_of(document, "cap:info/cap:category") == ["Met", "Met"]
    assert text_of(document, "cap:info/cap:event") == ["暴雨", "Rainstorm"]
    assert text_of(document, "cap:info/cap:senderName") == ["某区气象局", "District Meteorological Bureau"]


def test_a_warning_in_chinese_only_is_one_zh_cn_info():
    document = valid_document(to_cap_xml(alert(headline_en=None, description_en=None)))
    assert text_of(document, "cap:info/cap:language") == ["zh-CN"]
    assert text_of(document, "cap:info/cap:instruction") == ["注意防范，避免外出。"]


@pytest.mark.parametrize("kind", KINDS)
@pytest.mark.parametrize("colour", COLOURS)
def test_every_kind_in_every_colour_makes_a_valid_alert(kind, colour):
    valid_document(to_cap_xml(alert(kind=kind, colour=colour)))


@pytest.mark.parametrize(("colour", "severity", "urgency"), [
    ("blue", "Minor", "Future"), ("yellow", "Moderate", "Expected"),
    ("orange", "Severe", "Immediate"), ("red", "Extreme", "Immediate")])
def test_the_colour_sets_severity_and_urgency_and_a_signal_is_likely(colour, severity, urgency):
    document = valid_document(to_cap_xml(alert(colour=colour)))
    assert set(text_of(document, "cap:info/cap:severity")) == {severity}
    assert set(text_of(document, "cap:info/cap:urgency")) == {urgency}
    assert set(text_of(document, "cap:info/cap:certainty")) == {"Likely"}
    assert set(text_of(document, "cap:info/cap:eventCode/cap:value")) == {f"rainstorm.{colour}"}


def test_chinese_text_round_trips_through_the_utf8_document():
    xml = to_cap_xml(alert(headline="台风红色预警：请立即转移至避难场所", description="风力可达12级以上，阵风14级。"))
    assert xml.startswith(b"<?xml version='1.0' encoding='utf-8'?>")
    assert "台风红色预警".encode() in xml
    document = valid_document(xml)
    assert text_of(document, "cap:info[1]/cap:headline") == ["台风红色预警：请立即转移至避难场所"]
    assert text_of(document, "cap:info[1]/cap:description") == ["风力可达12级以上，阵风14级。"]


def test_xml_special_characters_in_a_headline_are_escaped_and_read_back_unchanged():
    headline = 'A & B <b>"bold"</b> \'x\' ]]> &amp;'
    xml = to_cap_xml(alert(headline=headline, headline_en=headline))
    assert b"<b>" not in xml and b"&lt;b&gt;" in xml and b"&amp;amp;" in xml
    assert text_of(valid_document(xml), "cap:info/cap:headline") == [headline, headline]


def test_times_keep_their_plus_eight_offset_in_whole_seconds():
    document = valid_document(to_cap_xml(alert(sent=datetime(2026, 7, 1, 8, 0, 5, 123456, tzinfo=CST))))
    assert text_of(document, "cap:sent") == ["2026-07-01T08:00:05+08:00"]
    assert set(text_of(document, "cap:info/cap:effective")) == {"2026-07-01T08:00:00+08:00"}
    assert set(text_of(document, "cap:info/cap:expires")) == {"2026-07-01T20:00:00+08:00"}


def test_a_time_in_utc_is_written_plus_zero_not_z_and_a_time_without_offset_is_refused():
    document = valid_document(to_cap_xml(alert(sent=datetime(2026, 7, 1, 0, 0, tzinfo=timezone.utc))))
    assert text_of(document, "cap:sent") == ["2026-07-01T00:00:00+00:00"]
    with pytest.raises(ValueError):
        alert(sent=datetime(2026, 7, 1, 8, 0))


def test_a_cancel_references_the_alert_it_cancels_as_sender_identifier_sent():
    original = alert()
    cancel = to_alert(warning(msg_type="Cancel", references=[original.identifier], headline="解除暴雨黄色预警信号"),
                      SENDER, SENT + timedelta(hours=3), GRIDS, references=[original.reference])
    document = valid_document(to_cap_xml(cancel))
    assert text_of(document, "cap:msgType") == ["Cancel"]
    assert text_of(document, "cap:references") == [f"weather@district.example,{original.identifier},"
                                                    "2026-07-01T08:00:00+08:00"]
    assert cancel.identifier != original.identifier


def test_an_update_of_two_alerts_names_both_space_separated():
    first, second = alert(), alert(sent=SENT + timedelta(minutes=30))
    update = to_alert(warning(msg_type="Update", references=[first.identifier, second.identifier]),
                      SENDER, SENT + timedelta(hours=1), GRIDS, references=[first.reference, second.reference])
    references = text_of(valid_document(to_cap_xml(update)), "cap:references")[0].split(" ")
    assert [reference.split(",")[1] for reference in references] == [first.identifier, second.identifier]


def test_an_update_is_refused_unless_it_is_given_the_alerts_its_warning_names():
    update = warning(msg_type="Update", references=["earlier-alert"])
    with pytest.raises(ValueError):
        to_alert(update, SENDER, SENT, GRIDS)
    with pytest.raises(ValueError):
        to_alert(update, SENDER, SENT, GRIDS, references=[alert().reference])


def test_an_exercise_stays_an_exercise():
    exercise = alert(status="Exercise")
    assert exercise.status == "Exercise"
    assert text_of(valid_document(to_cap_xml(exercise)), "cap:status") == ["Exercise"]


def test_the_identifier_is_stable_for_the_same_warning_and_another_for_any_other():
    assert alert().identifier == alert().identifier == alert_identifier(SENDER, SENT, warning())
    others = {alert(sent=SENT + timedelta(seconds=1)).identifier, alert(grids=["G001"]).identifier,
              alert(colour="red").identifier, alert().identifier}
    assert len(others) == 4
    assert not set(alert().identifier) & set(" ,<&")
    assert to_alert(warning(), SENDER, SENT, identifier="kept-from-storage").identifier == "kept-from-storage"


def test_a_sender_or_identifier_with_a_space_comma_lt_or_amp_is_refused():
    with pytest.raises(ValueError):
        to_alert(warning(), Sender("weather, district"), SENT)
    with pytest.raises(ValueError):
        to_alert(warning(), SENDER, SENT, identifier="a&b")


def test_the_area_names_each_grid_or_its_code_and_has_a_geocode_per_grid():
    document = valid_document(to_cap_xml(alert()))
    assert text_of(document, "cap:info/cap:area/cap:areaDesc") == [
        "东湖社区第一网格、西山社区第二网格、G003", "东湖社区第一网格, 西山社区第二网格, G003"]
    assert set(text_of(document, "cap:info/cap:area/cap:geocode/cap:valueName")) == {"SafeCommunityGrid"}
    assert text_of(document, "cap:info[1]/cap:area/cap:geocode/cap:value") == ["G001", "G002", "G003"]


def test_a_character_xml_cannot_hold_is_refused_not_written():
    with pytest.raises(ValueError):
        to_cap_xml(to_alert(warning(), SENDER, SENT, {"G001": "东湖\ufffe"}))


def test_the_official_schema_refuses_what_cap_refuses_so_passing_it_means_something():
    document = etree.fromstring(to_cap_xml(alert()))
    document.find("cap:sent", NS).text = "2026-07-01T08:00:00Z"
    assert not cap_schema().validate(document)
    document.find("cap:sent", NS).text = "2026-07-01T08:00:00+08:00"
    document.remove(document.find("cap:scope", NS))
    assert not cap_schema().validate(document)


def feed(alerts, **kwargs):
    xml = to_atom(alerts, "urn:uuid:0190c6b2-7c00-7000-8000-000000000001", "气象预警 Weather warnings",
                  "https://safe.district.example/api/notifications/alerts.atom",
                  lambda alert: f"https://safe.district.example/api/notifications/alerts/{alert.identifier}.xml",
                  **kwargs)
    return etree.fromstring(xml)


def test_the_atom_feed_has_its_id_title_updated_and_self_link():
    document = feed([alert(), alert(sent=SENT + timedelta(hours=2))])
    assert document.tag == "{http://www.w3.org/2005/Atom}feed"
    assert text_of(document, "atom:id") == ["urn:uuid:0190c6b2-7c00-7000-8000-000000000001"]
    assert text_of(document, "atom:title") == ["气象预警 Weather warnings"]
    assert text_of(document, "atom:updated") == ["2026-07-01T10:00:00+08:00"]
    assert document.xpath("atom:link[@rel='self']/@href", namespaces=NS) == [
        "https://safe.district.example/api/notifications/alerts.atom"]


def test_each_entry_has_an_id_title_updated_author_and_a_link_to_its_cap_document_newest_first():
    older, newer = alert(), alert(sent=SENT + timedelta(hours=2))
    entries = feed([older, newer]).xpath("atom:entry", namespaces=NS)
    assert [text_of(entry, "atom:updated")[0] for entry in entries] == [
        "2026-07-01T10:00:00+08:00", "2026-07-01T08:00:00+08:00"]
    for entry, shown in zip(entries, [newer, older], strict=True):
        url = f"https://safe.district.example/api/notifications/alerts/{shown.identifier}.xml"
        assert text_of(entry, "atom:id") == [url]
        assert text_of(entry, "atom:title") == ["区气象台发布暴雨黄色预警信号 / Rainstorm yellow warning"]
        assert text_of(entry, "atom:author/atom:name") == ["某区气象局 District Meteorological Bureau"]
        link = entry.xpath("atom:link[@rel='alternate']", namespaces=NS)[0]
        assert (link.get("type"), link.get("href")) == ("application/cap+xml", url)
        datetime.fromisoformat(text_of(entry, "atom:updated")[0])


def test_an_entry_without_english_text_is_titled_with_the_signal_s_english_name():
    entry = feed([alert(headline_en=None, description_en=None)]).xpath("atom:entry", namespaces=NS)[0]
    assert text_of(entry, "atom:title") == ["区气象台发布暴雨黄色预警信号 / Rainstorm yellow warning signal"]
    assert entry.xpath("atom:category/@label", namespaces=NS) == ["暴雨黄色预警信号 Rainstorm yellow warning signal"]


def test_an_empty_feed_still_says_when_it_was_updated():
    document = feed([], updated=SENT)
    assert text_of(document, "atom:updated") == ["2026-07-01T08:00:00+08:00"]
    assert document.xpath("atom:entry", namespaces=NS) == []


def test_special_characters_in_the_feed_are_escaped():
    entry = feed([alert(headline="<script>&", headline_en="a < b")]).xpath("atom:entry", namespaces=NS)[0]
    assert text_of(entry, "atom:title") == ["<script>& / a < b"]
