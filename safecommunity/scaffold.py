"""`safecommunity new-service NAME`: a working service in one new folder, services/NAME/, in the
small shape of ../shared/style.md: manifest, service (entrypoints only), domain, schemas, storage
(its tables inside), contracts (the events it publishes), its first migration, a README, a unit test
and a test over HTTP in both modes. Nothing outside the folder is written: discovery finds it, the
catalogue takes its events, reports journals them, its scopes come from its manifest.

What it makes is a register of records (`POST/GET /api/NAME/records`, event `NAME.recorded`) to
grow from: rename the record, add its fields, its rules, the events it consumes
(`consumes=` in the manifest and an @event_handler)."""
import keyword
import re
from pathlib import Path

NAME = re.compile(r"^[a-z][a-z0-9]{1,29}$")  # a folder, a queue, a database and a URL prefix alike


class ScaffoldRefused(ValueError):
    pass


def new_service(root, name, summary=None):
    """Writes services/<name>/ under `root`; the paths written."""
    if not NAME.match(name) or keyword.iskeyword(name):
        raise ScaffoldRefused(f"{name!r}: use 2 to 30 lower-case letters and digits, a letter first")
    folder = Path(root) / "services" / name
    if folder.exists():
        raise ScaffoldRefused(f"{folder} exists already")
    words = {"__name__": name, "__Name__": name.capitalize(), "__summary__": summary or f"the {name} register"}
    written = []
    for relative, text in FILES.items():
        path = folder / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        for marker, word in words.items():
            text = text.replace(marker, word)
        path.write_text(text)
        written.append(path)
    return written


MANIFEST = '''"""What the backbone needs to know of this service to find, run, back up and deploy it
(safecommunity/discovery.py)."""
from safecommunity.discovery import Manifest

SCOPES = {
    "__name__:read": ("__name__'s records", "读取__name__记录"),
    "__name__:write": ("record and change __name__'s records", "登记与修改__name__记录"),
}

MANIFEST = Manifest(
    name="__name__", scopes=SCOPES, events="services.__name__.contracts",
    summary="__summary__")
'''

CONTRACTS = '''"""Events __name__ publishes: ids and codes only, never a name, phone, address or free text."""
from marshmallow import fields

from safecommunity.contracts import EventSpec, Payload


class RecordedSchema(Payload):
    record_id = fields.String(required=True)
    kind = fields.String(required=True)
    grid_code = fields.String(allow_none=True, load_default=None)


EVENTS = (
    EventSpec("__name__.recorded", "__name__", RecordedSchema(), 1, ("reports",), "A __name__ record was added."),
)
'''

DOMAIN = '''"""__name__'s records and their rules. Pure Python: no nameko, SQLAlchemy or marshmallow."""
from dataclasses import dataclass, field
from datetime import datetime, timezone

from safecommunity.domain import Aggregate
from safecommunity.errors import FieldInvalid
from safecommunity.ids import new_id


@dataclass
class Record(Aggregate):
    kind: str
    grid_code: str | None = None
    note: str | None = None
    recorded_by: str | None = None
    recorded_at: datetime | None = None
    id: str = field(default_factory=new_id)

    @classmethod
    def add(cls, kind, grid_code=None, note=None, actor="system"):
        if note is not None and not note.strip():
            raise FieldInvalid("note", "must not be blank (leave it out instead)")
        record = cls(kind=kind, grid_code=grid_code, note=note, recorded_by=actor,
                     recorded_at=datetime.now(timezone.utc))
        record.record("__name__.recorded", record_id=record.id, kind=kind, grid_code=grid_code)  # no note: free text
        return record
'''

SCHEMAS = '''"""__name__'s HTTP input and output: requests strict (unknown fields refused), texts bounded."""
from marshmallow import RAISE, Schema, fields, validate

from safecommunity.text import ValidText

CODE = [validate.Length(1, 40), validate.Regexp(r"^[A-Za-z0-9][A-Za-z0-9_.-]*$"), ValidText()]


class Strict(Schema):
    class Meta:
        unknown = RAISE


class AddRecordSchema(Strict):
    kind = fields.String(required=True, validate=CODE)
    grid_code = fields.String(load_default=None, allow_none=True, validate=CODE)
    note = fields.String(load_default=None, allow_none=True, validate=[validate.Length(max=2000), ValidText()])


class RecordQuerySchema(Strict):
    limit = fields.String(validate=[validate.Length(max=20), ValidText()])
    offset = fields.String(validate=[validate.Length(max=20), ValidText()])


class RecordSchema(Schema):
    id, kind = fields.String(), fields.String()
    grid_code, note = fields.String(allow_none=True), fields.String(allow_none=True)
    recorded_by, recorded_at = fields.String(allow_none=True), fields.DateTime(allow_none=True)
'''

