"""Reports' tables: read models built only from events, the journal of every event they came
from, and what is not a read model (KPI targets, issued reports).

Counts are kept per *scope*: a grid (with everything below it) or "*" for the whole district, so
any figure reads a handful of rows; a grid's own cases are facts of their own.
"""
from sqlalchemy import Boolean, Column, DateTime, Float, Index, Integer, MetaData, String, Table, Text

from safecommunity.tables import ID, add_backbone_tables

metadata = add_backbone_tables(MetaData())
DISTRICT = "*"
NO_GRID = ""
# The card's coded fields kept per case, and counted one at a time in the rollups.
CARD_DIMENSIONS = ("cause", "intent", "place", "activity", "nature", "body_part", "severity", "outcome",
                   "sex", "residence_type")
FACT_FIELDS = CARD_DIMENSIONS + ("age_band",)

journal = Table(
    "journal", metadata,
    Column("position", ID, primary_key=True, autoincrement=True),
    Column("event_id", String(64), nullable=False, unique=True),
    Column("type", String(100), nullable=False, index=True),
    Column("time", String(40), nullable=False),
    Column("envelope", Text, nullable=False),
)

grid_names = Table(
    "grid_names", metadata,
    Column("code", String(40), primary_key=True),
    Column("name", String(200), nullable=False),
    Column("level", String(20), nullable=False),
    Column("parent_code", String(40)),
)

# Injuries under a grid: for every case, each grid above the case's own grid, and "*" (the
# district), counts it per month and per card field: ("all", "") is the total; ("cause", "fall"),
# ("age_band", "60-79"), ("age_band*cause", "60-79*fall") and so on. A grid's own cases are in
# injury_facts, so any grid's figures are its rollup plus its own facts, and read few rows.
injury_rollups = Table(
    "injury_rollups", metadata,
    Column("scope", String(40), primary_key=True),
    Column("month", String(7), primary_key=True),
    Column("dimension", String(30), primary_key=True),
    Column("value", String(60), primary_key=True),
    Column("injuries", Integer, nullable=False),
)

injury_facts = Table(
    "injury_facts", metadata,
    Column("case_id", String(36), primary_key=True),
    Column("grid_code", String(40), nullable=False),   # "" when the case named no grid
    Column("month", String(7), nullable=False),
    *[Column(name, String(30), nullable=False) for name in FACT_FIELDS],
    Index("ix_injury_facts_grid_month", "grid_code", "month"),
)

grid_injuries = Table(   # a grid's own cases per month ("" for cases with no grid)
    "grid_injuries", metadata,
    Column("grid_code", String(40), primary_key=True),
    Column("month", String(7), primary_key=True),
    Column("injuries", Integer, nullable=False),
)

# Residents of a grid and everything below it ("*": the district), by birth year, sex and
# residence type; age bands are worked out for the year asked about.
population_stats = Table(
    "population_stats", metadata,
    Column("scope", String(40), primary_key=True),
    Column("birth_year", Integer, primary_key=True),
    Column("sex", String(10), primary_key=True),
    Column("residence_type", String(20), primary_key=True),
    Column("residents", Integer, nullable=False),
)

grid_residents = Table(  # residents registered in the grid itself
    "grid_residents", metadata,
    Column("grid_code", String(40), primary_key=True),
    Column("residents", Integer, nullable=False),
)

# Residents with each group tag (elderly living alone, disabled...), in a grid and everything below it.
population_tags = Table(
    "population_tags", metadata,
    Column("scope", String(40), primary_key=True),
    Column("tag", String(40), primary_key=True),
    Column("residents", Integer, nullable=False),
)

# What resident events have said of each tag's sensitivity (the registry's taxonomy decides): how
# many said it is sensitive, and how many said it is not. Once one says it is, it is (a tag type's
# sensitivity never changes); a tag no event has spoken of is treated as sensitive (suppression.py).
tag_sensitivity = Table(
    "tag_sensitivity", metadata,
    Column("tag", String(40), primary_key=True),
    Column("sensitive", Boolean, primary_key=True),
    Column("events", Integer, nullable=False),
)

