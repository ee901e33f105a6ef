"""A weather warning as a public CAP 1.2 alert (OASIS Common Alerting Protocol), written as CAP XML and
as an Atom 1.0 feed of alerts. Pure: no I/O, no clock (the caller says when an alert is sent).

An alert is made once, when the warning arrives: keep its identifier and sent time, since an Update or a
Cancel names an alert by (sender, identifier, sent). XML is built with ElementTree, which escapes
every text and attribute (no document is put together from strings); a character XML cannot hold is
refused (ValueError), never written. Each document has one default namespace, set on its root.
"""
import json
import uuid
from dataclasses import asdict, dataclass
from datetime import datetime, timezone
from xml.etree import ElementTree

from .warnings import CAP_TOKEN, KINDS, REFERRING, WeatherWarning, signal_name, xml_problem

CAP = "urn:oasis:names:tc:emergency:cap:1.2"
ATOM = "http://www.w3.org/2005/Atom"
CAP_MEDIA_TYPE = "application/cap+xml"
GRID_GEOCODE = "SafeCommunityGrid"      # geocode valueName: the value is one of the platform's grid codes
SIGNAL_EVENT_CODE = "SafeCommunitySignal"  # eventCode valueName: kind.colour, e.g. rainstorm.blue
_IDENTIFIERS = uuid.uuid5(uuid.NAMESPACE_URL, "urn:safecommunity:notifications:cap")

# Colour -> (severity, urgency). The four colours are China's four warning levels, IV to I, and CAP's
# four severities mean the same steps (Minor: little threat ... Extreme: extraordinary threat), so the
# mapping is one to one. Urgency is when to act: a blue signal comes 12-24 h ahead (get ready: Future),
# a yellow one 6-12 h ahead (act soon: Expected), while orange and red come hours ahead or with the
# weather already here, and their guidance (stop outdoor work, close schools) is to act now: Immediate.
LEVELS = {"blue": ("Minor", "Future"), "yellow": ("Moderate", "Expected"),
          "orange": ("Severe", "Immediate"), "red": ("Extreme", "Immediate")}
CERTAINTY = "Likely"  # a signal is a forecast (more likely than not), not an observation


@dataclass(frozen=True)
class Sender:
    """The site setting: CAP's sender (no spaces, commas, < or &) and senderName in each language."""
    address: str
    name_zh: str = "气象局"
    name_en: str = "Meteorological Bureau"


@dataclass(frozen=True)
class Reference:
    sender: str
    identifier: str
    sent: datetime

    def __str__(self):
        return f"{self.sender},{self.identifier},{cap_time(self.sent)}"


@dataclass(frozen=True)
class Area:
    area_desc: str
    geocodes: tuple  # (valueName, value) pairs


@dataclass(frozen=True)
class Info:
    language: str
    event: str
    urgency: str
    severity: str
    certainty: str
    event_code: str
    effective: datetime
    expires: datetime
    sender_name: str
    headline: str
    description: str
    instruction: str | None
    area: Area
    category: str = "Met"


@dataclass(frozen=True)
class Alert:
    identifier: str
    sender: str
    sent: datetime
    status: str
    msg_type: str
    references: tuple  # of Reference
    infos: tuple       # of Info: zh-CN, then en-US when the warning has English
    sender_names: tuple = ()  # (zh, en), for whoever reads a feed
    scope: str = "Public"

    @property
    def reference(self):
        """How an Update or a Cancel names this alert."""
        return Reference(self.sender, self.identifier, self.sent)


def cap_time(moment):
    """2026-07-01T08:00:00+08:00: CAP's form, the moment's own offset, whole seconds (UTC is +00:00, never Z)."""
    if moment.tzinfo is None or moment.utcoffset().total_seconds() % 60:
        raise ValueError(f"{moment!r}: CAP needs a time with an offset of whole minutes")
    return moment.replace(microsecond=0).isoformat()


def alert_identifier(sender, sent, warning):
    """The same warning from the same sender at the same second is the same alert (a retried post gets
    the same identifier); anything else is another. A UUID: no spaces, commas, < or &, as CAP asks."""
    facts = json.dumps([sender.address, cap_time(sent), asdict(warning)], default=str, ensure_ascii=False)
    return str(uuid.uuid5(_IDENTIFIERS, facts))


def to_alert(warning: WeatherWarning, sender: Sender, sent: datetime, grid_names=None, references=(),
             identifier=None) -> Alert:
    """The CAP alert of a warning. grid_names: grid code -> name (a grid without one is named by its code);
    references: the Reference of each earlier alert the warning's references name (an Update or a Cancel)."""
    cap_time(sent)  # an aware time, or ValueError now rather than when the alert is written
    references, identifier = tuple(references), identifier or alert_identifier(sender, sent, warning)
    if not CAP_TOKEN.fullmatch(sender.address) or not CAP_TOKEN.fullmatch(identifier):
        raise ValueError(f"sender {sender.address!r} and identifier {identifier!r} may have no spaces, commas, < or &")
    if {r.identifier for r in references} != set(warning.references):
        raise ValueError(f"references {[str(r) for r in references]} are not the warning's {warning.references}")
    if warning.msg_type in REFERRING and not references:
        raise ValueError(f"a {warning.msg_type} must refer to the alerts it updates or cancels")
    infos = [_info(warning, sender, "zh-CN", grid_names or {})]
    if warning.headline_en:
        infos.append(_info(warning, sender, "en-US", grid_names or {}))
    return Alert(identifier=identifier, sender=sender.address,
                 sent=sent, status=warning.status, msg_type=warning.msg_type, references=references,
                 infos=tuple(infos), sender_names=(sender.name_zh, sender.name_en))