STORAGE = '''"""__name__'s tables, repository and unit of work: the only place with queries."""
from sqlalchemy import Column, DateTime, Index, MetaData, String, Table, Text, insert, select

from safecommunity.database import as_utc
from safecommunity.storage import UnitOfWork
from safecommunity.tables import add_backbone_tables

from .domain import Record

metadata = add_backbone_tables(MetaData())  # the outbox, inbox and dead letters beside its own

records = Table(
    "records", metadata,
    Column("id", String(36), primary_key=True),
    Column("kind", String(40), nullable=False),
    Column("grid_code", String(40)),
    Column("note", Text),
    Column("recorded_by", String(120)),
    Column("recorded_at", DateTime(timezone=True)),  # UTC: SQLite keeps no offset
    Index("ix_records_recorded_at", "recorded_at"),
)


class Records:
    def __init__(self, uow):
        self.uow, self.session = uow, uow.session

    def add(self, record):
        self.session.execute(insert(records), [{c.name: getattr(record, c.name) for c in records.columns}])
        self.uow.track(record)  # its events go out with the commit

    def list(self, limit, offset):
        rows = self.session.execute(select(records).order_by(records.c.recorded_at.desc(), records.c.id)
                                    .limit(limit).offset(offset)).all()
        return [Record(**{**row._mapping, "recorded_at": as_utc(row.recorded_at)}) for row in rows]


class __Name__UnitOfWork(UnitOfWork):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.records = Records(self)
'''

SERVICE = '''"""__name__: __summary__ (entrypoints only; the rules are in domain.py)."""
from safecommunity.auth import Auth
from safecommunity.storage import Store
from safecommunity.web import http, paging, read_json

from .domain import Record
from .schemas import AddRecordSchema, RecordQuerySchema, RecordSchema
from .storage import __Name__UnitOfWork

READ, WRITE = "__name__:read", "__name__:write"


class __Name__Service:
    name = "__name__"
    store = Store(__Name__UnitOfWork)
    caller = Auth()

    @http("POST", "/api/__name__/records", body=AddRecordSchema, scope=WRITE)
    def add_record(self, request):
        command = AddRecordSchema().load(read_json(request))
        record = Record.add(actor=self.caller.subject, **command)
        self.store.records.add(record)
        self.store.commit()                     # the record and its event, in one transaction
        return 201, RecordSchema().dump(record)

    @http("GET", "/api/__name__/records", query=RecordQuerySchema, scope=READ)
    def list_records(self, request):
        RecordQuerySchema().load(request.args)
        limit, offset = paging(request)
        return {"records": RecordSchema(many=True).dump(self.store.records.list(limit, offset))}


SERVICE = __Name__Service
'''

README = '''# __name__
__summary__.

**Owns** its records (kind, grid, a note; who recorded each and when). **Publishes**
`__name__.recorded` (the record's id, kind and grid: never the note). **Consumes** nothing yet: to
hear another service's event, name its type in `manifest.py`'s `consumes=` and add an
`@event_handler` to `service.py` (claim the events with `self.store.inbox.claim(events)`).

**Access**: `GET` needs `__name__:read`, `POST` `__name__:write` (the scopes are in `manifest.py`).

| HTTP (under `/api/__name__/`) | |
|---|---|
| `POST records` `{kind, grid_code?, note?}` | a record (201); its caller kept as `recorded_by` |
| `GET records?limit&offset` | the newest first |

Its next migration: `safecommunity makemigration __name__ -m "what changed"`. Its tests:
`.venv/bin/python -m pytest services/__name__`.
'''

ENV = '''from safecommunity.migrate import run_migrations
from services.__name__.storage import metadata

run_migrations(metadata)
'''

SCRIPT_MAKO = '''"""${message}

Revision ID: ${up_revision}
Revises: ${down_revision | comma,n}
Create Date: ${create_date}

"""
from typing import Sequence, Union

from alembic import op
import sqlalchemy as sa
${imports if imports else ""}

# revision identifiers, used by Alembic.
revision: str = ${repr(up_revision)}
down_revision: Union[str, Sequence[str], None] = ${repr(down_revision)}
branch_labels: Union[str, Sequence[str], None] = ${repr(branch_labels)}
depends_on: Union[str, Sequence[str], None] = ${repr(depends_on)}


def upgrade() -> None:
    """Upgrade schema."""
    ${upgrades if upgrades else "pass"}


def downgrade() -> None:
    """Downgrade schema."""
    ${downgrades if downgrades else "pass"}
'''

