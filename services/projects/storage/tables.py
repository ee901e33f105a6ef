"""Projects' tables (migrations/versions builds them; a test checks the two agree)."""
from sqlalchemy import (
    JSON,
    BigInteger,
    Column,
    Date,
    DateTime,
    Float,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    String,
    Table,
    Text,
    UniqueConstraint,
)

from safecommunity.tables import add_backbone_tables

metadata = add_backbone_tables(MetaData())
ID, CODE, NAME, SHORT, TEXT, WHO = 36, 40, 200, 200, 2000, 120
AUTO_ID = BigInteger().with_variant(Integer(), "sqlite")


def moment(name, **kwargs):
    return Column(name, DateTime(timezone=True), **kwargs)


def who(name):
    return Column(name, String(WHO))


projects = Table(
    "projects", metadata,
    Column("id", String(ID), primary_key=True),
    Column("name", String(NAME), nullable=False),
    Column("intervention_area", String(CODE), nullable=False, index=True),
    Column("status", String(12), nullable=False),
    Column("working_group", String(NAME)),
    Column("target_group", String(NAME)),
    Column("start_date", Date),
    Column("working_group_id", String(ID), index=True),
    Column("lifecycle", String(12), nullable=False, server_default="planned"),
    Column("lead_department", String(CODE)),
    Column("partner_departments", JSON, nullable=False, server_default="[]"),
    Column("target_kind", String(12)),
    Column("target_code", String(CODE)),
    Column("baseline_figure", Float),
    Column("baseline_period", String(SHORT)),
    Column("baseline_source", String(SHORT)),
    Column("goals", JSON, nullable=False, server_default="[]"),
    Column("measures", JSON, nullable=False, server_default="[]"),
    Column("budget", Float),
    who("created_by"), moment("created_at"), who("changed_by"), moment("changed_at"),
)

project_history = Table(
    "project_history", metadata,
    Column("id", AUTO_ID, primary_key=True, autoincrement=True),
    Column("project_id", String(ID), ForeignKey("projects.id"), nullable=False),
    Column("action", String(20), nullable=False),
    Column("from_stage", String(12)),
    Column("to_stage", String(12)),
    Column("actor", String(WHO), nullable=False),
    moment("at", nullable=False),
    Column("reason", Text),
    Column("details", JSON, nullable=False),
    Index("ix_project_history_project", "project_id", "id"),
)

funding = Table(
    "project_funding", metadata,
    Column("id", String(ID), primary_key=True),
    Column("project_id", String(ID), ForeignKey("projects.id"), nullable=False, index=True),
    Column("source", String(SHORT), nullable=False),
    Column("amount", Float, nullable=False),
    Column("spent", Float, nullable=False),
    Column("recorded_on", Date, nullable=False),
    Column("recorded_by", String(WHO), nullable=False),
    Column("note", Text),
)

areas = Table(
    "intervention_areas", metadata,
    Column("code", String(CODE), primary_key=True),
    Column("name", String(NAME), nullable=False),
    Column("working_group_id", String(ID), index=True),
)

working_groups = Table(
    "working_groups", metadata,
    Column("id", String(ID), primary_key=True),
    Column("name", String(NAME), nullable=False, unique=True),
    Column("lead_department", String(CODE)),
    Column("partner_departments", JSON, nullable=False),
    Column("members", JSON, nullable=False),
    who("created_by"), moment("created_at"), who("changed_by"), moment("changed_at"),
)

committee = Table(
    "committee", metadata,   # one row: the site's promotion committee (促进委员会) and its office
    Column("id", String(12), primary_key=True),
    Column("office_department", String(CODE)),
    Column("members", JSON, nullable=False),
    who("changed_by"), moment("changed_at"),
)

organisation_history = Table(
    "organisation_history", metadata,
    Column("id", AUTO_ID, primary_key=True, autoincrement=True),
    Column("subject_type", String(20), nullable=False),   # area, working_group or committee
    Column("subject_id", String(ID), nullable=False),
    Column("action", String(20), nullable=False),
    Column("actor", String(WHO), nullable=False),
    moment("at", nullable=False),
    Column("details", JSON, nullable=False),
    Index("ix_organisation_history_subject", "subject_type", "subject_id", "id"),
)

