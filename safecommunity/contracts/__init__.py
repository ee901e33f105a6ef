"""Event contracts: one marshmallow schema per event type, shared by producer and consumers.

One module per producing service (registry.py, incidents.py, ...) lists its events as EventSpec
rows; safecommunity/catalogue.py gathers them. Payloads carry no names, ID numbers or phone
numbers: consumers get only what they need. Readers are tolerant (unknown fields are ignored) so a
producer can add a field without breaking anyone; removing or changing one needs a new
`dataversion`.
"""
from dataclasses import dataclass

from marshmallow import EXCLUDE, Schema, validate

SEXES = ("male", "female", "unknown")
RESIDENCE_TYPES = ("permanent", "migrant", "foreigner")


@dataclass(frozen=True)
class EventSpec:
    type: str
    producer: str
    schema: Schema
    version: int
    consumers: tuple
    summary: str


class Payload(Schema):
    class Meta:
        unknown = EXCLUDE


def one_of(choices):
    return validate.OneOf(choices)
