"""Notification templates: per language, event type and channel, rendered in Jinja2's sandbox.

Layout (the defaults in templates/, a site's NOTIFY_TEMPLATES_DIR the same): `<lang>/<event type>.yaml`,
a mapping of channel to its parts (CHANNEL_PARTS). A site's file replaces the default's channels it
names. Every template is checked when loaded: syntax, the sandbox, its parts, and a render with the
event's sample payload and the longest names and labels (templates/samples.yaml), so a missing field,
an unsafe attribute or an SMS of two parts is refused at start-up, naming the file.
"""
from datetime import datetime
from functools import cache
from pathlib import Path

import yaml
from jinja2 import StrictUndefined, TemplateError, pass_context
from jinja2.sandbox import SandboxedEnvironment

from safecommunity import sitetime

DEFAULTS_DIR = Path(__file__).with_name("templates")
LANGUAGES = ("zh", "en")
CHANNEL_PARTS = {"email": ("subject", "body"), "sms": ("text",), "chat": ("title", "text"),
                 "in_app": ("subject", "body")}  # webhook sends the event itself: no template
# A looked-up name and the payload field whose code stands in for it when the caller has none.
NAME_CODES = {"grid": "grid_code", "department": "to_department", "unit": "unit_id", "source": "source",
              "party": "responsible_party"}
UNKNOWN = {"zh": "不详", "en": "unknown"}
WORST_NAME = "某" * 30  # the longest plausible grid / department / unit name: 30 Chinese characters
DEFAULT_SITE_NAME = "安全社区平台"
TIME_FORMAT = "%Y-%m-%d %H:%M"
# Put before a notice told to the next level up because nobody acknowledged it (fanout.escalate).
# Notices go out in Chinese (domain.rendered), so a Chinese SMS is checked with it in front.
ESCALATED_MARK = "【未确认·逐级上报】"

# GSM 03.38: the basic set (one septet each) and its extension (an escape and a septet: two).
GSM7_BASIC = set("@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !\"#¤%&'()*+,-./0123456789:;<=>?¡ABCDEFGHIJKLMNOPQRSTUVWXYZ"
                 "ÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà")
GSM7_EXTENDED = set("^{}\\[~]|€\f")


class TemplateRefused(Exception):
    """A template that cannot be used: the message names the file and the problem."""


