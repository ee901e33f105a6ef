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
