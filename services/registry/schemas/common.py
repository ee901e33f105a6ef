"""What every registry schema shares: strict requests, query strings, checked national codes, dates,
and the bounds of every kind of field, in one place (the tables' columns are at least as wide)."""
from datetime import date

from marshmallow import RAISE, Schema, ValidationError, fields, validate

from safecommunity import sitetime

from ..codes import CodeInvalid, parse_id_number

# The longest text each kind of field takes, in characters.
CODE_MAX = 40           # a grid's, compound's, department's or type's code
ID_MAX = 36             # a record's id (UUID)
PERSON_NAME_MAX = 100   # a resident's, landlord's, safety officer's or role holder's name
NAME_MAX = 200          # a unit's, building's, compound's, team's or tag type's name
ADDRESS_MAX = 300       # an address or a facility's location
SHORT_TEXT_MAX = 100    # an industry
ROOM_MAX = 40
CERTIFICATE_MAX = 60
MOST_LISTED = 200       # tenants, household members, team members or tags given in one request
FIRST_DAY, LAST_DAY = date(1850, 1, 1), date(2199, 12, 31)  # any date outside is a typing error

CODE = validate.Regexp(r"^[A-Za-z0-9][A-Za-z0-9_.-]{0,39}$",
                       error="use 1-40 letters, digits, '-', '_' or '.'")
TAXONOMY_CODE = validate.Regexp(r"^[a-z][a-z0-9_]{0,39}$", error="use 1-40 lower-case letters, digits or '_'")
IN_CALENDAR = validate.Range(FIRST_DAY, LAST_DAY, error=f"must be from {FIRST_DAY} to {LAST_DAY}")


def text(most, least=0, **kwargs):
    """A string of `least` to `most` characters."""
    return fields.String(validate=validate.Length(least, most), **kwargs)


def filled(most=NAME_MAX, **kwargs):
    return text(most, 1, **kwargs)


def code_of(**kwargs):
    """A reference to a grid, compound, department, tag or unit type by its code."""
    return text(CODE_MAX, 1, **kwargs)


def record_id(**kwargs):
    """A reference to a resident, unit, building, volunteer... by its id."""
    return text(ID_MAX, 1, **kwargs)


def ids_of(**kwargs):
    return fields.List(record_id(), validate=validate.Length(max=MOST_LISTED), **kwargs)


def day(*validators, **kwargs):
    """A date in the calendar's sane years, with any further validators."""
    return fields.Date(validate=[IN_CALENDAR, *validators], **kwargs)


def past_day(**kwargs):
    return day(past_date, **kwargs)


def today():
    """The site's calendar day (SITE_TIMEZONE): the default of every `on` date."""
    return sitetime.today()


class Checked(fields.String):
    """A national code, normalised by its checker; the checker's reason is the field's error."""

    def __init__(self, checker, **kwargs):
        super().__init__(validate=validate.Length(max=CODE_MAX), **kwargs)
        self.checker = checker

    def _deserialize(self, value, attr, data, **kwargs):
        try:
            return self.checker(super()._deserialize(value, attr, data, **kwargs))
        except CodeInvalid as exc:
            raise ValidationError(str(exc)) from None


def id_number(**kwargs):
    return Checked(lambda raw: parse_id_number(raw)[0], **kwargs)


class Strict(Schema):
    class Meta:
        unknown = RAISE


class NoQuerySchema(Schema):
    """The query string of a list that takes no parameters: any is refused."""

    class Meta:
        unknown = RAISE


class Query(Schema):
    """Query strings: unknown parameters are refused too; paging is read by paging()."""

    class Meta:
        unknown = RAISE

    limit = text(20)
    offset = text(20)


def past_date(value):
    if value > sitetime.today():
        raise ValidationError("must not be in the future")


class AuditQuerySchema(Query):
    subject = text(120)
    resource_id = text(60)
    resource_type = text(CODE_MAX)
    since = fields.AwareDateTime(default_timezone=None)


def not_after_this_year(value):
    if value > sitetime.today().year:
        raise ValidationError("must not be after this year")