meetings = Table(
    "meetings", metadata,
    Column("id", String(ID), primary_key=True),
    Column("held_on", Date, nullable=False, index=True),
    Column("kind", String(20), nullable=False),
    Column("working_group_id", String(ID), index=True),
    Column("attendance", Integer, nullable=False),
    Column("attendee_ids", JSON, nullable=False),
    Column("minutes", Text),
    Column("decisions", JSON, nullable=False),
    who("created_by"), moment("created_at"),
)

activities = Table(
    "activities", metadata,
    Column("id", String(ID), primary_key=True),
    Column("project_id", String(ID), ForeignKey("projects.id"), nullable=False, index=True),
    Column("name", String(NAME), nullable=False),
    Column("kind", String(20), nullable=False),
    Column("owner_assignment_id", String(ID)),
    Column("owner_department", String(CODE)),
    Column("grid_code", String(CODE)),
    Column("place", String(SHORT)),
    Column("on", Date),
    Column("frequency", String(12)),
    Column("starts_on", Date),
    Column("ends_on", Date),
    Column("measure_kind", String(20)),
    Column("trainer", String(SHORT)),
    Column("qualification", String(SHORT)),
    Column("hours", Float),
    Column("campaign", String(20)),
    Column("scheduled_count", Integer, nullable=False),
    Column("next_on", Date, index=True),  # the first occurrence not made yet (None: all made)
    who("created_by"), moment("created_at"),
)

occurrences = Table(
    "occurrences", metadata,
    Column("id", String(ID), primary_key=True),
    Column("activity_id", String(ID), ForeignKey("activities.id"), nullable=False),
    Column("project_id", String(ID), nullable=False, index=True),
    Column("kind", String(20), nullable=False),
    Column("scheduled_on", Date, nullable=False),
    Column("due_on", Date, nullable=False),
    Column("status", String(12), nullable=False),
    Column("done_on", Date),
    Column("reached", Integer),
    Column("attendee_ids", JSON, nullable=False),
    Column("certificates_issued", Integer),
    Column("leaflets", Integer),
    Column("note", Text),
    who("reported_by"), moment("reported_at"), moment("missed_at"),
    UniqueConstraint("activity_id", "scheduled_on", name="uq_occurrences_activity_day"),
    Index("ix_occurrences_status_due", "status", "due_on"),
)

evidence = Table(
    "evidence", metadata,   # a file's record; the file itself is on disk, named by its sha256 (files.py)
    Column("id", String(ID), primary_key=True),
    Column("subject", String(12), nullable=False),        # project, activity, occurrence or meeting
    Column("subject_id", String(ID), nullable=False),
    Column("project_id", String(ID), index=True),         # none for a meeting's
    Column("activity_id", String(ID)),
    Column("kind", String(30), nullable=False),
    Column("elements", JSON, nullable=False),
    Column("filename", String(NAME), nullable=False),
    Column("content_type", String(100), nullable=False),
    Column("size", Integer, nullable=False),
    Column("sha256", String(64), nullable=False),
    who("added_by"), moment("added_at"),
    UniqueConstraint("subject", "subject_id", "sha256", name="uq_evidence_subject_file"),
)

evidence_elements = Table(
    "evidence_elements", metadata,   # one row per (item, AQ/T 9001 element): counted per element
    Column("evidence_id", String(ID), ForeignKey("evidence.id"), primary_key=True),
    Column("element", String(30), primary_key=True, index=True),
)

evidence_requirements = Table(
    "evidence_requirements", metadata,   # a project's checklist, from the template it was made from
    Column("id", AUTO_ID, primary_key=True, autoincrement=True),
    Column("project_id", String(ID), ForeignKey("projects.id"), nullable=False, index=True),
    Column("template_code", String(CODE), nullable=False),
    Column("entry_code", String(CODE), nullable=False),
    Column("kind", String(30), nullable=False),
    Column("elements", JSON, nullable=False),
    Column("activity_id", String(ID)),
)

# Responsibility letters (letters.py): issued to a party, signed once.
letters = Table(
    "letters", metadata,
    Column("id", String(ID), primary_key=True),
    Column("kind", String(30), nullable=False),
    Column("level", String(12), nullable=False),
    Column("issuer", String(CODE), nullable=False),
    Column("party", String(ID), nullable=False),
    Column("period_from", Date, nullable=False),
    Column("period_to", Date, nullable=False),
    Column("targets", JSON, nullable=False),
    Column("project_id", String(ID), index=True),
    Column("signed_on", Date),
    who("issued_by"), moment("issued_at"), who("signed_by"),
    Index("ix_letters_level_period", "level", "period_from"),
)