FIRST_MIGRATION = '''"""__name__'s records, beside the backbone's tables

Revision ID: 0001
Revises:
Create Date: made by safecommunity new-service

"""
from typing import Sequence, Union

import sqlalchemy as sa
from alembic import op

from safecommunity.backbone_migration import create_backbone_tables, drop_backbone_tables

revision: str = '0001'
down_revision: Union[str, Sequence[str], None] = None
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None


def upgrade() -> None:
    create_backbone_tables()
    op.create_table(
        'records',
        sa.Column('id', sa.String(length=36), nullable=False),
        sa.Column('kind', sa.String(length=40), nullable=False),
        sa.Column('grid_code', sa.String(length=40), nullable=True),
        sa.Column('note', sa.Text(), nullable=True),
        sa.Column('recorded_by', sa.String(length=120), nullable=True),
        sa.Column('recorded_at', sa.DateTime(timezone=True), nullable=True),
        sa.PrimaryKeyConstraint('id'))
    op.create_index('ix_records_recorded_at', 'records', ['recorded_at'])


def downgrade() -> None:
    op.drop_index('ix_records_recorded_at', table_name='records')
    op.drop_table('records')
    drop_backbone_tables()
'''

UNIT_TEST = '''"""__name__'s rules, without I/O."""
import pytest

from safecommunity.errors import FieldInvalid
from services.__name__.domain import Record


def test_a_record_records_its_event_with_codes_and_never_its_note():
    record = Record.add("visit", grid_code="G1", note="Mrs Wang, 3 Lane", actor="inspector-li")
    [(type_, data)] = record.collect_events()
    assert type_ == "__name__.recorded" and data == {"record_id": record.id, "kind": "visit", "grid_code": "G1"}
    assert record.recorded_by == "inspector-li" and record.recorded_at.tzinfo is not None


def test_a_blank_note_is_refused_naming_the_field():
    with pytest.raises(FieldInvalid) as refused:
        Record.add("visit", note="   ")
    assert refused.value.messages == {"note": ["must not be blank (leave it out instead)"]}
'''

HTTP_TEST = '''"""__name__ over real HTTP, embedded (SQLite, the in-process broker) and on PostgreSQL and
RabbitMQ: a record added by its caller, listed, refused when bad, its event journalled by reports."""
import pytest
import requests

from safecommunity.testing import PostgresDatabases, RabbitVhost, ServiceProcess, free_port, wait_until

pytestmark = pytest.mark.integration


@pytest.fixture(params=["embedded", "distributed"])
def platform(request, tmp_path):
    env = {"SAFECOMMUNITY_DATA": str(tmp_path / "data")}
    if request.param == "distributed":
        vhost, databases = RabbitVhost().__enter__(), PostgresDatabases().__enter__()
        request.addfinalizer(lambda: (databases.__exit__(None, None, None), vhost.__exit__(None, None, None)))
        env.update({"AMQP_URI": vhost.uri, "DATABASE_URL": databases.url})
    running = ServiceProcess(["__name__", "reports"], free_port(), env, log_path=tmp_path / "platform.log")
    request.addfinalizer(running.stop)
    running.start(migrate=True)
    return running


def test_a_record_is_kept_with_its_caller_listed_and_its_event_reaches_reports(platform):
    session = requests.Session()
    session.headers["Authorization"] = f"Bearer {platform.admin_token(subject='inspector-li')}"
    api = f"{platform.url}/api/__name__/records"
    made = session.post(api, json={"kind": "visit", "grid_code": "G1", "note": "checked"}, timeout=10)
    assert made.status_code == 201 and made.json()["recorded_by"] == "inspector-li"
    assert [r["id"] for r in session.get(api, timeout=10).json()["records"]] == [made.json()["id"]]
    refused = session.post(api, json={"kind": "", "colour": "red"}, timeout=10)
    assert refused.status_code == 400 and set(refused.json()["fields"]) == {"kind", "colour"}
    assert requests.get(api, timeout=10).status_code in (401, 403)   # records need a token
    wait_until(lambda: session.get(f"{platform.url}/api/reports/summary", timeout=10).json()["events_kept"] == 1,
               message="__name__.recorded journalled by reports")
'''

FILES = {
    "__init__.py": "",
    "README.md": README,
    "manifest.py": MANIFEST,
    "contracts.py": CONTRACTS,
    "domain.py": DOMAIN,
    "schemas.py": SCHEMAS,
    "storage.py": STORAGE,
    "service.py": SERVICE,
    "migrations/__init__.py": "",
    "migrations/env.py": ENV,
    "migrations/script.py.mako": SCRIPT_MAKO,
    "migrations/versions/__init__.py": "",
    "migrations/versions/0001_initial.py": FIRST_MIGRATION,
    "tests/__init__.py": "",
    "tests/test_domain.py": UNIT_TEST,
    "tests/test_http.py": HTTP_TEST,
}
