"""Fast paths through marshmallow schemas, for the loops that run once per record (intake, events).

Marshmallow spends most of a load on its own machinery (error stores, getters, hooks), not on the
checks. For plain fields (strings, numbers, booleans, ISO dates, untyped dicts and lists of those)
`Loader` and `Dumper` do the same work in one tight loop; `Loader` calls any other field's own
`deserialize`, skipping only the schema's machinery. They only ever *vouch*: whenever
the fast path meets anything it does not handle exactly as marshmallow would (a field type it
does not know, a value of another type, a failed check), it hands the whole record to marshmallow
itself, so every error message, and every unusual input, is marshmallow's. Tests hold the two paths
to the same answers (tests/unit/test_fastschema.py).
"""
import datetime as dt
import math

from marshmallow import INCLUDE, RAISE, ValidationError, fields, missing, validate
from marshmallow.decorators import POST_DUMP, POST_LOAD, PRE_DUMP, PRE_LOAD, VALIDATES, VALIDATES_SCHEMA


class _Unsure(Exception):
    """The fast path cannot vouch for this value: marshmallow decides."""


def _string(value):
    if type(value) is not str:
        raise _Unsure
    return value


def _integer(value):
    if type(value) is not int:
        raise _Unsure
    return value


def _float(value):
    if type(value) not in (int, float) or not math.isfinite(value):
        raise _Unsure
    return float(value)


def _boolean(value):
    if type(value) is not bool:
        raise _Unsure
    return value


def _loads_iso(parse, kind, aware=None):
    def load(value):
        if type(value) is kind:  # marshmallow takes the object itself as it is
            parsed = value
        elif type(value) is not str:
            raise _Unsure
        else:
            try:
                parsed = parse(value)
            except ValueError:
                raise _Unsure from None
        if aware is not None and (parsed.tzinfo is not None) != aware:
            raise _Unsure
        return parsed
    return load


def _dumps_datetime(value):
    if not isinstance(value, dt.datetime):
        raise _Unsure
    return value.isoformat()


def _dumps_date(value):
    if type(value) is not dt.date:
        raise _Unsure
    return value.isoformat()


def _converter(field, loading):
    """A function doing what `field` does to one value, raising _Unsure where it is not sure; None
    for a field it does not know."""
    kind = type(field)
    if getattr(field, "pre_load", None) or getattr(field, "post_load", None):
        return None
    if loading and getattr(field, "fast_load", None) is not None:  # a field of ours that vouches itself
        return _vouched_by(field.fast_load)
    if kind is fields.String:
        return _string
    if kind is fields.Integer:
        return _integer
    if kind is fields.Float and not field.as_string and not field.allow_nan:
        return _float
    if kind is fields.Boolean:
        return _boolean
    if kind in (fields.DateTime, fields.AwareDateTime) and field.format == "iso":
        if not loading:
            return _dumps_datetime
        if kind is fields.AwareDateTime and field.default_timezone is not None:
            return None
        return _loads_iso(dt.datetime.fromisoformat, dt.datetime, aware=True if kind is fields.AwareDateTime else None)
    if kind is fields.Date and field.format == "iso":
        return _loads_iso(dt.date.fromisoformat, dt.date) if loading else _dumps_date
    if kind is fields.Dict and field.key_field is None and field.value_field is None:
        return _dict
    if kind is fields.List:
        inner = _compile_field(field.inner, loading)
        if inner is None:
            return None
        return _list_of(inner)
    return None


def _vouched_by(fast_load):
    """A field's own fast_load(value), any exception from it sending the record to marshmallow."""
    def load(value):
        try:
            return fast_load(value)
        except Exception:  # noqa: BLE001 - unsure of the value, whatever the reason: marshmallow decides
            raise _Unsure from None
    return load


def _dict(value):
    if type(value) is not dict:
        raise _Unsure
    return dict(value)


def _list_of(inner):
    def convert(value):
        if type(value) not in (list, tuple):
            raise _Unsure
        return [inner(item) for item in value]
    return convert


def _check(validator):
    """A validator as a cheap test; OneOf becomes a set look-up, and a validator of ours may offer
    `accepts(value) -> bool` itself."""
    if getattr(validator, "accepts", None) is not None:
        return validator.accepts
    if type(validator) is validate.OneOf:
        try:
            choices = frozenset(validator.choices)
        except TypeError:
            choices = None
        if choices is not None:
            def one_of(value):
                try:
                    return value in choices
                except TypeError:
                    return False
            return one_of

    def other(value):
        try:
            validator(value)
        except ValidationError:
            return False
        return True
    return other