# Monthly progress (progress.py): a month's occurrences are counted by project and due day.
Index("ix_occurrences_project_due", occurrences.c.project_id, occurrences.c.due_on)

evaluations = Table(
    "project_evaluations", metadata,   # a lead's phase evaluation (阶段评估) of a month, one per month
    Column("project_id", String(ID), ForeignKey("projects.id"), primary_key=True),
    Column("month", String(7), primary_key=True),   # YYYY-MM
    Column("rating", String(12), nullable=False),
    Column("summary", Text, nullable=False),
    Column("next_steps", Text),
    Column("written_by", String(WHO), nullable=False),
    moment("written_at", nullable=False),
)

# Indicators fed by events (indicators.py): definitions, each one's value by month, which cases
# each counts, the countable events themselves (so a new indicator counts the past too) and the
# registry as far as denominators and grid scopes need it.
indicators = Table(
    "indicators", metadata,
    Column("id", String(ID), primary_key=True),
    Column("project_id", String(ID), ForeignKey("projects.id"), nullable=False, index=True),
    Column("code", String(CODE), nullable=False),
    Column("name", String(NAME), nullable=False),
    Column("unit", String(40)),
    Column("event_type", String(60), index=True),   # what it counts; none for a share
    Column("counts", JSON),
    Column("share", JSON),
    Column("per", JSON),
    Column("grids", JSON, nullable=False),
    Column("factor", Float, nullable=False),
    Column("baseline", JSON),
    Column("target", JSON),
    who("created_by"), moment("created_at"),
    UniqueConstraint("project_id", "code", name="uq_indicators_project_code"),
)

indicator_values = Table(
    "indicator_values", metadata,
    Column("indicator_id", String(ID), ForeignKey("indicators.id"), primary_key=True),
    Column("month", String(7), primary_key=True),   # YYYY-MM on the site's calendar
    Column("numerator", Float, nullable=False),
    Column("denominator", Float),
    Column("value", Float),
    moment("updated_at", nullable=False),
)

indicator_hits = Table(
    "indicator_hits", metadata,     # the case (injury, accident…) an indicator counts, in its month
    Column("indicator_id", String(ID), primary_key=True),
    Column("subject_id", String(64), primary_key=True),
    Column("month", String(7), nullable=False),
    Index("ix_indicator_hits_month", "indicator_id", "month"),
)

counted_events = Table(
    "counted_events", metadata,     # the latest payload of every countable case (no identity in it)
    Column("event_type", String(60), primary_key=True),
    Column("subject_id", String(64), primary_key=True),
    Column("data", JSON, nullable=False),
)

registry_grids = Table(
    "registry_grids", metadata,
    Column("code", String(CODE), primary_key=True),
    Column("parent_code", String(CODE)),
)

registry_residents = Table(
    "registry_residents", metadata,
    Column("resident_id", String(64), primary_key=True),
    Column("grid_code", String(CODE), nullable=False, index=True),
    Column("sex", String(12), nullable=False),
    Column("birth_year", Integer, nullable=False),
    Column("residence_type", String(CODE), nullable=False),
)

registry_resident_tags = Table(
    "registry_resident_tags", metadata,
    Column("resident_id", String(64), primary_key=True),
    Column("tag", String(CODE), primary_key=True),
    Index("ix_registry_resident_tags_tag", "tag"),
)

registry_units = Table(
    "registry_units", metadata,
    Column("unit_id", String(64), primary_key=True),
    Column("type", String(CODE), nullable=False, index=True),
    Column("grid_code", String(CODE), nullable=False),
)

registry_facilities = Table(
    "registry_facilities", metadata,
    Column("facility_id", String(64), primary_key=True),
    Column("type", String(CODE), nullable=False, index=True),
    Column("grid_code", String(CODE), nullable=False),
    Column("status", String(20), nullable=False),
)

registry_assignments = Table(
    "registry_assignments", metadata,
    Column("assignment_id", String(64), primary_key=True),
    Column("person_key", String(64), nullable=False),
    Column("role", String(CODE), nullable=False),
    Column("grid_code", String(CODE)),
    Column("department_code", String(CODE)),
    Column("term_from", Date, nullable=False),
    Column("term_to", Date),
    Column("ended_on", Date),
)
