"""Registry tables. Personal data columns hold Fernet tokens (`*_sealed`) beside an HMAC
(`*_hash`) for look-up and de-duplication; nothing personal is stored in the clear but names and
addresses (masked in output without the PII scope)."""
from sqlalchemy import (
    JSON,
    BigInteger,
    Boolean,
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
    text,
)

from safecommunity.tables import add_backbone_tables

metadata = add_backbone_tables(MetaData())
ID = BigInteger().with_variant(Integer, "sqlite")
HASH = String(64)

grids = Table(
    "grids", metadata,
    Column("code", String(40), primary_key=True),
    Column("name", String(200), nullable=False),
    Column("level", String(20), nullable=False),
    Column("parent_code", String(40), ForeignKey("grids.code"), index=True),  # walked for descendants
)

residents = Table(
    "residents", metadata,
    Column("id", String(36), primary_key=True),
    Column("name", String(100), nullable=False),
    Column("sex", String(10), nullable=False),
    Column("birth_date", Date, nullable=False),
    Column("residence_type", String(20), nullable=False),
    Column("grid_code", String(40), ForeignKey("grids.code"), nullable=False, index=True),
    Column("registered_on", Date, nullable=False),
    Column("id_number_sealed", Text),
    Column("id_number_hash", HASH),
    Column("phone_sealed", Text),
    Column("phone_hash", HASH, index=True),
    Column("address", String(300)),
    Column("permit_expires_on", Date),
    Column("moved_out_on", Date),
    UniqueConstraint("id_number_hash", name="uq_residents_id_number_hash"),
    Index("ix_residents_grid_birth", "grid_code", "birth_date"),
    Index("ix_residents_birth_date", "birth_date"),
    Index("ix_residents_residence_type", "residence_type", "id"),
)

tag_types = Table(
    "tag_types", metadata,
    Column("code", String(40), primary_key=True),
    Column("name", String(200), nullable=False),
    Column("sensitive", Boolean, nullable=False),
    Column("min_age", Integer),
    Column("max_age", Integer),
    Column("attributes", JSON, nullable=False),
)

resident_tags = Table(
    "resident_tags", metadata,
    Column("resident_id", String(36), ForeignKey("residents.id"), primary_key=True),
    Column("tag", String(40), ForeignKey("tag_types.code"), primary_key=True),
    Column("attributes", JSON, nullable=False),
    Column("tagged_on", Date, nullable=False),
    Index("ix_resident_tags_tag", "tag", "resident_id"),
)

unit_types = Table(
    "unit_types", metadata,
    Column("code", String(40), primary_key=True),
    Column("name", String(200), nullable=False),
    Column("category", String(40), nullable=False),
)

units = Table(
    "units", metadata,
    Column("id", String(36), primary_key=True),
    Column("name", String(200), nullable=False),
    Column("type", String(40), ForeignKey("unit_types.code"), nullable=False),
    Column("grid_code", String(40), ForeignKey("grids.code"), nullable=False, index=True),
    Column("credit_code", String(18), unique=True),
    Column("scale", String(10)),
    Column("industry", String(100)),
    Column("hazardous_chemicals", Boolean, nullable=False),
    Column("major_hazard_source", Boolean, nullable=False),
    Column("risk_grade", String(10), index=True),
    Column("safety_officer", String(100)),
    Column("safety_officer_phone_sealed", Text),
    Column("safety_officer_phone_hash", HASH),
    Column("special_workers", Integer, nullable=False),
    Column("certified_special_workers", Integer, nullable=False),
    Column("address", String(300)),
    Column("latitude", Float),
    Column("longitude", Float),
    Column("registered_on", Date, nullable=False),
    Index("ix_units_type", "type", "id"),
)

facilities = Table(
    "facilities", metadata,
    Column("id", String(36), primary_key=True),
    Column("code", String(60), nullable=False, unique=True),
    Column("type", String(40), nullable=False),
    Column("grid_code", String(40), ForeignKey("grids.code"), nullable=False, index=True),
    Column("unit_id", String(36), ForeignKey("units.id")),
    Column("location", String(300)),
    Column("latitude", Float),
    Column("longitude", Float),
    Column("status", String(20), nullable=False),
    Column("expires_on", Date),
    Column("last_inspected_on", Date),
    Column("next_inspection_due", Date, nullable=False, index=True),
    Column("registered_on", Date, nullable=False),
    Index("ix_facilities_type_status", "type", "status"),
)

rentals = Table(
    "rentals", metadata,
    Column("id", String(36), primary_key=True),
    Column("grid_code", String(40), ForeignKey("grids.code"), nullable=False, index=True),
    Column("address", String(300), nullable=False),
    Column("landlord_resident_id", String(36), ForeignKey("residents.id")),
    Column("landlord_name", String(100)),
    Column("landlord_phone_sealed", Text),
    Column("landlord_phone_hash", HASH),
    Column("group_rental", Boolean, nullable=False),
    Column("basement", Boolean, nullable=False),
    Column("letter_signed", Boolean, nullable=False),
    Column("signed_on", Date),
    Column("inspection_score", Integer),
    Column("inspected_on", Date),
    Column("registered_on", Date, nullable=False),
)