def _compile_field(field, loading):
    """convert(value) -> value, with None and the field's validators handled; None if unknown."""
    convert = _converter(field, loading)
    if convert is None:
        return None
    checks = tuple(_check(v) for v in field.validators) if loading else ()
    allow_none = field.allow_none

    def run(value):
        if value is None:
            if not allow_none:
                raise _Unsure
            return None
        value = convert(value)
        for check in checks:
            if not check(value):
                raise _Unsure
        return value
    return run


def _deserializer(field, key):
    def run(value, data):
        return field.deserialize(value, key, data)  # a ValidationError sends the record to marshmallow
    return run


def _plain(schema, hooks):
    return not any(schema._hooks[hook] for hook in hooks)


class Loader:
    """`schema.load` for one dict, fast when every field is plain and the input is as expected."""

    def __init__(self, schema):
        self.schema = schema
        self.fields = self._compile(schema)
        self.strict = schema.unknown == RAISE
        self.known = frozenset(key for key, _name, *_rest in self.fields or ())
        self.schema_checks = [getattr(schema, name) for name, _many, kwargs in schema._hooks[VALIDATES_SCHEMA]
                              if not kwargs.get("pass_original")]

    @staticmethod
    def _compile(schema):
        if not _plain(schema, (PRE_LOAD, POST_LOAD, VALIDATES)) or schema.many or schema.partial \
                or schema.unknown == INCLUDE:
            return None
        if any(kwargs.get("pass_original") for _n, _m, kwargs in schema._hooks[VALIDATES_SCHEMA]):
            return None
        compiled = []
        for name, field in schema.load_fields.items():
            if field.attribute not in (None, name):
                return None
            key = field.data_key or name
            run = _compile_field(field, loading=True)
            if run is None:  # a field type of its own: its own deserialize, without the schema's machinery
                compiled.append((key, name, field.required, field.load_default, _deserializer(field, key), True))
            else:
                compiled.append((key, name, field.required, field.load_default, run, False))
        return compiled

    def load(self, data):
        """What `schema.load(data)` returns; raises its ValidationError for bad input."""
        if self.fields is not None and type(data) is dict:
            try:
                return self._fast(data)
            except (_Unsure, ValidationError):
                pass
        return self.schema.load(data)

    def _fast(self, data):
        if self.strict and not self.known.issuperset(data):
            raise _Unsure
        out = {}
        for key, name, required, default, run, whole in self.fields:
            value = data.get(key, missing)
            if value is missing:
                if required:
                    raise _Unsure
                if default is not missing:
                    out[name] = default() if callable(default) else default
                continue
            out[name] = run(value, data) if whole else run(value)
        for check in self.schema_checks:
            check(out, partial=None, many=False, unknown=self.schema.unknown)
        return out


class Dumper:
    """`schema.dump(data)` of a dict, checked as `schema.validate` would check the result."""

    def __init__(self, schema):
        self.schema = schema
        self.fields = self._compile(schema)
        self.loader = Loader(schema)

    @staticmethod
    def _compile(schema):
        if not _plain(schema, (PRE_DUMP, POST_DUMP, PRE_LOAD, POST_LOAD, VALIDATES, VALIDATES_SCHEMA)):
            return None
        if schema.many or set(schema.load_fields) != set(schema.dump_fields):
            return None
        compiled = []
        for name, field in schema.dump_fields.items():
            run = _compile_field(field, loading=False)
            checks = tuple(_check(v) for v in field.validators)
            if run is None or field.attribute not in (None, name) or field.dump_default is not missing:
                return None
            if checks and type(field) not in (fields.String, fields.Integer, fields.Float, fields.Boolean, fields.Dict):
                return None  # its validators would see the loaded value, not the dumped one
            if type(field) is fields.List and _inner_validators(field):
                return None
            compiled.append((field.data_key or name, name, field.required, run, checks))
        return compiled

    def dump(self, data):
        """(payload, errors): the dump, and what validating it would say ({} when it is valid)."""
        if self.fields is not None and type(data) is dict:
            try:
                return self._fast(data), {}
            except _Unsure:
                pass
        payload = self.schema.dump(data)
        return payload, self.schema.validate(payload)

    def _fast(self, data):
        out = {}
        for key, name, required, run, checks in self.fields:
            value = data.get(name, missing)
            if value is missing:
                if required:
                    raise _Unsure
                continue
            value = out[key] = run(value)
            if value is not None:
                for check in checks:
                    if not check(value):
                        raise _Unsure
        return out


def _inner_validators(field):
    inner = field.inner
    return inner.validators or (type(inner) is fields.List and _inner_validators(inner))
