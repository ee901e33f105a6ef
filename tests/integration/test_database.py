"""The pool against real PostgreSQL: a connection that died while idle is replaced before anyone
uses it; one that died while busy fails one statement and then the pool is renewed."""
import pytest
from sqlalchemy import text
from sqlalchemy.exc import OperationalError

from safecommunity import database
from safecommunity.migrate import create_database_if_missing


@pytest.fixture
def engine(databases):
    url = databases.url.format(service="pool")
    create_database_if_missing(url)
    engine = database.make_engine(url)
    yield engine
    engine.dispose()


def backend_pid(engine):
    with engine.connect() as connection:
        return connection.scalar(text("SELECT pg_backend_pid()"))


def kill(engine, pid):
    admin = database.make_engine(engine.url.set(database="postgres").render_as_string(hide_password=False))
    with admin.connect() as connection:
        assert connection.scalar(text("SELECT pg_terminate_backend(:pid)"), {"pid": pid})
    admin.dispose()


def test_an_idle_connection_that_died_is_replaced_before_it_is_handed_out(engine, monkeypatch):
    dead = backend_pid(engine)
    kill(engine, dead)
    monkeypatch.setattr(database, "PING_AFTER_IDLE", 0.0)  # every pooled connection counts as idle
    assert backend_pid(engine) != dead


def test_a_connection_that_died_while_busy_fails_once_and_the_pool_is_renewed(engine):
    dead = backend_pid(engine)  # checked in a moment ago: handed out again without a ping
    kill(engine, dead)
    with pytest.raises(OperationalError), engine.connect() as connection:
        connection.execute(text("SELECT 1"))
    assert backend_pid(engine) != dead