rental_tenants = Table(
    "rental_tenants", metadata,
    Column("rental_id", String(36), ForeignKey("rentals.id"), primary_key=True),
    Column("resident_id", String(36), ForeignKey("residents.id"), primary_key=True, index=True),
    Column("since", Date, nullable=False),
)

volunteers = Table(
    "volunteers", metadata,
    Column("id", String(36), primary_key=True),
    Column("resident_id", String(36), ForeignKey("residents.id"), nullable=False, index=True),
    Column("grid_code", String(40), ForeignKey("grids.code"), nullable=False, index=True),
    Column("type", String(40), nullable=False),
    Column("certificate_number", String(60)),
    Column("certificate_expires_on", Date),
    Column("registered_on", Date, nullable=False),
    Column("left_on", Date),
    # One active volunteer record per resident, whatever two concurrent requests do.
    Index("uq_volunteers_active_resident", "resident_id", unique=True,
          sqlite_where=text("left_on IS NULL"), postgresql_where=text("left_on IS NULL")),
)

volunteer_pairings = Table(
    "volunteer_pairings", metadata,
    Column("volunteer_id", String(36), ForeignKey("volunteers.id"), primary_key=True),
    Column("resident_id", String(36), ForeignKey("residents.id"), primary_key=True, index=True),
    Column("since", Date, primary_key=True),
    Column("until", Date),
)

volunteer_teams = Table(
    "volunteer_teams", metadata,
    Column("id", String(36), primary_key=True),
    Column("name", String(200), nullable=False),
    Column("type", String(40), nullable=False),
    Column("grid_code", String(40), ForeignKey("grids.code"), index=True),
    Column("unit_id", String(36), ForeignKey("units.id")),
    Column("registered_on", Date, nullable=False),
)

team_members = Table(
    "team_members", metadata,
    Column("team_id", String(36), ForeignKey("volunteer_teams.id"), primary_key=True),
    Column("volunteer_id", String(36), ForeignKey("volunteers.id"), primary_key=True, index=True),
    Column("since", Date, nullable=False),
)

departments = Table(
    "departments", metadata,
    Column("code", String(40), primary_key=True),
    Column("name", String(200), nullable=False),
    Column("kind", String(40), nullable=False),
)

assignments = Table(
    "assignments", metadata,
    Column("id", String(36), primary_key=True),
    Column("role", String(40), nullable=False, index=True),
    Column("department_code", String(40), ForeignKey("departments.code"), index=True),
    Column("grid_code", String(40), ForeignKey("grids.code"), index=True),
    Column("resident_id", String(36), ForeignKey("residents.id"), index=True),
    Column("person_name", String(100)),
    Column("person_phone_sealed", Text),
    Column("person_phone_hash", HASH),
    Column("term_from", Date, nullable=False),
    Column("term_to", Date),
)

compounds = Table(
    "compounds", metadata,
    Column("code", String(40), primary_key=True),
    Column("name", String(200), nullable=False),
    Column("grid_code", String(40), ForeignKey("grids.code"), nullable=False),
    Column("property_manager", String(200)),
    Column("address", String(300)),
    Column("registered_on", Date, nullable=False),
    Index("ix_compounds_grid_name", "grid_code", "name"),
)

buildings = Table(
    "buildings", metadata,
    Column("id", String(36), primary_key=True),
    Column("grid_code", String(40), ForeignKey("grids.code"), nullable=False, index=True),
    Column("name", String(200), nullable=False),
    Column("compound_code", String(40), ForeignKey("compounds.code"), index=True),
    Column("address", String(300)),
    Column("storeys", Integer, nullable=False),
    Column("year_built", Integer),
    Column("property_manager", String(200)),
    Column("lifts", Integer, nullable=False),
    Column("registered_on", Date, nullable=False),
)

households = Table(
    "households", metadata,
    Column("id", String(36), primary_key=True),
    Column("building_id", String(36), ForeignKey("buildings.id"), nullable=False, index=True),
    Column("room", String(40), nullable=False),
    Column("registered_on", Date, nullable=False),
    UniqueConstraint("building_id", "room", name="uq_households_building_room"),
)

household_members = Table(
    "household_members", metadata,
    Column("household_id", String(36), ForeignKey("households.id"), primary_key=True),
    Column("resident_id", String(36), ForeignKey("residents.id"), primary_key=True),
    Column("since", Date, nullable=False),
    UniqueConstraint("resident_id", name="uq_household_members_resident"),  # one household per resident
)

audit_log = Table(
    "audit_log", metadata,
    Column("id", ID, primary_key=True, autoincrement=True),
    Column("at", DateTime(timezone=True), nullable=False),
    Column("subject", String(120), nullable=False),
    Column("action", String(40), nullable=False),
    Column("resource_type", String(40), nullable=False),
    Column("resource_id", String(60), nullable=False),
    Column("fields", Text, nullable=False),  # every field a read revealed, comma-separated
    Index("ix_audit_log_subject_at", "subject", "at"),
    Index("ix_audit_log_resource", "resource_id", "at"),
)
