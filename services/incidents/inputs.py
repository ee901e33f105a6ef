"""What every incidents input field may hold, in one place: the longest text of each kind, the
bounds of numbers and times, and the fields built from them (schemas.py uses these only).

Lengths fit the columns they are stored in (storage/tables.py), so a value the schema takes is
never refused by the database. Times are instants: one with an offset is that moment; one
without is read on the site's clock (sitetime.zone(), SITE_TIMEZONE); both are kept in UTC.
"""
from datetime import datetime, timezone

from marshmallow import fields, validate

from safecommunity import sitetime
from safecommunity.text import ValidText

from .codes import codes

# longest text, in characters
GRID_CODE, SOURCE, EXTERNAL_ID, RECORD_ID, CREDIT_CODE = 40, 60, 60, 36, 18
PERSON = 120        # an actor, a reporter, a department named in a step
NAME = 200          # a unit, a responsible party, a file
ADDRESS = 300
REASON = 2000       # why a step was taken, a note, a card's description
DESCRIPTION = 4000  # what an accident, a public-order event or a hazard was
QUERY_TEXT = 200    # a query parameter that is not one of the above
# bounds of numbers
AGE = (0, 120)                 # the card's own rule (shared/injury-card.md), as injury.reported says
PEOPLE = (0, 100_000)          # deaths, injuries in one accident
YUAN = (0, 1e13)               # economic loss
EVIDENCE = 50                  # attachments cited by one step
EARLIEST, LATEST = 1900, 2199  # years a time may fall in (on its own clock)


def text(most, required=False):
    checks = [validate.Length(min=1, max=most) if required else validate.Length(max=most), ValidText()]
    if required:
        return fields.String(required=True, validate=checks)
    return fields.String(load_default=None, allow_none=True, validate=checks)


def query_text(most=QUERY_TEXT):
    return fields.String(validate=[validate.Length(min=1, max=most), ValidText()])


def one_of(choices):
    return validate.OneOf(choices)


def coded(name, required=False):
    if required:
        return fields.String(required=True, validate=one_of(codes(name)))
    return fields.String(load_default=None, allow_none=True, validate=one_of(codes(name)))


def count(bounds, required=True):
    return fields.Integer(required=required, strict=True, validate=validate.Range(*bounds))


class Instant(fields.DateTime):
    """An ISO 8601 time as an aware UTC datetime. Without an offset it is a time on the site's
    clock; a time outside EARLIEST..LATEST is refused (it is a typing error, and near year 1 or
    9999 an offset would carry it outside what a datetime holds)."""

    default_error_messages = {"range": f"must be a time in the years {EARLIEST} to {LATEST}"}

    def _deserialize(self, value, attr, data, **kwargs):
        moment = super()._deserialize(value, attr, data, **kwargs)
        if not EARLIEST <= moment.year <= LATEST:
            raise self.make_error("range")
        return as_utc_instant(moment)

    @staticmethod
    def fast_load(value):
        """fastschema's path for an ISO string in range (anything else raises, and marshmallow decides)."""
        moment = datetime.fromisoformat(value) if type(value) is str else None
        if moment is None or not EARLIEST <= moment.year <= LATEST:
            raise ValueError(value)
        return as_utc_instant(moment)


def as_utc_instant(moment):
    if moment.tzinfo is None or moment.utcoffset() is None:
        moment = moment.replace(tzinfo=sitetime.zone())
    return moment.astimezone(timezone.utc)


def instant(required=False):
    if required:
        return Instant(required=True)
    return Instant(load_default=None, allow_none=True)

