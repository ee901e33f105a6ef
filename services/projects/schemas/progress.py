"""Monthly progress and phase evaluations' HTTP input."""
from marshmallow import fields, validate

from safecommunity.text import ValidText

from ..progress import RATINGS
from .common import TEXT_MAX, Strict, filled, one_of, text

# a month of the programme's years (common.FIRST_DAY to LAST_DAY) as YYYY-MM
MONTH = validate.Regexp(r"^(199\d|2[01]\d\d)-(0[1-9]|1[0-2])$", error="a month from 1990-01 to 2199-12, as YYYY-MM")


def month(**kwargs):
    return fields.String(validate=[validate.Length(max=7), ValidText(), MONTH], **kwargs)


# `from` and `to` are the parameters' names (`from` is Python's keyword: a schema from a dict)
ProgressQuerySchema = Strict.from_dict({"from": month(load_default=None), "to": month(load_default=None)},
                                       name="ProgressQuerySchema")


class MonthSchema(Strict):
    """The month in an evaluation's path."""
    month = month(required=True)


class WriteEvaluationSchema(Strict):
    rating = one_of(tuple(RATINGS), required=True)
    summary = filled(TEXT_MAX, required=True)
    next_steps = text(TEXT_MAX, load_default=None, allow_none=True)
