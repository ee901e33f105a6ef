"""The 0002 migration seeds the code lists exactly as taxonomy.py lists them."""
import importlib.util
from pathlib import Path

from services.registry.taxonomy import SEED_TAG_TYPES, SEED_UNIT_TYPES

MIGRATION = Path(__file__).resolve().parents[1] / "migrations" / "versions" / "0002_registry_in_full.py"


def migration():
    spec = importlib.util.spec_from_file_location("registry_0002", MIGRATION)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_the_migration_seeds_the_taxonomy_as_listed():
    seeded = migration()
    assert [row[0] for row in seeded.SEED_TAG_TYPES] == [t.code for t in SEED_TAG_TYPES]
    for row, tag in zip(seeded.SEED_TAG_TYPES, SEED_TAG_TYPES, strict=True):
        assert row == (tag.code, tag.name, tag.sensitive, tag.min_age, tag.max_age, tag.attributes)
    assert [tuple(row) for row in seeded.SEED_UNIT_TYPES] == list(SEED_UNIT_TYPES)
