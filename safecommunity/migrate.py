"""Alembic migrations, one history per service, in services/<service>/migrations."""
import logging
from pathlib import Path

from alembic import command, context
from alembic.config import Config
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

import services

log = logging.getLogger(__name__)

MIGRATION_LOCK = 7_2026_1124  # advisory lock id: replicas starting together migrate one at a time


def alembic_config(service, url):
    config = Config()
    config.set_main_option("script_location", str(Path(services.__path__[0]) / service / "migrations"))
    config.attributes["url"] = url
    return config


def upgrade(service, url):
    create_database_if_missing(url)
    command.upgrade(alembic_config(service, url), "head")


def create_database_if_missing(url):
    url = make_url(url)
    if url.get_backend_name() != "postgresql":
        return
    server = create_engine(url.set(database="postgres"), isolation_level="AUTOCOMMIT")
    try:
        with server.connect() as connection:
            exists = connection.scalar(text("SELECT 1 FROM pg_database WHERE datname = :name"),
                                       {"name": url.database})
            if not exists:
                log.info("creating database %s", url.database)
                connection.execute(text(f'CREATE DATABASE "{url.database}"'))
    finally:
        server.dispose()


def run_migrations(metadata):
    """Called from a service's migrations/env.py."""
    from .database import make_engine

    engine = make_engine(context.config.attributes["url"])
    postgres = engine.dialect.name == "postgresql"
    with engine.connect() as connection:
        if postgres:
            connection.execute(text("SELECT pg_advisory_lock(:id)"), {"id": MIGRATION_LOCK})
        try:
            context.configure(connection=connection, target_metadata=metadata,
                              render_as_batch=not postgres, compare_type=True)
            with context.begin_transaction():
                context.run_migrations()
        finally:
            if postgres:
                connection.execute(text("SELECT pg_advisory_unlock(:id)"), {"id": MIGRATION_LOCK})
                connection.commit()
    engine.dispose()


def make_migration(service, message, into=None):
    """The service's next migration, written by Alembic's autogenerate from the difference between
    its tables (storage) and its history applied to a fresh SQLite database; numbered after the last
    (0007 after 0006), into its versions folder (or `into`, a folder of one's own). Returns its
    path. Read it before committing: autogenerate misses renames and server-side defaults."""
    import tempfile

    folder = Path(services.__path__[0]) / service / "migrations" / "versions"
    numbers = [int(path.name[:4]) for path in folder.glob("[0-9][0-9][0-9][0-9]_*.py")]
    rev_id = f"{max(numbers, default=0) + 1:04d}"
    with tempfile.TemporaryDirectory() as scratch:
        url = f"sqlite:///{scratch}/{service}.db"
        upgrade(service, url)
        config = alembic_config(service, url)
        if into is not None:
            config.set_main_option("version_locations", f"{folder} {into}")
        script = command.revision(config, message=message, autogenerate=True, rev_id=rev_id,
                                  version_path=str(into) if into is not None else None)
    return Path(script.path)
