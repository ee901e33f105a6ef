"""The CloudEvents 1.0 envelope every event travels in; `type` is also the routing key."""
import json
from dataclasses import dataclass, field
from datetime import datetime, timezone

from marshmallow import EXCLUDE, Schema, ValidationError, fields, validate

from .fastschema import Dumper, Loader
from .ids import new_id

SPECVERSION = "1.0"


class MalformedEvent(Exception):
    """An envelope or payload a consumer cannot read; it is rejected with this reason."""


@dataclass(frozen=True)
class Event:
    type: str
    source: str
    data: dict
    id: str = field(default_factory=new_id)
    time: str = field(default_factory=lambda: datetime.now(timezone.utc).isoformat())
    subject: str | None = None
    dataversion: int = 1
    specversion: str = SPECVERSION
    datacontenttype: str = "application/json"
    # CloudEvents extension attributes: who asked for the change (a token's subject, or "system"),
    # and the id of the request it came from, carried on into whatever the consumers do.
    actor: str | None = None
    correlationid: str | None = None

    def to_dict(self):
        attrs = {
            "specversion": self.specversion, "id": self.id, "source": self.source,
            "type": self.type, "time": self.time, "subject": self.subject,
            "datacontenttype": self.datacontenttype, "dataversion": self.dataversion,
            "data": self.data,
        }
        for name in ("actor", "correlationid"):
            if getattr(self, name) is not None:
                attrs[name] = getattr(self, name)
        return attrs

    def to_json(self):
        return json.dumps(self.to_dict(), ensure_ascii=False, separators=(",", ":"))

    @classmethod
    def from_trusted_json(cls, text):
        """An event this service already checked and kept (its journal): parsed, not re-validated."""
        attrs = json.loads(text)
        return cls(**{name: attrs[name] for name in cls.__dataclass_fields__ if name in attrs})


class EnvelopeSchema(Schema):
    class Meta:
        unknown = EXCLUDE  # tolerant reader: extensions we do not know are ignored

    specversion = fields.String(required=True, validate=validate.Equal(SPECVERSION))
    id = fields.String(required=True, validate=validate.Length(min=1, max=64))
    source = fields.String(required=True, validate=validate.Length(min=1))
    type = fields.String(required=True, validate=validate.Regexp(r"^[a-z_]+\.[a-z_]+$"))
    time = fields.String(required=True)
    subject = fields.String(allow_none=True, load_default=None)
    datacontenttype = fields.String(load_default="application/json")
    dataversion = fields.Integer(load_default=1)
    data = fields.Dict(required=True)
    actor = fields.String(load_default=None, validate=validate.Length(max=120))
    correlationid = fields.String(load_default=None, validate=validate.Length(max=64))


_envelope = Loader(EnvelopeSchema())
_dumpers, _loaders = {}, {}  # per event type, made on first use


def new_event(type_, data, source, subject=None, actor=None, correlationid=None):
    """An event of a catalogued type; `data` is checked against the type's payload schema."""
    from .catalogue import spec_for  # the catalogue imports the contracts, which import nothing of ours

    spec = spec_for(type_)
    dumper = _dumpers.get(type_) or _dumpers.setdefault(type_, Dumper(spec.schema))
    payload, errors = dumper.dump(data)
    if errors:
        raise ValueError(f"{type_} payload does not match its contract: {errors}")
    return Event(type=type_, source=source, data=payload, subject=subject, dataversion=spec.version, actor=actor,
                 correlationid=correlationid)


def read_envelope(body):
    """Parse and check a message body (bytes, str or dict) into an Event; MalformedEvent if unreadable."""
    from .catalogue import spec_for

    try:
        raw = json.loads(body) if isinstance(body, (bytes, str)) else body
        attrs = _envelope.load(raw)
    except (ValueError, TypeError) as exc:
        raise MalformedEvent(f"envelope is not JSON: {exc}") from None
    except ValidationError as exc:
        raise MalformedEvent(f"envelope: {exc.messages}") from None
    try:
        spec = spec_for(attrs["type"])
    except KeyError:
        raise MalformedEvent(f"unknown event type {attrs['type']!r}") from None
    if attrs["dataversion"] != spec.version:
        raise MalformedEvent(f"{attrs['type']} dataversion {attrs['dataversion']} is not {spec.version}")
    loader = _loaders.get(spec.type) or _loaders.setdefault(spec.type, Loader(spec.schema))
    try:
        loader.load(attrs["data"])
    except ValidationError as exc:
        raise MalformedEvent(f"{attrs['type']} data: {exc.messages}") from None
    return Event(**attrs)
