"""The service's database: one engine per service container, PostgreSQL or SQLite."""
import contextlib
import logging
import os
import time
from datetime import datetime, timezone

from nameko.extensions import SharedExtension
from sqlalchemy import Connection, create_engine, event, text
from sqlalchemy.exc import DBAPIError, DisconnectionError

from .config import database_url

log = logging.getLogger(__name__)


def connection_of(handle):
    """The Connection behind a unit of work's database handle: the Store gives it a LazyConnection,
    command-line tools and tests may give it a Connection or an ORM Session."""
    if isinstance(handle, LazyConnection):
        return handle.opened()
    return handle if isinstance(handle, Connection) else handle.connection()


class LazyConnection:
    """A Connection opened when first used, not when a worker starts: a worker that cannot reach
    its database then fails inside the service method (answered 503, or its messages left on the
    queue) instead of in nameko's dependency injection, where a failure kills the whole container."""

    def __init__(self, engine):
        self._engine, self._connection = engine, None

    def opened(self):
        if self._connection is None:
            self._connection = self._engine.connect()
        return self._connection

    def __getattr__(self, name):  # execute, commit, rollback, begin_nested...: the Connection's own
        return getattr(self.opened(), name)

    def close(self):
        """Rolls back what was not committed and gives the connection back; one the server has
        closed meanwhile (a restart) has nothing to roll back, and SQLAlchemy has already dropped
        it from the pool: its error here must not escape into nameko's worker teardown, where it
        would kill the container."""
        connection, self._connection = self._connection, None
        if connection is not None:
            try:
                connection.close()
            except DBAPIError as exc:
                log.warning("a unit of work's connection was already gone when closed: %s", str(exc)[:200])


def utcnow():
    return datetime.now(timezone.utc)


def as_utc(moment):
    """SQLite hands back naive datetimes for what we stored as UTC."""
    return moment if moment is None or moment.tzinfo else moment.replace(tzinfo=timezone.utc)


def make_engine(url):
    if url.startswith("sqlite"):
        path = url.split("///", 1)[-1]
        if path and path != ":memory:":
            keep_private(path)
        # One connection per database: greenthreads then queue for it cooperatively instead of
        # blocking the whole process in SQLite's busy-wait while another greenthread holds a lock.
        engine = create_engine(url, pool_size=1, max_overflow=0, pool_timeout=60,
                               connect_args={"check_same_thread": False, "timeout": 30})
        event.listen(engine, "connect", _sqlite_pragmas)
        return engine
    # connect_timeout: a database behind a dead network answers nothing; a request then waits
    # seconds for its 503, not the kernel's minutes
    engine = create_engine(url, pool_size=10, max_overflow=10, pool_timeout=10, connect_args={"connect_timeout": 3})
    event.listen(engine, "connect", _note_checkin)  # a connection just opened needs no ping
    event.listen(engine, "checkout", _ping_if_idle)
    event.listen(engine, "checkin", _note_checkin)
    return engine


def keep_private(path):
    """The SQLite file readable and writable by its owner only, made so before SQLite first opens
    it: SQLite gives the -wal and -shm files it makes beside it the same mode. A folder made here
    is its owner's only too. Files made before this was done are narrowed now."""
    os.makedirs(os.path.dirname(os.path.abspath(path)), mode=0o700, exist_ok=True)
    try:
        os.close(os.open(path, os.O_RDWR | os.O_CREAT | os.O_EXCL, 0o600))
    except FileExistsError:
        # Not opened again: closing any descriptor of a file drops every POSIX lock this process
        # holds on it, SQLite's included, and another process could then take itself for the last
        # user, checkpoint and delete the WAL under this process's connections (stale reads).
        pass
    for name in (path, f"{path}-wal", f"{path}-shm", f"{path}-journal"):
        with contextlib.suppress(FileNotFoundError):
            os.chmod(name, 0o600)


PING_AFTER_IDLE = 10.0  # seconds


def _ping_if_idle(dbapi_connection, record, _proxy):
    """Check a pooled connection that sat idle before handing it out (the server may have restarted
    or dropped it meanwhile); a dead one makes the pool open a fresh one. A connection busy a moment
    ago is handed out as it is: pinging on every checkout cost each request a round trip. One that
    died while busy fails its statement once, and the pool then replaces every connection."""
    if time.monotonic() - record.info.get("checked_in_at", float("-inf")) < PING_AFTER_IDLE:
        return
    try:
        with dbapi_connection.cursor() as cursor:
            cursor.execute("SELECT 1")
    except Exception as exc:  # any failure here means the connection is unusable
        raise DisconnectionError(f"idle connection is dead: {exc}") from exc


def _note_checkin(_dbapi_connection, record):
    record.info["checked_in_at"] = time.monotonic()


def _sqlite_pragmas(dbapi_connection, _record):
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.close()


class Database(SharedExtension):
    """Engine and sessions for the container's service; tells listeners when a commit happened.

    The engine is made on first use: nameko sets extensions up concurrently, so others may need
    it before this one's setup() has run.
    """

    def __init__(self):
        super().__init__()
        self._engine = None
        self._commit_listeners = []

    @property
    def engine(self):
        if self._engine is None:
            self._engine = make_engine(database_url(self.container.config, self.container.service_name))
        return self._engine

    def stop(self):
        if self._engine is not None:
            self._engine.dispose()

    kill = stop

    def connect(self):
        """A Connection for one unit of work, opened at its first statement. Not an ORM Session: we
        map no objects, and a Session's bookkeeping cost each request as much CPU again as the
        Connection underneath it."""
        return LazyConnection(self.engine)

    def on_commit(self, listener):
        self._commit_listeners.append(listener)

    def committed(self):
        for listener in self._commit_listeners:
            listener()

    dependency = "database"

    def check_ready(self):
        with self.engine.connect() as connection:
            connection.execute(text("SELECT 1")).scalar()  # read to the end: an open statement pins a snapshot
        return self.dependency