def _info(warning, sender, language, grid_names):
    zh = language == "zh-CN"
    severity, urgency = LEVELS[warning.colour]
    names = [grid_names.get(code) or code for code in warning.grids]
    area = Area(("、" if zh else ", ").join(names), tuple((GRID_GEOCODE, code) for code in warning.grids))
    return Info(language=language, event=KINDS[warning.kind].zh if zh else KINDS[warning.kind].en, urgency=urgency,
                severity=severity, certainty=CERTAINTY, event_code=f"{warning.kind}.{warning.colour}",
                effective=warning.effective, expires=warning.expires,
                sender_name=sender.name_zh if zh else sender.name_en,
                headline=warning.headline if zh else warning.headline_en,
                description=warning.description if zh else warning.description_en,
                instruction=warning.instruction if zh else warning.instruction_en, area=area)


def _add(parent, tag, text=None, **attributes):
    for value in (text or "", *attributes.values()):
        if xml_problem(value):
            raise ValueError(f"{tag} {xml_problem(value)}")
    element = ElementTree.SubElement(parent, tag, attributes)
    element.text = text
    return element


def _add_info(root, info):
    element = _add(root, "info")
    for tag, value in (("language", info.language), ("category", info.category), ("event", info.event),
                       ("urgency", info.urgency), ("severity", info.severity), ("certainty", info.certainty)):
        _add(element, tag, value)
    code = _add(element, "eventCode")
    _add(code, "valueName", SIGNAL_EVENT_CODE)
    _add(code, "value", info.event_code)
    for tag, value in (("effective", cap_time(info.effective)), ("expires", cap_time(info.expires)),
                       ("senderName", info.sender_name), ("headline", info.headline),
                       ("description", info.description), ("instruction", info.instruction)):
        if value is not None:
            _add(element, tag, value)
    area = _add(element, "area")
    _add(area, "areaDesc", info.area.area_desc)
    for name, value in info.area.geocodes:
        geocode = _add(area, "geocode")
        _add(geocode, "valueName", name)
        _add(geocode, "value", value)


def to_cap_xml(alert: Alert) -> bytes:
    """The alert as a CAP 1.2 document, UTF-8, elements in the order the CAP schema requires."""
    root = ElementTree.Element("alert", xmlns=CAP)
    for tag, value in (("identifier", alert.identifier), ("sender", alert.sender), ("sent", cap_time(alert.sent)),
                       ("status", alert.status), ("msgType", alert.msg_type), ("scope", alert.scope)):
        _add(root, tag, value)
    if alert.references:
        _add(root, "references", " ".join(map(str, alert.references)))
    for info in alert.infos:
        _add_info(root, info)
    return ElementTree.tostring(root, encoding="utf-8", xml_declaration=True)


def entry_title(alert):
    """中文标题 / English headline: the zh-CN headline, then the English one or the signal's English name."""
    zh = alert.infos[0]
    english = alert.infos[1].headline if len(alert.infos) > 1 else _signal_of(zh).en
    return f"{zh.headline} / {english}"


def _signal_of(info):
    return signal_name(*info.event_code.split("."))


def to_atom(alerts, feed_id, title, self_url, alert_url, updated=None) -> bytes:
    """An Atom 1.0 feed of the alerts, newest first, each entry linking to its CAP document.
    title: the feed's title, in Chinese and English (e.g. "气象预警 Weather warnings"); alert_url: a
    function of an alert giving its CAP document's URL (also the entry's id); updated: the feed's time
    when there are no alerts (default: now), else the newest alert's sent time."""
    alerts = sorted(alerts, key=lambda alert: (alert.sent, alert.identifier), reverse=True)
    feed = ElementTree.Element("feed", xmlns=ATOM)
    _add(feed, "id", feed_id)
    _add(feed, "title", title)
    newest = alerts[0].sent if alerts else updated or datetime.now(timezone.utc)
    _add(feed, "updated", cap_time(newest))
    _add(feed, "link", None, rel="self", type="application/atom+xml", href=self_url)
    for alert in alerts:
        _add_entry(feed, alert, alert_url(alert))
    return ElementTree.tostring(feed, encoding="utf-8", xml_declaration=True)


def _add_entry(feed, alert, url):
    entry = _add(feed, "entry")
    _add(entry, "id", url)
    _add(entry, "title", entry_title(alert))
    _add(entry, "updated", cap_time(alert.sent))
    _add(entry, "published", cap_time(alert.sent))
    author = _add(entry, "author")
    _add(author, "name", " ".join(dict.fromkeys(alert.sender_names or [alert.infos[0].sender_name])))
    _add(entry, "link", None, rel="alternate", type=CAP_MEDIA_TYPE, href=url)
    _add(entry, "category", None, term=alert.infos[0].event_code, label=entry_category(alert))
    _add(entry, "summary", "\n\n".join(info.description for info in alert.infos))


def entry_category(alert):
    """暴雨蓝色预警信号 Rainstorm blue warning signal."""
    return " ".join(_signal_of(alert.infos[0]))
