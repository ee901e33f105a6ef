"""Who is calling, and what they may do: the access layer every service and replica shares.

A request's `Authorization: Bearer <token>` is either a platform token (random, shown once, kept
only as its SHA-256 in the access store, scoped, expiring) or a JWT from the district's OpenID
Connect provider (checked with PyJWT against the provider's JWKS: signature, expiry, issuer,
audience). The access store is a database of the backbone's own, `DATABASE_URL` with `{service}`
as `access` (data/access.db embedded), so every service and every replica checks the same tokens.
A revocation holds from the next request on, anywhere: a process keeps the tokens it checked, and
is told of any change the moment it commits, before each use of what it kept: by a trigger's
NOTIFY on PostgreSQL (RevocationFeed), by the write-ahead log's header on SQLite (FileChangeFeed).

A request without a token is the anonymous caller with ANONYMOUS_SCOPES (default: aggregates
only; personal-data and admin scopes are never given this way). The HTTP edge (web.Http) checks
the scope each route declares before the route runs; `caller = Auth()` gives a service the
caller for finer checks (sensitive tags, a department's own sources).
"""
import hashlib
import logging
import os
import secrets
import time
from dataclasses import dataclass, field
from datetime import timedelta

from nameko.extensions import DependencyProvider, SharedExtension
from sqlalchemy import Column, DateTime, MetaData, String, Table, Text, bindparam, insert, select, update
from sqlalchemy.exc import DBAPIError, TimeoutError

from .config import DEFAULTS, database_url
from .database import as_utc, make_engine, utcnow
from .errors import InvalidRequest
from .ids import new_id
from .scopes import AGGREGATES, KINDS, PUBLIC, known

log = logging.getLogger(__name__)

PRIVATE_SCOPES = {"ops", "admin"}                                   # never given to anonymous callers,
PRIVATE_SCOPE_MARKS = (":pii", ":sensitive", ":audit", ":admin", ":write")  # nor any scope with these
ANY_SOURCE = "*"      # a token's sources: this one reports as any source (the office, an import job)
SYSTEM = "system"     # the subject of work no HTTP caller asked for (event handlers, timers)
ACCESS_STORE = "access"
TOKEN_DAYS = 90


class Unauthorized(InvalidRequest):
    def __init__(self, message):
        super().__init__(message, status=401)


class Forbidden(InvalidRequest):
    def __init__(self, message):
        super().__init__(message, status=403)


class AccessUnavailable(InvalidRequest):
    def __init__(self, message):
        super().__init__(message, status=503)


@dataclass(frozen=True)
class Caller:
    subject: str
    scopes: frozenset
    sources: frozenset = field(default_factory=frozenset)
    kind: str = "person"
    anonymous: bool = False

    def has(self, scope):
        return scope in self.scopes

    def require(self, scope):
        if scope not in self.scopes:
            if self.anonymous:
                raise Unauthorized(f"this needs the {scope} scope: send Authorization: Bearer <token>")
            raise Forbidden(f"{self.subject} lacks the {scope} scope")

    def may_report_as(self, source):
        return ANY_SOURCE in self.sources or source in self.sources

    def require_sources(self, sources):
        """A department reports only under its own sources (as its AMQP user writes only its own keys)."""
        foreign = sorted(str(source) for source in sources if not self.may_report_as(source))
        if foreign:
            own = ", ".join(sorted(self.sources)) or "none"
            raise Forbidden(f"{self.subject} may not report as {', '.join(foreign)} (its sources: {own})")


def token_caller(subject, scopes, sources=(), kind="person"):
    """A caller with a token: what it was given, and what anyone may do."""
    return Caller(subject, frozenset(scopes) | {PUBLIC, AGGREGATES}, frozenset(sources), kind)


def public_scopes(text):
    return frozenset(s for s in text.split()
                     if s not in PRIVATE_SCOPES and not any(mark in s for mark in PRIVATE_SCOPE_MARKS))


def anonymous_scopes(config):
    """What a request without a token may do. An empty setting means nothing but PUBLIC: a site
    that locks anonymous access down must not get the default back."""
    return public_scopes(config.get("ANONYMOUS_SCOPES", DEFAULTS["ANONYMOUS_SCOPES"])) | {PUBLIC}


def anonymous_caller(config):
    return Caller("anonymous", anonymous_scopes(config), anonymous=True)


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
    """Embedded mode's feed. SQLite in WAL mode keeps a header in the database's -shm file that every
    commit, from any process (the CLI's `token revoke` included), changes: its change counter, last
    frame and salts (WalIndexHdr, the way SQLite's own connections see that another one wrote). When
    those 48 bytes differ from the last check's, the tokens kept may be stale, and are dropped. A
    read of a shared-memory page, no query."""

    HEADER = 48

    def __init__(self, engine):
        super().__init__(engine)
        self._shm, self._seen = f"{engine.url.database}-shm", None

    def cache(self):
        try:
            descriptor = os.open(self._shm, os.O_RDONLY)  # opened each time: the file may be made anew
            try:
                seen = os.pread(descriptor, self.HEADER, 0)
            finally:
                os.close(descriptor)
        except OSError:  # no -shm (yet): nothing to go by, so keep nothing
            seen = None
        if seen is None or seen != self._seen:
            self._rows, self._seen = {}, seen
        return self._rows if seen is not None else None

    def close(self):
        self._rows = {}


