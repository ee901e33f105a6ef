"""Notifications' tables: the delivery log, the view of the registry it resolves recipients from
and matches units' types against,
contacts (sealed), subscriptions and open escalations."""
from sqlalchemy import (
    Boolean,
    Column,
    Date,
    DateTime,
    Index,
    Integer,
    MetaData,
    String,
    Table,
    Text,
    UniqueConstraint,
)
from sqlalchemy import false as sa_false

from safecommunity.tables import add_backbone_tables

metadata = add_backbone_tables(MetaData())
CODE, KEY = 40, 120  # a registry code; a recipient key (person:…, department:…, unit:…)

deliveries = Table(
    "deliveries", metadata,
    Column("id", String(36), primary_key=True),
    Column("trigger_event_id", String(64), nullable=False),
    Column("channel", String(20), nullable=False),
    Column("recipient", String(KEY), nullable=False, index=True),
    Column("subject", String(300), nullable=False),
    Column("body", Text, nullable=False),
    Column("status", String(20), nullable=False),
    Column("created_at", DateTime(timezone=True), nullable=False, index=True),
    # the address masked (138****1234): no contact in clear, nor sealed, is kept here; the sender
    # looks the recipient's up for each send (migration 0010)
    Column("address_masked", String(500), nullable=False, server_default=""),
    Column("triggered_at", DateTime(timezone=True)),
    Column("attempts", Integer, nullable=False, server_default="0"),
    Column("next_attempt_at", DateTime(timezone=True)),
    Column("last_answer", Text, nullable=False, server_default=""),
    Column("sent_at", DateTime(timezone=True)),
    Column("acknowledged_at", DateTime(timezone=True)),
    Column("acknowledged_by", String(120), nullable=False, server_default=""),
    Column("urgent", Boolean, nullable=False, server_default=sa_false()),
    Column("read_at", DateTime(timezone=True)),     # in-app: when its recipient opened it
    UniqueConstraint("trigger_event_id", "channel", "recipient", name="uq_deliveries_once"),
    Index("ix_deliveries_status_next", "status", "next_attempt_at"),
)

# -- the registry as notifications needs it (grid.created, department.registered, assignment.*) --------
grids = Table(
    "grids", metadata,
    Column("code", String(CODE), primary_key=True),
    Column("name", String(200), nullable=False),
    Column("level", String(20), nullable=False),
    Column("parent_code", String(CODE)),
)
departments = Table(
    "departments", metadata,
    Column("code", String(CODE), primary_key=True),
    Column("name", String(200), nullable=False),
    Column("kind", String(40), nullable=False, index=True),
)
role_holders = Table(
    "role_holders", metadata,
    Column("assignment_id", String(64), primary_key=True),
    Column("person_key", String(64), nullable=False),
    Column("role", String(40), nullable=False),
    Column("grid_code", String(CODE)),
    Column("department_code", String(CODE)),
    Column("term_from", Date, nullable=False),
    Column("term_to", Date),
    Index("ix_role_holders_role_grid", "role", "grid_code"),
)
units = Table(  # unit.registered / unit.updated: what a subscription's unit_type is matched against
    "units", metadata,
    Column("unit_id", String(64), primary_key=True),
    Column("type", String(CODE), nullable=False),
    Column("grid_code", String(CODE)),
)
hazard_units = Table(  # hazard.reported's unit, for the notices of the hazard's later steps
    "hazard_units", metadata,
    Column("hazard_id", String(64), primary_key=True),
    Column("unit_id", String(64), nullable=False),
)

# -- what notifications keeps of its own ------------------------------------------------------------
contacts = Table(
    "contacts", metadata,
    Column("recipient", String(KEY), primary_key=True),
    Column("channel", String(20), primary_key=True),
    Column("address_sealed", Text, nullable=False),  # Fernet: contacts.py
    Column("updated_at", DateTime(timezone=True), nullable=False),
    Column("updated_by", String(120), nullable=False),
)
subscriptions = Table(
    "subscriptions", metadata,
    Column("id", String(36), primary_key=True),
    Column("recipient", String(KEY), nullable=False, index=True),
    Column("event_type", String(100), nullable=False, index=True),
    Column("filter", Text, nullable=False),      # JSON
    Column("channels", Text, nullable=False),    # JSON
    Column("frequency", String(20), nullable=False),
    Column("hour", Integer, nullable=False, server_default="8"),
    Column("weekday", Integer, nullable=False, server_default="1"),
    Column("created_at", DateTime(timezone=True), nullable=False),
    Column("created_by", String(120), nullable=False),
)
escalations = Table(
    "escalations", metadata,
    Column("id", String(36), primary_key=True),
    Column("trigger_event_id", String(64), nullable=False),
    Column("rule", String(80), nullable=False),
    Column("event_type", String(100), nullable=False),
    Column("payload", Text, nullable=False),     # JSON: the event's, to render the next notices
    Column("triggered_at", DateTime(timezone=True)),
    Column("after_minutes", Text, nullable=False),  # JSON: the policy as it was when the notice went out
    Column("role", String(40), nullable=False),
    Column("channels", Text, nullable=False),    # JSON
    Column("grid_code", String(CODE)),          # the grid whose holders were told last
    Column("step", Integer, nullable=False),
    Column("status", String(20), nullable=False),
    Column("next_at", DateTime(timezone=True)),
    Column("closed_at", DateTime(timezone=True)),
    Column("urgent", Boolean, nullable=False, server_default=sa_false()),
    UniqueConstraint("trigger_event_id", "rule", name="uq_escalations_once"),
    Index("ix_escalations_status_next", "status", "next_at"),
)
alerts = Table(  # public warnings as CAP 1.2 alerts (alerts.py), kept as issued
    "alerts", metadata,
    Column("identifier", String(120), primary_key=True),
    Column("sender", String(200), nullable=False),
    Column("sent", DateTime(timezone=True), nullable=False, index=True),
    Column("warning", Text, nullable=False),      # JSON: the warning as the department posted it
    Column("grid_names", Text, nullable=False),   # JSON: the names its area had when issued
    Column("references", Text, nullable=False),   # JSON: [sender, identifier, sent] of each earlier alert
    Column("cap_xml", Text, nullable=False),      # the CAP document, as issued
    Column("created_by", String(120), nullable=False),
)
digest_lines = Table(  # events kept for a recipient's next digest on a channel (digests.py)
    "digest_lines", metadata,
    Column("id", String(36), primary_key=True),
    Column("recipient", String(KEY), nullable=False),
    Column("channel", String(20), nullable=False),
    Column("frequency", String(20), nullable=False),
    Column("hour", Integer, nullable=False),
    Column("weekday", Integer, nullable=False),
    Column("event_id", String(64), nullable=False),
    Column("event_type", String(100), nullable=False),
    Column("line", String(300), nullable=False),
    Column("created_at", DateTime(timezone=True), nullable=False),
    Column("digest", String(60)),                # the period it went out in; NULL: pending
    UniqueConstraint("event_id", "recipient", "channel", "frequency", name="uq_digest_lines_once"),
    Index("ix_digest_lines_pending", "digest", "recipient", "channel"),
)
logins = Table(  # whose inbox a caller's token opens: a login (a token's subject) -> the recipients it is
    "logins", metadata,
    Column("subject", String(120), primary_key=True),
    Column("recipient", String(KEY), primary_key=True),
    Column("updated_at", DateTime(timezone=True), nullable=False),
    Column("updated_by", String(120), nullable=False),
)