# Units by type and risk grade, in a grid and everything below it ("" risk grade: not graded).
unit_stats = Table(
    "unit_stats", metadata,
    Column("scope", String(40), primary_key=True),
    Column("type", String(40), primary_key=True),
    Column("risk_grade", String(20), primary_key=True),
    Column("units", Integer, nullable=False),
)

# One row per facility, as its last event left it.
facilities = Table(
    "facilities", metadata,
    Column("facility_id", String(36), primary_key=True),
    Column("type", String(40), nullable=False),
    Column("grid_code", String(40), nullable=False, index=True),
    Column("status", String(20), nullable=False),
    Column("next_inspection_due", String(10), nullable=False),
)

# One row per rented dwelling and per volunteer, as their last event left them.
rentals = Table(
    "rentals", metadata,
    Column("rental_id", String(36), primary_key=True),
    Column("grid_code", String(40), nullable=False, index=True),
    Column("group_rental", Boolean, nullable=False),
    Column("letter_signed", Boolean, nullable=False),
    Column("tenants", Integer, nullable=False),
    Column("inspection_score", Integer),
)

volunteers = Table(
    "volunteers", metadata,
    Column("volunteer_id", String(36), primary_key=True),
    Column("grid_code", String(40), nullable=False, index=True),
    Column("type", String(40), nullable=False),
    Column("certified", Boolean, nullable=False),
    Column("active", Boolean, nullable=False),
)

# One row per hazard, as its last event left it.
hazards = Table(
    "hazards", metadata,
    Column("hazard_id", String(36), primary_key=True),
    Column("category", String(30), nullable=False),
    Column("severity", String(10), nullable=False),
    Column("grid_code", String(40), nullable=False, index=True),   # "" when none
    Column("status", String(12), nullable=False),
    Column("deadline", String(40), nullable=False),
    Column("reported_at", String(40), nullable=False, index=True),
    Column("rectified_at", String(40)),
    Column("verified_on_time", Boolean),
    Column("overdue", Boolean, nullable=False),
    Column("escalations", Integer, nullable=False),
)

# Accidents under a grid and in it, like injury_rollups: per scope, month and kind, one row per
# measure (accidents, deaths, injuries, loss in yuan, mass_casualty).
accident_rollups = Table(
    "accident_rollups", metadata,
    Column("scope", String(40), primary_key=True),
    Column("month", String(7), primary_key=True),
    Column("kind", String(30), primary_key=True),
    Column("measure", String(20), primary_key=True),
    Column("amount", Float, nullable=False),
)

# One row per public-order event (alert, burglary, dispute, petition), in the site's month it
# happened in; a dispute's stage of mediation (warned 预警, investigated 排查, mediated 调处).
public_order = Table(
    "public_order", metadata,
    Column("public_order_id", String(36), primary_key=True),
    Column("kind", String(30), nullable=False),
    Column("grid_code", String(40), nullable=False),   # "" when none
    Column("month", String(7), nullable=False),
    Column("stage", String(20)),                       # disputes only
    Index("ix_public_order_month_grid", "month", "grid_code"),
)

# Projects with their life cycle and how their activities go: occurrences done and missed, evidence.
projects = Table(
    "projects", metadata,
    Column("project_id", String(36), primary_key=True),
    Column("name", String(200), nullable=False),
    Column("intervention_area", String(40), nullable=False),
    Column("status", String(12), nullable=False),        # new or continuing
    Column("lifecycle", String(12)),                     # planned, active, completed, suspended
    Column("done", Integer, nullable=False, server_default="0"),
    Column("missed", Integer, nullable=False, server_default="0"),
    Column("evidence", Integer, nullable=False, server_default="0"),
)