def checking_store(engine):
    """A TokenStore as a serving process checks tokens with: told of revocations by PostgreSQL's
    NOTIFY (RevocationFeed) or by SQLite's write-ahead log (FileChangeFeed)."""
    feeds = {"postgresql": RevocationFeed, "sqlite": FileChangeFeed}
    feed = feeds.get(engine.dialect.name)
    return TokenStore(engine, feed(engine) if feed else None)


class OidcVerifier:
    """Bearer JWTs from the district's identity provider (Keycloak and the like), via PyJWT.

    OIDC_ISSUER, OIDC_AUDIENCE, OIDC_JWKS_URL say whose tokens count; OIDC_SCOPE_CLAIM (a dotted
    path; a space-separated string or a list) says where the scopes are, OIDC_SOURCES_CLAIM where a
    department's sources are, OIDC_SUBJECT_CLAIM who it is.

    A JWT cannot be revoked before it expires (that is the provider's short lifetime), so one
    checked is kept by its hash until then, at most KEEP_SECONDS, as long as the provider's keys are."""

    ALGORITHMS = ["RS256", "RS384", "RS512", "ES256", "ES384", "PS256"]
    KEEP_SECONDS, MOST = 300, 10_000

    def __init__(self, config):
        import jwt

        self.jwt = jwt
        self.issuer, self.audience = config["OIDC_ISSUER"], config["OIDC_AUDIENCE"]
        self.claims = {name: config[f"OIDC_{name.upper()}_CLAIM"] for name in ("scope", "sources", "subject")}
        self.keys = jwt.PyJWKClient(config["OIDC_JWKS_URL"], cache_keys=True, lifespan=self.KEEP_SECONDS, timeout=5)
        self._checked = {}  # token hash -> (caller, valid until: epoch seconds)

    def caller(self, token):
        digest = token_hash(token)
        caller, until = self._checked.get(digest, (None, 0.0))
        if caller is not None and time.time() < until:
            return caller
        caller, expires = self._check(token)
        if len(self._checked) >= self.MOST:
            self._checked.clear()
        self._checked[digest] = (caller, min(expires, time.time() + self.KEEP_SECONDS))
        return caller

    def _check(self, token):
        """(caller, its expiry in epoch seconds) of a token the provider signed for us; 401 otherwise."""
        jwt = self.jwt
        try:
            key = self.keys.get_signing_key_from_jwt(token)
        except jwt.PyJWKClientConnectionError as exc:
            raise AccessUnavailable(f"the identity provider's keys cannot be fetched: {exc}") from None
        except jwt.PyJWTError as exc:
            raise Unauthorized(f"token refused: {exc}") from None
        try:
            claims = jwt.decode(token, key.key, algorithms=self.ALGORITHMS, audience=self.audience,
                                issuer=self.issuer, leeway=30, options={"require": ["exp", "iss", "aud"]})
        except jwt.PyJWTError as exc:
            raise Unauthorized(f"token refused: {exc}") from None
        subject = _claim(claims, self.claims["subject"]) or claims.get("sub")
        if not subject:
            raise Unauthorized("token refused: it names no subject")
        scopes = [scope for scope in _listed(_claim(claims, self.claims["scope"])) if known(scope)]
        caller = token_caller(str(subject)[:120], scopes, _listed(_claim(claims, self.claims["sources"])), "person")
        return caller, float(claims["exp"])


def _claim(claims, path):
    value = claims
    for part in path.split("."):
        value = value.get(part) if isinstance(value, dict) else None
    return value


def _listed(value):
    if isinstance(value, str):
        return value.split()
    return [str(item) for item in value] if isinstance(value, list) else []


class Access(SharedExtension):
    """The caller of a request, once per request, for every service of the container."""

    def setup(self):
        config = self.container.config
        self.anonymous = anonymous_caller(config)
        self.tokens = checking_store(make_engine(database_url(config, ACCESS_STORE)))
        self.oidc = OidcVerifier(config) if config.get("OIDC_ISSUER") else None

    def stop(self):
        if self.tokens.feed:
            self.tokens.feed.close()
        self.tokens.engine.dispose()

    kill = stop

    def caller_from(self, request):
        header = request.headers.get("Authorization")
        if not header:
            return self.anonymous
        scheme, _, token = header.partition(" ")
        token = token.strip()
        if scheme.lower() != "bearer" or not token:
            raise Unauthorized("Authorization must be 'Bearer <token>'")
        if token.count(".") == 2:  # a JWT: header.payload.signature; platform tokens have no dots
            if self.oidc is None:
                raise Unauthorized("this platform takes no identity provider's tokens (OIDC_ISSUER is not set)")
            return self.oidc.caller(token)
        return self.tokens.caller(token)


# where the HTTP edge leaves a request's caller and correlation id (its WSGI environ)
CALLER_KEY, CORRELATION_KEY = "safecommunity.caller", "safecommunity.correlation_id"


def system_caller(config):
    return Caller(SYSTEM, anonymous_scopes(config), kind="machine")


class Auth(DependencyProvider):
    """`caller = Auth()`: the caller the HTTP edge checked for this request; SYSTEM for event
    handlers and timers."""

    def setup(self):
        self.system = system_caller(self.container.config)

    def get_dependency(self, worker_ctx):
        request = worker_ctx.args[0] if worker_ctx.args else None
        environ = getattr(request, "environ", None)
        return environ.get(CALLER_KEY, self.system) if isinstance(environ, dict) else self.system
