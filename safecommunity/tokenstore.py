"""The access store's platform tokens: issued, listed, revoked, and checked by every service and
replica. The store is a database of the backbone's own, `DATABASE_URL` with `{service}` as `access`
(data/access.db embedded). A process keeps the tokens it checked and is told of any change the
moment it commits, before each use of what it kept: by a trigger's NOTIFY on PostgreSQL
(RevocationFeed), by PRAGMA data_version on SQLite (FileChangeFeed)."""
import hashlib
import logging
import secrets
import sqlite3
import time
from datetime import timedelta

from sqlalchemy import Column, DateTime, MetaData, String, Table, Text, bindparam, insert, select, update
from sqlalchemy.exc import DBAPIError, TimeoutError

from .auth import SYSTEM, AccessUnavailable, Unauthorized, token_caller
from .config import database_url
from .database import as_utc, make_engine, utcnow
from .errors import InvalidRequest
from .ids import new_id
from .scopes import KINDS, known

log = logging.getLogger(__name__)

ACCESS_STORE = "access"
TOKEN_DAYS = 90


def token_hash(token):
    return hashlib.sha256(token.encode()).hexdigest()


def _words(values):
    return " ".join(sorted(set(values)))


metadata = MetaData()
tokens = Table(
    "tokens", metadata,
    Column("id", String(36), primary_key=True),
    Column("token_hash", String(64), nullable=False, unique=True),
    Column("subject", String(120), nullable=False, index=True),
    Column("kind", String(20), nullable=False),
    Column("scopes", Text, nullable=False),   # space-separated
    Column("sources", Text, nullable=False),  # space-separated; "*" for any
    Column("issued_at", DateTime(timezone=True), nullable=False),
    Column("issued_by", String(120), nullable=False),
    Column("expires_at", DateTime(timezone=True)),
    Column("revoked_at", DateTime(timezone=True)),
    Column("note", Text),
)


class TokenStore:
    """Platform tokens in the access store: issued, listed, revoked, and checked per request.

    With a RevocationFeed (PostgreSQL), a live token's row is kept in the process once looked up,
    and dropped the moment the store says the token changed; without one, every check asks."""

    def __init__(self, engine, feed=None):
        self.engine, self.feed = engine, feed
        self._lookup = select(tokens.c.subject, tokens.c.kind, tokens.c.scopes, tokens.c.sources, tokens.c.expires_at,
                              tokens.c.revoked_at).where(tokens.c.token_hash == bindparam("digest"))

    def create(self):
        """The table, and on PostgreSQL the trigger that tells every replica of any change to a token
        (however made: this API, the CLI, plain SQL). Idempotent; `safecommunity migrate` runs it."""
        metadata.create_all(self.engine)
        if self.engine.dialect.name == "postgresql":
            with self.engine.begin() as connection:
                for statement in TOKEN_CHANGED_TRIGGER:
                    connection.exec_driver_sql(statement)

    def issue(self, subject, scopes, kind="person", sources=(), days=TOKEN_DAYS, issued_by=SYSTEM, note=None):
        """(token, record): the token is shown this once; only its hash is kept. days=None: never expires."""
        unknown = sorted(scope for scope in scopes if not known(scope))
        if unknown:
            raise InvalidRequest(f"unknown scope(s): {', '.join(unknown)}")
        if kind not in KINDS:
            raise InvalidRequest(f"kind must be one of {', '.join(KINDS)}")
        token, now = secrets.token_urlsafe(32), utcnow()
        record = {"id": new_id(), "subject": subject, "kind": kind, "scopes": _words(scopes),
                  "sources": _words(sources), "issued_at": now, "issued_by": issued_by,
                  "expires_at": now + timedelta(days=days) if days else None, "revoked_at": None, "note": note}
        with self.engine.begin() as connection:
            connection.execute(insert(tokens).values(token_hash=token_hash(token), **record))
        return token, _shown(record)

    def list(self, subject=None, include_revoked=False):
        query = select(*[c for c in tokens.c if c.name != "token_hash"]).order_by(tokens.c.issued_at)
        if subject:
            query = query.where(tokens.c.subject == subject)
        if not include_revoked:
            query = query.where(tokens.c.revoked_at.is_(None))
        with self.engine.connect() as connection:
            return [_shown(row._asdict()) for row in connection.execute(query)]

    def revoke(self, token_id=None, subject=None):
        """Revoke one token, or every token of a subject; how many were live."""
        where = tokens.c.id == token_id if token_id else tokens.c.subject == subject
        with self.engine.begin() as connection:
            return connection.execute(update(tokens).where(where, tokens.c.revoked_at.is_(None))
                                      .values(revoked_at=utcnow())).rowcount

    def caller(self, token):
        """The caller a live token stands for; Unauthorized otherwise."""
        digest = token_hash(token)
        cache = self.feed.cache() if self.feed else None  # None: the feed is down, so ask the store
        row = self.feed.kept(digest) if cache is not None else None
        if row is None:
            row = self._row(digest)
            if cache is not None and row is not None:
                self.feed.keep(digest, row)
        if row is None or row.revoked_at is not None or (row.expires_at and as_utc(row.expires_at) <= utcnow()):
            raise Unauthorized("unknown, revoked or expired token")
        return token_caller(row.subject, row.scopes.split(), row.sources.split(), row.kind)

    def _row(self, digest):
        try:
            with self.engine.connect() as connection:
                return connection.execute(self._lookup, {"digest": digest}).first()
        except (DBAPIError, TimeoutError) as exc:
            raise AccessUnavailable(f"the access store cannot be reached: {type(exc).__name__}") from None


