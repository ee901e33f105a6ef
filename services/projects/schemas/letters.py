"""Responsibility letters' HTTP input and output."""
from marshmallow import Schema, fields

from ..letters import KINDS, LEVELS
from .common import TEXT_MAX, Query, Strict, code, day, filled, listed, one_of, record_id, year


class IssueLetterSchema(Strict):
    """A period in order is the letter's own rule (Letter.issue), a 400 on period_to as here."""
    kind = one_of(tuple(KINDS), required=True)
    level = one_of(LEVELS, required=True)
    issuer = code(required=True)
    party = record_id(required=True)
    period_from = day(required=True)
    period_to = day(required=True)
    targets = listed(filled(TEXT_MAX), load_default=list)
    project_id = record_id(load_default=None, allow_none=True)


class SignLetterSchema(Strict):
    signed_on = day(required=True)


class LetterQuerySchema(Query):
    level = one_of(LEVELS)
    kind = one_of(tuple(KINDS))
    party = record_id()
    project_id = record_id()
    signed = fields.Boolean()


class LetterSharesQuerySchema(Strict):
    year = year(required=True)


class LetterSchema(Schema):
    id, kind, level, issuer, party = (fields.String() for _ in range(5))
    period_from, period_to, signed_on = fields.Date(), fields.Date(), fields.Date(allow_none=True)
    targets, project_id = fields.List(fields.String()), fields.String(allow_none=True)
    issued_by, issued_at = fields.String(allow_none=True), fields.DateTime(allow_none=True)
    signed_by = fields.String(allow_none=True)
    name_zh = fields.Function(lambda letter: KINDS[letter.kind][0])
    name_en = fields.Function(lambda letter: KINDS[letter.kind][1])