def sms_parts(text):
    """How many messages an SMS takes: 160 GSM-7 septets (153 a part when split), or 70 UCS-2 units
    (67 a part) as soon as one character is outside GSM-7, as any Chinese character is."""
    if all(ch in GSM7_BASIC or ch in GSM7_EXTENDED for ch in text):
        units, single, part = sum(2 if ch in GSM7_EXTENDED else 1 for ch in text), 160, 153
    else:
        units, single, part = len(text.encode("utf-16-le")) // 2, 70, 67
    return 1 if units <= single else -(-units // part)


def local_time(value, format=TIME_FORMAT):
    """An instant (a datetime, or ISO text as events carry it) on the site's clock."""
    if value is None:
        return "—"
    moment = value if isinstance(value, datetime) else datetime.fromisoformat(str(value).replace("Z", "+00:00"))
    return sitetime.local(moment).strftime(format)


def _read_yaml(path):
    try:
        return yaml.safe_load(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, yaml.YAMLError) as error:
        raise TemplateRefused(f"{path}: cannot be read as YAML: {error}") from None


@cache
def labels():
    """table → code → [zh, en] (templates/labels.yaml)."""
    return _read_yaml(DEFAULTS_DIR / "labels.yaml")


@cache
def samples():
    """event type → a payload with every field the event carries (templates/samples.yaml)."""
    return _read_yaml(DEFAULTS_DIR / "samples.yaml")


def _label_table(table):
    if table not in labels():
        raise TemplateRefused(f"label table {table!r} does not exist; known: {', '.join(sorted(labels()))}")
    return labels()[table]


@pass_context
def _label(context, code, table):
    row = _label_table(table).get(code)
    if code is None:
        return UNKNOWN[context["lang"]]
    return row[LANGUAGES.index(context["lang"])] if row else str(code)


@pass_context
def _longest_label(context, code, table):
    """The check's label: the table's longest in the language, whatever the code."""
    return max((row[LANGUAGES.index(context["lang"])] for row in _label_table(table).values()), key=len)


def _environment(label):
    env = SandboxedEnvironment(undefined=StrictUndefined, autoescape=False, trim_blocks=True, lstrip_blocks=True)
    env.filters.update(label=label, local=local_time)
    return env


RENDER_ENV, CHECK_ENV = _environment(_label), _environment(_longest_label)


def names_for(lang, payload, names=None):
    """The looked-up names the caller gave, else the payload's code, else 'unknown'; only the kinds
    this event has a code for (or the caller named), so a template naming another is refused."""
    names = dict(names or {})
    for kind, field in NAME_CODES.items():
        if field in payload and not names.get(kind):
            names[kind] = payload[field] or UNKNOWN[lang]
    return names


def context_for(lang, event_type, payload, names, site_name):
    return {**payload, "event_type": event_type, "lang": lang, "names": names, "site": {"name": site_name}}


class Templates:
    """The checked set: (lang, event type, channel) → {part: (source file, compiled template)}."""

    def __init__(self, compiled, site_name=DEFAULT_SITE_NAME):
        self._compiled, self.site_name = compiled, site_name

    def has(self, lang, event_type, channel):
        return (lang, event_type, channel) in self._compiled

    def keys(self):
        return sorted(self._compiled)

    def render(self, lang, event_type, channel, payload, names=None):
        """{part: text} for one notice; a template broken at render time names its file."""
        if not self.has(lang, event_type, channel):
            raise TemplateRefused(f"no {lang} template for {event_type} on {channel}")
        context = context_for(lang, event_type, payload, names_for(lang, payload, names), self.site_name)
        return {part: _render(path, template, context)
                for part, (path, template) in self._compiled[(lang, event_type, channel)].items()}


def _render(path, template, context):
    try:
        return template.render(context).strip()
    except (TemplateError, TemplateRefused, ValueError, TypeError) as error:
        raise TemplateRefused(f"{path}: {type(error).__name__}: {error}") from None


def load(config=None):
    """The defaults, with the site's NOTIFY_TEMPLATES_DIR over them; every template checked."""
    config = config or {}
    site_name = config.get("SITE_NAME") or DEFAULT_SITE_NAME
    sources = _sources(DEFAULTS_DIR)
    if config.get("NOTIFY_TEMPLATES_DIR"):
        site_dir = Path(config["NOTIFY_TEMPLATES_DIR"])
        if not site_dir.is_dir():
            raise TemplateRefused(f"NOTIFY_TEMPLATES_DIR {site_dir} is not a folder")
        sources.update(_sources(site_dir))
    compiled = {}
    for (lang, event_type, channel), (path, parts) in sources.items():
        compiled[(lang, event_type, channel)] = {
            part: (path, _checked(path, lang, event_type, channel, part, text, site_name))
            for part, text in parts.items()}
    return Templates(compiled, site_name)


def _sources(folder):
    """(lang, event type, channel) → (file, {part: source}) for every template file in a folder."""
    found = {}
    for path in sorted(folder.glob("*/*")):
        lang, event_type = path.parent.name, path.stem
        if lang not in LANGUAGES or path.suffix != ".yaml":
            raise TemplateRefused(f"{path}: expected <{'|'.join(LANGUAGES)}>/<event type>.yaml")
        if event_type not in samples():
            raise TemplateRefused(f"{path}: {event_type!r} is not an event type with templates; "
                                  f"known: {', '.join(sorted(samples()))}")
        channels = _read_yaml(path)
        if not isinstance(channels, dict) or not channels:
            raise TemplateRefused(f"{path}: expected a mapping of channel to its parts")
        for channel, parts in channels.items():
            _check_parts(path, channel, parts)
            found[(lang, event_type, channel)] = (path, parts)
    return found


def _check_parts(path, channel, parts):
    if channel not in CHANNEL_PARTS:
        raise TemplateRefused(f"{path}: channel {channel!r} takes no template; "
                              f"channels with templates: {', '.join(CHANNEL_PARTS)}")
    wanted = CHANNEL_PARTS[channel]
    if not isinstance(parts, dict) or set(parts) != set(wanted):
        given = ", ".join(parts) if isinstance(parts, dict) else type(parts).__name__
        raise TemplateRefused(f"{path}: {channel} needs exactly {', '.join(wanted)} (got {given})")
    for part, text in parts.items():
        if not isinstance(text, str) or not text.strip():
            raise TemplateRefused(f"{path}: {channel}.{part} must be non-empty text")


def _checked(path, lang, event_type, channel, part, text, site_name):
    """Compile for rendering, and render once with the worst case: refused with the reason if it fails."""
    where = f"{path}: {channel}.{part}"
    try:
        template, trial = RENDER_ENV.from_string(text), CHECK_ENV.from_string(text)
    except TemplateError as error:
        raise TemplateRefused(f"{where}: {type(error).__name__}: {error}") from None
    sample = samples()[event_type]
    names = names_for(lang, sample, {kind: WORST_NAME for kind, field in NAME_CODES.items() if field in sample})
    worst = _render(where, trial, context_for(lang, event_type, sample, names, site_name))
    worst = ESCALATED_MARK + worst if channel == "sms" and lang == "zh" else worst  # the longest it goes out as
    if channel == "sms" and sms_parts(worst) > 1:
        raise TemplateRefused(f"{where}: with the longest names and labels it takes {sms_parts(worst)} SMS "
                              f"({len(worst)} characters; one SMS holds 70 with any Chinese, 160 in GSM-7): "
                              f"{worst!r}")
    return template


_current = None


def configure(config):
    """Load and check the site's set once at start-up (a refused template stops the service)."""
    global _current
    _current = load(config)
    return _current


def current():
    """The configured set, or the defaults when nothing configured one (tests, the CLI)."""
    global _current
    if _current is None:
        _current = load()
    return _current