REVOCATIONS = "safecommunity_tokens"  # the PostgreSQL channel a changed token's hash is told on
TOKEN_CHANGED_TRIGGER = (
    f"""CREATE OR REPLACE FUNCTION safecommunity_token_changed() RETURNS trigger AS $$
        BEGIN PERFORM pg_notify('{REVOCATIONS}', OLD.token_hash); RETURN NULL; END $$ LANGUAGE plpgsql""",
    "DROP TRIGGER IF EXISTS token_changed ON tokens",
    "CREATE TRIGGER token_changed AFTER UPDATE OR DELETE ON tokens FOR EACH ROW "
    "EXECUTE FUNCTION safecommunity_token_changed()",
)


class RevocationFeed:
    """What lets a process keep tokens it has checked without a window in which a revoked one still
    works: a connection LISTENing to the access store's trigger, read (without waiting: the bytes
    are already in the socket by the time the revoking request has been answered) before every use
    of the cache. When that connection is down the cache is empty and unused, and every check asks
    the store; when it comes back the cache starts afresh, since changes meanwhile went unheard.
    A connection that dies without a word (a cut network) is found by TCP keepalives within about
    10 s; to bound that case too, nothing is kept longer than KEEP_SECONDS."""

    RETRY_SECONDS, KEEP_SECONDS, MOST = 1.0, 10.0, 100_000
    KEEPALIVES = {"keepalives": 1, "keepalives_idle": 5, "keepalives_interval": 2, "keepalives_count": 2}

    def __init__(self, engine):
        self.engine, self._connection, self._rows, self._retry_at = engine, None, {}, 0.0

    def cache(self):
        """The rows kept, every change told so far applied; None while the feed is down."""
        if self._connection is None and not self._connect():
            return None
        try:
            self._connection.poll()
            # a server ending the session says so first (FATAL); the next poll would raise
            if any(notice.startswith("FATAL") for notice in self._connection.notices):
                raise ConnectionError(self._connection.notices[-1].strip())
        except Exception as exc:  # any failure of the connection: fall back to asking the store
            log.warning("token revocation feed lost (%s); checking every token in the store", exc)
            self.close()
            return None
        notifies = self._connection.notifies
        while notifies:
            self._rows.pop(notifies.pop().payload, None)
        return self._rows

    def kept(self, digest):
        row, kept_at = self._rows.get(digest, (None, 0.0))
        return row if time.monotonic() - kept_at < self.KEEP_SECONDS else None

    def keep(self, digest, row):
        if len(self._rows) >= self.MOST:
            self._rows.clear()
        self._rows[digest] = (row, time.monotonic())

    def _connect(self):
        if time.monotonic() < self._retry_at:
            return False
        self._retry_at = time.monotonic() + self.RETRY_SECONDS
        try:
            connection = self.engine.dialect.dbapi.connect(self.engine.url.render_as_string(hide_password=False)
                                                           .replace("postgresql+psycopg2", "postgresql"),
                                                           **self.KEEPALIVES)
            connection.autocommit = True
            with connection.cursor() as cursor:
                cursor.execute(f"LISTEN {REVOCATIONS}")
        except Exception as exc:  # the store is down: check every token there until it is back
            log.warning("token revocation feed cannot connect (%s)", exc)
            return False
        self._connection, self._rows = connection, {}
        return True

    def close(self):
        if self._connection is not None:
            try:
                self._connection.close()
            except Exception:  # closing a connection already broken
                pass
        self._connection, self._rows = None, {}


def _shown(record):
    record = dict(record)
    record["scopes"], record["sources"] = record["scopes"].split(), record["sources"].split()
    for name in ("issued_at", "expires_at", "revoked_at"):
        record[name] = as_utc(record[name])
    return record


def token_store(config):
    return TokenStore(make_engine(database_url(config, ACCESS_STORE)))


class FileChangeFeed(RevocationFeed):
    """Embedded mode's feed: SQLite's `PRAGMA data_version`, read on a connection of the feed's own,
    changes whenever any other connection, of this process or another (the CLI's `token revoke`
    included), has committed to the database since the last read; the tokens kept are then
    dropped. One statement, no table read.

    It once read the WAL index header in the -shm file itself, opening and closing the file each
    time; but closing any descriptor of a file drops every POSIX lock the process holds on it,
    SQLite's own among them, so another process could take itself for the last user, delete the
    WAL and the -shm under this one, and leave it reading a stale snapshot."""

    def __init__(self, engine):
        super().__init__(engine)
        self._path, self._db, self._seen = engine.url.database, None, None

    def cache(self):
        try:
            if self._db is None:
                self._db = sqlite3.connect(self._path, check_same_thread=False, timeout=5)
            seen = self._db.execute("PRAGMA data_version").fetchone()[0]
        except sqlite3.Error as exc:  # nothing to go by, so keep nothing
            log.warning("token change feed unreadable (%s); checking every token in the store", exc)
            self.close()
            return None
        if seen != self._seen:
            self._rows, self._seen = {}, seen
        return self._rows

    def close(self):
        self._rows, self._seen = {}, None
        if self._db is not None:
            self._db.close()
            self._db = None


def checking_store(engine):
    """A TokenStore as a serving process checks tokens with: told of revocations by PostgreSQL's
    NOTIFY (RevocationFeed) or by SQLite's data_version (FileChangeFeed)."""
    feeds = {"postgresql": RevocationFeed, "sqlite": FileChangeFeed}
    feed = feeds.get(engine.dialect.name)
    return TokenStore(engine, feed(engine) if feed else None)
