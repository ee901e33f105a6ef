"""What every projects schema shares: strict requests, bounded text, numbers and dates, in one
place (the tables' columns are at least as wide)."""
from datetime import date

from marshmallow import RAISE, Schema, ValidationError, fields, validate

from safecommunity.text import ValidText

NAME_MAX = 200      # a project's, working group's, activity's or area's name
CODE_MAX = 40       # an area's, department's, grid's, tag's or unit type's code
ID_MAX = 36         # a record's id (UUID)
SHORT_MAX = 200     # a baseline's period or source, a funding source, a trainer, a place
TEXT_MAX = 2000     # a goal, measure or decision
NOTE_MAX = 2000     # an occurrence's note
MINUTES_MAX = 20000  # a meeting's minutes
MOST_LISTED = 200   # departments, members, goals, measures, decisions or attendees in one request
MOST_PEOPLE = 1_000_000   # people reached or attending, leaflets handed out
MOST_MONEY = 10**12       # yuan
FIRST_DAY, LAST_DAY = date(1990, 1, 1), date(2199, 12, 31)  # a safe-community programme's years

CODE = validate.Regexp(r"^[A-Za-z0-9][A-Za-z0-9_.-]{0,39}$", error="use 1-40 letters, digits, '-', '_' or '.'")
AREA_CODE = validate.Regexp(r"^[a-z][a-z0-9_]{0,39}$", error="use 1-40 lower-case letters, digits or '_'")


class InCalendar(validate.Validator):
    """A date in the programme's years. Not a validate.Range: the OpenAPI document would show its
    bounds as a number's minimum and maximum, which a date's schema may not have."""

    def __call__(self, value):
        if not FIRST_DAY <= value <= LAST_DAY:
            raise ValidationError(f"must be from {FIRST_DAY} to {LAST_DAY}")
        return value


IN_CALENDAR = InCalendar()


class Strict(Schema):
    class Meta:
        unknown = RAISE


class Query(Strict):
    """Query strings: unknown parameters refused; limit and offset read by paging()."""

    limit = fields.String(validate=[validate.Length(max=20), ValidText()])
    offset = fields.String(validate=[validate.Length(max=20), ValidText()])


def text(most, least=0, **kwargs):
    return fields.String(validate=[validate.Length(least, most), ValidText()], **kwargs)


def filled(most=NAME_MAX, **kwargs):
    return text(most, 1, **kwargs)


def code(**kwargs):
    return fields.String(validate=[validate.Length(1, CODE_MAX), CODE], **kwargs)


def record_id(**kwargs):
    return text(ID_MAX, 1, **kwargs)


def listed(inner, **kwargs):
    return fields.List(inner, validate=validate.Length(max=MOST_LISTED), **kwargs)


def unique_codes(**kwargs):
    return fields.List(code(), validate=[validate.Length(max=MOST_LISTED), no_repeats], **kwargs)


def unique_ids(**kwargs):
    return fields.List(record_id(), validate=[validate.Length(max=MOST_LISTED), no_repeats], **kwargs)


def day(**kwargs):
    return fields.Date(validate=IN_CALENDAR, **kwargs)


def count(most=MOST_PEOPLE, **kwargs):
    return fields.Integer(strict=True, validate=validate.Range(0, most), **kwargs)


def money(**kwargs):
    return fields.Float(allow_nan=False, validate=validate.Range(0, MOST_MONEY), **kwargs)


def figure(**kwargs):
    return fields.Float(allow_nan=False, validate=validate.Range(-MOST_MONEY, MOST_MONEY), **kwargs)


def one_of(choices, **kwargs):
    return fields.String(validate=validate.OneOf(choices), **kwargs)


def year(**kwargs):
    return fields.Integer(validate=validate.Range(FIRST_DAY.year, LAST_DAY.year), **kwargs)


def no_repeats(values):
    if len(set(values)) != len(values):
        raise ValidationError("lists an item twice")
