"""The migrations seed the code lists exactly as taxonomy.py lists them: 0002 wrote them, 0007
marked their health attributes."""
import importlib.util
from datetime import datetime, timezone
from pathlib import Path

from alembic import command
from sqlalchemy import insert, select

from safecommunity.database import make_engine
from safecommunity.migrate import alembic_config, create_database_if_missing, upgrade
from services.registry.tables import audit_log, tag_types
from services.registry.taxonomy import SEED_TAG_TYPES, SEED_UNIT_TYPES, TagType

VERSIONS = Path(__file__).resolve().parents[1] / "migrations" / "versions"


def migration(name):
    spec = importlib.util.spec_from_file_location(f"registry_{name[:4]}", VERSIONS / name)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_the_migrations_seed_the_taxonomy_as_listed():
    seeded, health = migration("0002_registry_in_full.py"), migration("0007_health_attributes.py")
    assert [row[0] for row in seeded.SEED_TAG_TYPES] == [t.code for t in SEED_TAG_TYPES]
    for row, tag in zip(seeded.SEED_TAG_TYPES, SEED_TAG_TYPES, strict=True):
        code, *fields, attributes = row
        marked = {name: health._marked(spec, name in health.HEALTH_ATTRIBUTES.get(code, ()))
                  for name, spec in attributes.items()}
        assert (code, *fields, marked) == (tag.code, tag.name, tag.sensitive, tag.min_age, tag.max_age, tag.attributes)
    assert [tuple(row) for row in seeded.SEED_UNIT_TYPES] == list(SEED_UNIT_TYPES)


def stored_tag_types(url):
    engine = make_engine(url)
    with engine.connect() as connection:
        stored = {row.code: TagType(**row._mapping) for row in connection.execute(select(tag_types))}
    engine.dispose()
    return stored


def test_a_migrated_registry_holds_the_seeded_tag_types_with_their_health_marks(tmp_path):
    url = f"sqlite:///{tmp_path}/registry.db"
    upgrade("registry", url)
    stored = stored_tag_types(url)
    assert stored == {tag.code: tag for tag in SEED_TAG_TYPES}
    assert [name for name in stored["elderly"].attributes if stored["elderly"].personal(name)] == [
        "seriously_ill", "ability_grade", "care_class", "fall_risk_score"]


def test_the_health_marks_come_off_on_downgrade_and_back_on_upgrade(tmp_path):
    check_the_health_migration(f"sqlite:///{tmp_path}/registry.db")


def check_the_health_migration(url):
    """0007 marks the seeded health attributes and lets an audit row name any number of fields;
    downgrade takes both back (run on SQLite here, on PostgreSQL too)."""
    create_database_if_missing(url)
    upgrade("registry", url)
    long_list = ",".join(f"tag:elderly.attribute_{n}" for n in range(30))  # 700 characters
    engine = make_engine(url)
    with engine.begin() as connection:
        connection.execute(insert(audit_log).values(at=datetime.now(timezone.utc), subject="officer", action="read",
                                                    resource_type="resident", resource_id="r1", fields=long_list))
    command.downgrade(alembic_config("registry", url), "0006")
    with engine.connect() as connection:
        assert len(connection.scalar(select(audit_log.c.fields))) <= 300
    engine.dispose()
    assert not any(tag.personal(name) for tag in stored_tag_types(url).values() for name in tag.attributes
                   if tag.attributes[name]["type"] != "secret")
    upgrade("registry", url)
    assert stored_tag_types(url) == {tag.code: tag for tag in SEED_TAG_TYPES}
