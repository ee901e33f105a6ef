"""The fast paths give marshmallow's answers: the same output for what they vouch for, and
marshmallow's own errors for everything else (every event contract and the injury card, valid
records and records broken one field at a time)."""
import random
from datetime import date, datetime, timedelta, timezone

import pytest
from marshmallow import Schema, ValidationError, fields, pre_load, validate, validates_schema

from safecommunity.catalogue import CATALOGUE
from safecommunity.envelope import EnvelopeSchema
from safecommunity.fastschema import Dumper, Loader
from safecommunity.seed import random_case
from services.incidents.schemas import ReportInjurySchema
from services.registry.codes import id_check_char
from services.registry.importer import ResidentRowSchema
from tests.support import injury_event

JUNK = (None, "", "x", 0, -1, 10**12, 1.5, float("nan"), True, [], {}, ["x"], "2026-13-01",
        "2026-01-01T10:00:00", "2026-01-01T10:00:00+08:00", "2026-01-01", date(2026, 1, 1),
        datetime(2026, 1, 1, tzinfo=timezone.utc), "a" * 5000)


def outcome(call, *args):
    try:
        return "ok", call(*args)
    except ValidationError as exc:
        return "invalid", exc.messages
    except Exception as exc:  # noqa: BLE001 - both paths must fail the same way
        return "raised", type(exc).__name__


def sample(field, rng):
    """A value `field` should take, from its type and validators."""
    for validator in field.validators:
        if isinstance(validator, validate.OneOf):
            return rng.choice(list(validator.choices))
    if isinstance(field, fields.List):
        return [sample(field.inner, rng) for _ in range(rng.randint(0, 3))]
    if isinstance(field, fields.Integer):
        low, high = 0, 1000
        for validator in field.validators:
            if isinstance(validator, validate.Range):
                low = validator.min if validator.min is not None else low
                high = validator.max if validator.max is not None else max(high, low + 10)
        return rng.randint(low, min(high, low + 10000))
    if isinstance(field, fields.Float):
        return rng.uniform(0, 1000)
    if isinstance(field, fields.Boolean):
        return rng.random() < 0.5
    if isinstance(field, fields.DateTime):
        return datetime(2026, 1, 1, tzinfo=timezone.utc) + timedelta(seconds=rng.randint(0, 10**7),
                                                                      microseconds=rng.choice((0, 123456)))
    if isinstance(field, fields.Date):
        return date(2025, 1, 1) + timedelta(days=rng.randint(0, 700))
    if isinstance(field, fields.String):
        return f"v{rng.randint(0, 10**6)}"
    return {}


def variants(valid, names, rng):
    """The record itself, then each field missing and each field given each junk value."""
    yield valid
    for name in names:
        yield {key: value for key, value in valid.items() if key != name}
        for junk in rng.sample(JUNK, 6):
            yield {**valid, name: junk}
    yield {**valid, "not_a_field": 1}


@pytest.mark.parametrize("spec", CATALOGUE.values(), ids=lambda spec: spec.type)
def test_dumping_a_payload_is_marshmallows_dump_and_validate(spec):
    rng = random.Random(spec.type)
    dumper = Dumper(spec.schema)
    for _ in range(5):
        valid = {name: sample(field, rng) for name, field in spec.schema.dump_fields.items()}
        for data in variants(valid, list(valid), rng):
            def slow(data=data):
                payload = spec.schema.dump(data)
                return payload, spec.schema.validate(payload)
            assert outcome(dumper.dump, data) == outcome(slow), data


@pytest.mark.parametrize("spec", CATALOGUE.values(), ids=lambda spec: spec.type)
def test_loading_a_payload_is_marshmallows_load(spec):
    rng = random.Random(spec.type)
    loader = Loader(spec.schema)
    for _ in range(5):
        valid = spec.schema.dump({name: sample(field, rng) for name, field in spec.schema.dump_fields.items()})
        for data in variants(valid, list(valid), rng):
            assert outcome(loader.load, data) == outcome(spec.schema.load, data), data


def test_loading_injury_cards_is_marshmallows_load():
    rng = random.Random(7)
    schema = ReportInjurySchema()
    loader = Loader(schema)
    assert loader.fields is not None, "the card schema should take the fast path"
    fast_answers = 0
    for n in range(40):
        card = random_case(rng, [None, "G1"], n)
        for data in variants(card, list(schema.load_fields), rng):
            answer = outcome(loader.load, data)
            assert answer == outcome(schema.load, data), data
            fast_answers += answer[0] == "ok"
    assert fast_answers > 40  # the valid cards, and the variants that are still valid


def test_schema_rules_run_on_the_fast_path_and_their_errors_are_marshmallows():
    class Span(Schema):
        start, end = fields.Integer(required=True), fields.Integer(required=True)

        @validates_schema
        def ordered(self, data, **_kwargs):
            if data["start"] > data["end"]:
                raise ValidationError("start after end", "start")

    loader = Loader(Span())
    assert loader.load({"start": 1, "end": 2}) == {"start": 1, "end": 2}
    with pytest.raises(ValidationError) as caught:
        loader.load({"start": 3, "end": 2})
    assert caught.value.messages == {"start": ["start after end"]}


def test_fields_of_their_own_use_their_own_deserialize():
    class WithNested(Schema):
        inner = fields.Nested(Schema.from_dict({"a": fields.Integer()}))

    schema = WithNested()
    loader = Loader(schema)
    for data in ({"inner": {"a": 1}}, {"inner": {"a": "x"}}, {"inner": 3}, {}, {"inner": None}):
        assert outcome(loader.load, data) == outcome(schema.load, data)


def test_a_schema_with_hooks_it_cannot_run_goes_to_marshmallow_whole():
    class Trimmed(Schema):
        name = fields.String()

        @pre_load
        def trim(self, data, **_kwargs):
            return {key: value.strip() for key, value in data.items()}

    loader = Loader(Trimmed())
    assert loader.fields is None
    assert loader.load({"name": " x "}) == {"name": "x"}


def test_loading_resident_import_rows_is_marshmallows_load():
    rng = random.Random(5)
    schema = ResidentRowSchema()
    loader = Loader(schema)
    for n in range(30):
        first17 = f"320102{1940 + n:04d}0{1 + n % 9}1{n % 10}{n:03d}"[:17]
        row = {"id_number": first17 + id_check_char(first17), "name": f"Resident {n}", "residence_type": "permanent",
               "grid_code": "G1", "phone": "13912345678", "birth_date": f"{1940 + n}-01-0{1 + n % 9}",
               "tags": "elderly"}
        for data in variants(row, list(row), rng):
            assert outcome(loader.load, data) == outcome(schema.load, data), data


def test_loading_envelopes_is_marshmallows_load():
    rng = random.Random(3)
    schema = EnvelopeSchema()
    loader = Loader(schema)
    assert loader.fields is not None
    for _ in range(20):
        envelope = injury_event().to_dict()
        for data in variants(envelope, list(envelope), rng):
            assert outcome(loader.load, data) == outcome(schema.load, data), data
