"""What every registry schema shares: strict requests, query strings, checked national codes, dates."""
from datetime import date

from marshmallow import RAISE, Schema, ValidationError, fields, validate

from ..codes import CodeInvalid, parse_id_number

CODE = validate.Regexp(r"^[A-Za-z0-9][A-Za-z0-9_.-]{0,39}$",
                       error="use 1-40 letters, digits, '-', '_' or '.'")
TAXONOMY_CODE = validate.Regexp(r"^[a-z][a-z0-9_]{0,39}$", error="use 1-40 lower-case letters, digits or '_'")


class Checked(fields.String):
    """A national code, normalised by its checker; the checker's reason is the field's error."""

    def __init__(self, checker, **kwargs):
        super().__init__(**kwargs)
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


class Query(Schema):
    """Query strings: unknown parameters are refused too; paging is read by paging()."""

    class Meta:
        unknown = RAISE

    limit = fields.String()
    offset = fields.String()


def past_date(value):
    if value > date.today():
        raise ValidationError("must not be in the future")


class AuditQuerySchema(Query):
    subject = fields.String()
    resource_id = fields.String()
    resource_type = fields.String()
    since = fields.AwareDateTime(default_timezone=None)


def not_after_this_year(value):
    if value > date.today().year:
        raise ValidationError("must not be after this year")
