"""A public weather warning as the meteorology department (气象局) posts it: the code lists of China's
meteorological warning signals (气象灾害预警信号) with Chinese and English labels, the warning itself
(a plain dataclass, what cap.py turns into a CAP 1.2 alert), and the strict schema of the posted JSON.

The kinds are the fourteen of the national list (《气象灾害预警信号发布与传播办法》, 中国气象局令第16号);
a signal's colour, blue to red, is its level, IV to I (一般, 较重, 严重, 特别严重).
"""
import re
from dataclasses import dataclass
from datetime import datetime
from typing import NamedTuple

from marshmallow import RAISE, Schema, ValidationError, fields, post_load, validate, validates_schema

from safecommunity.text import ValidText


class Label(NamedTuple):
    zh: str
    en: str


KINDS = {
    "typhoon": Label("台风", "Typhoon"),
    "rainstorm": Label("暴雨", "Rainstorm"),
    "snowstorm": Label("暴雪", "Snowstorm"),
    "cold_wave": Label("寒潮", "Cold wave"),
    "gale": Label("大风", "Gale"),
    "sandstorm": Label("沙尘暴", "Sandstorm"),
    "high_temperature": Label("高温", "High temperature"),
    "drought": Label("干旱", "Drought"),
    "lightning": Label("雷电", "Thunder and lightning"),
    "hail": Label("冰雹", "Hail"),
    "frost": Label("霜冻", "Frost"),
    "fog": Label("大雾", "Heavy fog"),
    "haze": Label("霾", "Haze"),
    "road_icing": Label("道路结冰", "Road icing"),
}
COLOURS = {"blue": Label("蓝色", "Blue"), "yellow": Label("黄色", "Yellow"),
           "orange": Label("橙色", "Orange"), "red": Label("红色", "Red")}
# CAP's own values, as the department writes them
STATUSES = {"Actual": Label("正式", "Actual"), "Exercise": Label("演练", "Exercise"),
            "System": Label("系统消息", "System"), "Test": Label("测试", "Test"), "Draft": Label("草稿", "Draft")}
MESSAGE_TYPES = {"Alert": Label("发布", "Alert"), "Update": Label("更新", "Update"), "Cancel": Label("解除", "Cancel")}
REFERRING = ("Update", "Cancel")  # the message types that name the alerts they update or cancel

# longest text, in characters; at most so many grids and references
HEADLINE, DESCRIPTION, INSTRUCTION = 160, 4000, 2000  # CAP: a headline under 160 fits a text message
GRID_CODE = 40        # as incidents' grid_code
IDENTIFIER = 120      # an earlier alert's identifier (ours are 36)
MAX_GRIDS, MAX_REFERENCES = 2000, 50

# characters XML 1.0 cannot hold at all (ValidText already refuses most C0 controls and lone surrogates)
_NOT_XML = re.compile("[^\t\n\r\x20-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")
CAP_TOKEN = re.compile(r"[^\s,<&]+")  # CAP: an identifier has no spaces, commas, < or &


def signal_name(kind, colour):
    """暴雨蓝色预警信号 / Rainstorm blue warning signal."""
    return Label(f"{KINDS[kind].zh}{COLOURS[colour].zh}预警信号",
                 f"{KINDS[kind].en} {COLOURS[colour].en.lower()} warning signal")


def xml_problem(value):
    """Why a string cannot be XML text, or None."""
    found = _NOT_XML.search(value)
    return f"contains U+{ord(found.group()):04X}, which XML cannot hold" if found else None


@dataclass(frozen=True)
class WeatherWarning:
    kind: str
    colour: str
    headline: str
    description: str
    effective: datetime
    expires: datetime
    grids: tuple
    status: str = "Actual"
    msg_type: str = "Alert"
    references: tuple = ()
    instruction: str | None = None
    headline_en: str | None = None
    description_en: str | None = None
    instruction_en: str | None = None


class XmlText(validate.Validator):
    def __call__(self, value):
        if xml_problem(value):
            raise ValidationError(xml_problem(value))
        return value


def text(most, required=False, **kwargs):
    checks = [validate.Length(min=1, max=most), ValidText(), XmlText()]
    if required:
        return fields.String(required=True, validate=checks, **kwargs)
    return fields.String(load_default=None, validate=checks, **kwargs)


class OffsetTime(fields.AwareDateTime):
    """An ISO 8601 time with its offset, kept as given (+08:00 stays +08:00, as CAP shows it). Refused:
    no offset (on which clock?), an offset with seconds (CAP cannot write it), a year outside 2000-2199."""

    default_error_messages = {"invalid_awareness": "must have an offset, e.g. 2026-07-01T08:00:00+08:00",
                              "offset": "must have an offset of whole minutes, e.g. +08:00",
                              "range": "must be a time in the years 2000 to 2199"}

    def _deserialize(self, value, attr, data, **kwargs):
        moment = super()._deserialize(value, attr, data, **kwargs)
        if moment.utcoffset().total_seconds() % 60:
            raise self.make_error("offset")
        if not 2000 <= moment.year <= 2199:
            raise self.make_error("range")
        return moment


def _cap_token(value):
    if not CAP_TOKEN.fullmatch(value):
        raise ValidationError("must have no spaces, commas, < or &")


class WeatherWarningSchema(Schema):
    """The warning as posted; loads a WeatherWarning. Strict: any other field is refused."""

    class Meta:
        unknown = RAISE

    kind = fields.String(required=True, validate=validate.OneOf(KINDS))
    colour = fields.String(required=True, validate=validate.OneOf(COLOURS))
    headline = text(HEADLINE, required=True)
    description = text(DESCRIPTION, required=True)
    instruction = text(INSTRUCTION)
    headline_en = text(HEADLINE)
    description_en = text(DESCRIPTION)
    instruction_en = text(INSTRUCTION)
    effective = OffsetTime(required=True)
    expires = OffsetTime(required=True)
    grids = fields.List(fields.String(validate=[validate.Length(min=1, max=GRID_CODE), ValidText(), _cap_token]),
                        required=True, validate=validate.Length(min=1, max=MAX_GRIDS))
    status = fields.String(load_default="Actual", validate=validate.OneOf(STATUSES))
    msg_type = fields.String(load_default="Alert", validate=validate.OneOf(MESSAGE_TYPES))
    references = fields.List(fields.String(validate=[validate.Length(min=1, max=IDENTIFIER), _cap_token]),
                             load_default=(), validate=validate.Length(max=MAX_REFERENCES))

    @validates_schema
    def check_warning(self, data, **kwargs):
        problems = {}
        if data["expires"] <= data["effective"]:
            problems["expires"] = ["must be after effective"]
        if data["msg_type"] in REFERRING and not data["references"]:
            problems["references"] = [f"{data['msg_type']} must name the earlier alerts it refers to"]
        if data["msg_type"] not in REFERRING and data["references"]:
            problems["references"] = ["only an Update or a Cancel refers to earlier alerts"]
        english = data["description_en"] or data["instruction_en"]
        if english and not data["headline_en"]:
            problems["headline_en"] = ["is needed with the English description or instruction"]
        if data["headline_en"] and not data["description_en"]:
            problems["description_en"] = ["is needed with the English headline"]
        if problems:
            raise ValidationError(problems)

    @post_load
    def make_warning(self, data, **kwargs):
        grids = tuple(dict.fromkeys(data.pop("grids")))  # a grid named twice is affected once
        return WeatherWarning(grids=grids, references=tuple(dict.fromkeys(data.pop("references"))), **data)