# Each project indicator's value per the site's month, as the latest indicator.updated for that
# indicator and month left it ("latest" by the event's time, as UTC text of a fixed width, so an
# event that arrives late changes nothing). The indicator's name is not in the event: its code is.
indicator_values = Table(
    "indicator_values", metadata,
    Column("indicator_id", String(36), primary_key=True),
    Column("month", String(7), primary_key=True),
    Column("project_id", String(36), nullable=False, index=True),
    Column("code", String(60), nullable=False),
    Column("numerator", Float, nullable=False),
    Column("denominator", Float),                        # none for a plain count
    Column("value", Float),                              # none while the denominator is 0
    Column("target", Float),
    Column("direction", String(10)),                     # at_most or at_least
    Column("on_target", Boolean),                        # none without a target or a value
    Column("updated_at", String(27), nullable=False),    # the event's time, UTC
)

# Notifications: deliveries by the site's month, channel and how they ended (sent, failed), and each
# acknowledgement with what it was about and how long it took (the time-to-acknowledge KPI).
notice_rollups = Table(
    "notice_rollups", metadata,
    Column("month", String(7), primary_key=True),
    Column("channel", String(20), primary_key=True),
    Column("status", String(10), primary_key=True),
    Column("notices", Integer, nullable=False),
)
acknowledgements = Table(
    "acknowledgements", metadata,
    Column("notification_id", String(36), primary_key=True),
    Column("month", String(7), nullable=False, index=True),
    Column("event_type", String(100)),             # None: a notice that did not ask for action
    Column("severity", String(20)),
    Column("seconds", Float),
)

# Evidence files projects received, per the site's month and AQ/T 9001 element (an item tagged with
# two elements counts in each), for the self-evaluation pack.
evidence_rollups = Table(
    "evidence_rollups", metadata,
    Column("month", String(7), primary_key=True),
    Column("element", String(30), primary_key=True),
    Column("items", Integer, nullable=False),
)

# Events of the types reports has no read model of its own for (projections.PROJECTIONS), counted
# per type, the site's month of the event's time and the grid its payload names ("" for none): so a
# new service's events show on the dashboard with no change to reports.
other_events = Table(
    "other_events", metadata,
    Column("type", String(100), primary_key=True),
    Column("month", String(7), primary_key=True, index=True),
    Column("grid_code", String(40), primary_key=True),
    Column("events", Integer, nullable=False),
)

# A site's own KPI targets; not a read model (a rebuild keeps them).
kpi_targets = Table(
    "kpi_targets", metadata,
    Column("code", String(40), primary_key=True),
    Column("target", Float),
    Column("amber", Float, nullable=False),
)

# Periodic reports as issued: their figures are a snapshot, not a read model (a rebuild keeps them).
generated_reports = Table(
    "generated_reports", metadata,
    Column("id", String(36), primary_key=True),
    Column("kind", String(20), nullable=False),
    Column("year", Integer, nullable=False),
    Column("period", Integer),
    Column("grid_code", String(40)),
    Column("generated_at", DateTime(timezone=True), nullable=False, index=True),
    Column("snapshot", Text, nullable=False),
)

READ_MODELS = (grid_names, injury_rollups, injury_facts, grid_injuries, population_stats, grid_residents,
               population_tags, tag_sensitivity, unit_stats, facilities, rentals, volunteers, hazards,
               accident_rollups, public_order, projects, notice_rollups, acknowledgements, evidence_rollups,
               indicator_values, other_events)
LATEST_BY = {indicator_values: "updated_at"}  # a row kept only if none of its key is later by this
BULK_ROWS = (injury_facts,)  # insert-only tables a rebuild may copy into (others get updates or conflicts)
COUNTERS = {injury_rollups: "injuries", grid_injuries: "injuries", population_stats: "residents",
            grid_residents: "residents", population_tags: "residents", tag_sensitivity: "events",
            unit_stats: "units", accident_rollups: "amount", notice_rollups: "notices", evidence_rollups: "items",
            other_events: "events"}
