"""Incidents tables (SQLAlchemy Table definitions) and their metadata."""
from datetime import timezone

from sqlalchemy import (
    JSON,
    Boolean,
    Column,
    DateTime,
    Float,
    Index,
    Integer,
    MetaData,
    String,
    Table,
    Text,
    TypeDecorator,
    UniqueConstraint,
)

from safecommunity.tables import ID, add_backbone_tables

metadata = add_backbone_tables(MetaData())


class Moment(TypeDecorator):
    """A moment, written in UTC and read back aware in UTC. SQLite keeps a datetime's clock
    reading and drops its offset: 08:10+08:00 stored as it is would come back as 08:10 UTC."""
    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value, dialect):
        if value is None or value.tzinfo is None:  # naive: UTC already (what SQLite hands back)
            return value
        value = value.astimezone(timezone.utc)
        return value.replace(tzinfo=None) if dialect.name == "sqlite" else value

    def process_result_value(self, value, dialect):
        if value is None:
            return None
        return value.replace(tzinfo=timezone.utc) if value.tzinfo is None else value.astimezone(timezone.utc)


injury_cases = Table(
    "injury_cases", metadata,
    Column("id", String(36), primary_key=True),
    Column("source", String(60), nullable=False),
    Column("external_id", String(60), nullable=False),
    Column("grid_code", String(40), index=True),
    Column("injury_time", Moment(), nullable=False),
    Column("visit_time", Moment(), nullable=False, index=True),
    Column("sex", String(10), nullable=False),
    Column("age", Integer, nullable=False),
    Column("residence_type", String(20), nullable=False),
    Column("cause", String(30), nullable=False),
    Column("intent", String(30), nullable=False),
    Column("place", String(30), nullable=False),
    Column("activity", String(30), nullable=False),
    Column("nature", String(30), nullable=False),
    Column("body_part", String(30), nullable=False),
    Column("severity", String(10), nullable=False),
    Column("outcome", String(30), nullable=False),
    Column("description", Text),
    Column("report_time", Moment()),
    Column("details", JSON),  # optional card fields and sub-forms
    Column("version", Integer, nullable=False, server_default="1"),
    UniqueConstraint("source", "external_id", name="uq_injury_cases_source_external_id"),
)

# Every step of a case, hazard or public-order event: who, when, why, evidence. `actor` is whom the
# request names (the inspector, the hospital); `caller` the subject of the token it came with.
history = Table(
    "history", metadata,
    Column("id", ID, primary_key=True, autoincrement=True),
    Column("subject_type", String(20), nullable=False),
    Column("subject_id", String(36), nullable=False),
    Column("action", String(30), nullable=False),
    Column("from_status", String(20)),
    Column("to_status", String(20)),
    Column("actor", String(120), nullable=False),
    Column("caller", String(120)),
    Column("at", Moment(), nullable=False),
    Column("reason", Text),
    Column("evidence", JSON, nullable=False),
    Column("details", JSON, nullable=False),
    Index("ix_history_subject", "subject_type", "subject_id", "id"),
)

hazards = Table(
    "hazards", metadata,
    Column("id", String(36), primary_key=True),
    Column("source", String(60), nullable=False),
    Column("external_id", String(60)),
    Column("found_by", String(20), nullable=False),
    Column("category", String(30), nullable=False, index=True),
    Column("severity", String(10), nullable=False),
    Column("status", String(20), nullable=False, index=True),
    Column("description", Text, nullable=False),
    Column("reported_by", String(120), nullable=False),
    Column("reported_at", Moment(), nullable=False),
    Column("deadline", Moment(), nullable=False),
    Column("grid_code", String(40), index=True),
    Column("unit_id", String(36), index=True),
    Column("unit_name", String(200)),
    Column("address", String(300)),
    Column("latitude", Float),
    Column("longitude", Float),
    Column("responsible_party", String(200)),
    Column("escalated_to", String(120)),
    Column("escalation_level", Integer, nullable=False),
    Column("rectified_at", Moment()),
    Column("overdue_raised_at", Moment()),
    Column("next_reminder_at", Moment(), index=True),
    Column("closed_at", Moment()),
    UniqueConstraint("source", "external_id", name="uq_hazards_source_external_id"),
    Index("ix_hazards_deadline", "deadline"),
)

attachments = Table(
    "attachments", metadata,
    Column("id", String(36), primary_key=True),
    Column("hazard_id", String(36), nullable=False, index=True),
    Column("filename", String(200), nullable=False),
    Column("content_type", String(100), nullable=False),
    Column("size", Integer, nullable=False),
    Column("sha256", String(64), nullable=False),
    Column("uploaded_by", String(120), nullable=False),
    Column("uploaded_at", Moment(), nullable=False),
)

accidents = Table(
    "accidents", metadata,
    Column("id", String(36), primary_key=True),
    Column("source", String(60), nullable=False),
    Column("external_id", String(60), nullable=False),
    Column("kind", String(30), nullable=False, index=True),
    Column("occurred_at", Moment(), nullable=False, index=True),
    Column("grid_code", String(40), index=True),
    Column("unit_id", String(36), index=True),
    Column("unit_name", String(200)),
    Column("address", String(300)),
    Column("deaths", Integer, nullable=False),
    Column("injuries", Integer, nullable=False),
    Column("economic_loss", Float),
    Column("mass_casualty", Boolean, nullable=False),
    Column("description", Text),
    UniqueConstraint("source", "external_id", name="uq_accidents_source_external_id"),
)

public_order_events = Table(
    "public_order_events", metadata,
    Column("id", String(36), primary_key=True),
    Column("source", String(60), nullable=False),
    Column("external_id", String(60), nullable=False),
    Column("kind", String(30), nullable=False, index=True),
    Column("occurred_at", Moment(), nullable=False, index=True),
    Column("grid_code", String(40), index=True),
    Column("address", String(300)),
    Column("description", Text),
    Column("stage", String(20)),
    UniqueConstraint("source", "external_id", name="uq_public_order_source_external_id"),
)

intake_rejections = Table(
    "intake_rejections", metadata,
    Column("id", String(36), primary_key=True),
    Column("channel", String(10), nullable=False),
    Column("department", String(60), index=True),
    Column("kind", String(30)),
    Column("source", String(60)),
    Column("external_id", String(60)),
    Column("routing_key", String(200)),
    Column("message_id", String(200)),
    Column("reasons", JSON, nullable=False),
    Column("rejected_at", Moment(), nullable=False, index=True),
)

# This service's own view of registry's grids, kept from grid.created events.
known_grids = Table(
    "known_grids", metadata,
    Column("code", String(40), primary_key=True),
    Column("name", String(200), nullable=False),
    Column("level", String(20), nullable=False),
)

# ... and of its units, kept from unit.registered and unit.updated: what resolves a unit a report names.
known_units = Table(
    "known_units", metadata,
    Column("unit_id", String(36), primary_key=True),
    Column("credit_code", String(18), index=True),
    Column("name", String(200), nullable=False),
    Column("type", String(40), nullable=False),
    Column("grid_code", String(40), nullable=False),
    Column("as_of", Moment(), nullable=False),  # time of the newest event applied
)
UNIT_COLUMNS = ("unit_id", "credit_code", "name", "type", "grid_code", "as_of")
