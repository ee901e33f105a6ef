"""Who is calling, and what they may do: `caller = Auth()` on a service gives each worker a Caller
with `.subject` and `.scopes`, read from an `Authorization: Bearer <token>` header.

Tokens are random, shown once when issued, and stored only as their SHA-256 in a `tokens` table
(for now in the registry's database; a service adds the table with `add_token_table(metadata)`).
A request without a token gets ANONYMOUS_SCOPES (config, read from the environment; default
"registry:read registry:write"), from which personal-data scopes are always removed. A token that
is unknown, revoked or expired is a 401; a missing scope a 403.
"""
import hashlib
import secrets
import time
from dataclasses import dataclass

from nameko.extensions import DependencyProvider
from sqlalchemy import Column, DateTime, MetaData, String, Table, Text, insert, select, update

from .config import DEFAULTS
from .database import Database, as_utc, utcnow
from .errors import InvalidRequest

PRIVATE_SCOPE_MARKS = (":pii", ":sensitive", ":audit", ":admin")  # never given to anonymous callers
CACHE_SECONDS = 30.0  # a revoked token stops working within this long in a running process
SYSTEM = "system"     # the subject of work no HTTP caller asked for (event handlers, timers)


class Unauthorized(InvalidRequest):
    def __init__(self, message):
        super().__init__(message, status=401)


class Forbidden(InvalidRequest):
    def __init__(self, message):
        super().__init__(message, status=403)


tokens_metadata = MetaData()
tokens = Table(
    "tokens", tokens_metadata,
    Column("token_hash", String(64), primary_key=True),
    Column("subject", String(120), nullable=False),
    Column("scopes", Text, nullable=False),  # space-separated
    Column("issued_at", DateTime(timezone=True), nullable=False),
    Column("expires_at", DateTime(timezone=True)),
    Column("revoked_at", DateTime(timezone=True)),
)


def add_token_table(service_metadata):
    tokens.to_metadata(service_metadata)
    return service_metadata


def token_hash(token):
    return hashlib.sha256(token.encode()).hexdigest()


def public_scopes(text):
    return frozenset(s for s in text.split() if not any(mark in s for mark in PRIVATE_SCOPE_MARKS))


@dataclass(frozen=True)
class Caller:
    subject: str
    scopes: frozenset

    def has(self, scope):
        return scope in self.scopes

    def require(self, scope):
        if scope not in self.scopes:
            if self.subject == "anonymous":
                raise Unauthorized(f"this needs the {scope} scope: send Authorization: Bearer <token>")
            raise Forbidden(f"{self.subject} lacks the {scope} scope")


class RequestCaller:
    """The worker's caller, looked up the first time the entrypoint asks."""

    def __init__(self, resolve):
        self._resolve, self._caller = resolve, None

    @property
    def caller(self):
        if self._caller is None:
            self._caller = self._resolve()
        return self._caller

    subject = property(lambda self: self.caller.subject)
    scopes = property(lambda self: self.caller.scopes)

    def has(self, scope):
        return self.caller.has(scope)

    def require(self, scope):
        self.caller.require(scope)


def issue_token(connection, subject, scopes, expires_at=None):
    """A new token (shown once, stored hashed) for subject with the given scopes."""
    token = secrets.token_urlsafe(32)
    connection.execute(insert(tokens).values(token_hash=token_hash(token), subject=subject,
                                             scopes=" ".join(sorted(set(scopes))), issued_at=utcnow(),
                                             expires_at=expires_at))
    return token


def revoke_tokens(connection, subject):
    """Revoke every token of subject; how many were live."""
    result = connection.execute(update(tokens).where(tokens.c.subject == subject, tokens.c.revoked_at.is_(None))
                                .values(revoked_at=utcnow()))
    return result.rowcount


def anonymous_scopes(config):
    """What a request without a token may do. An empty setting means nothing: a site that locks
    anonymous access down must not get the default back."""
    return public_scopes(config.get("ANONYMOUS_SCOPES", DEFAULTS["ANONYMOUS_SCOPES"]))


class Auth(DependencyProvider):
    database = Database()

    def setup(self):
        self.anonymous = Caller("anonymous", anonymous_scopes(self.container.config))
        self._cache = {}  # token hash -> (Caller, looked up at)

    def get_dependency(self, worker_ctx):
        # Resolved on first use, inside the entrypoint, so a bad token is the caller's 401 there.
        request = worker_ctx.args[0] if worker_ctx.args else None
        return RequestCaller(lambda: self.caller_from(request))

    def caller_from(self, request):
        if not hasattr(request, "headers"):
            return Caller(SYSTEM, self.anonymous.scopes)
        header = request.headers.get("Authorization")
        if not header:
            return self.anonymous
        scheme, _, token = header.partition(" ")
        if scheme.lower() != "bearer" or not token.strip():
            raise Unauthorized("Authorization must be 'Bearer <token>'")
        return self.caller_for(token.strip())

    def caller_for(self, token):
        digest = token_hash(token)
        cached = self._cache.get(digest)
        if cached and time.monotonic() - cached[1] < CACHE_SECONDS:
            return cached[0]
        with self.database.engine.connect() as connection:
            row = connection.execute(select(tokens).where(tokens.c.token_hash == digest)).first()
        if row is None or row.revoked_at is not None or (row.expires_at and as_utc(row.expires_at) < utcnow()):
            raise Unauthorized("unknown, revoked or expired token")
        caller = Caller(row.subject, frozenset(row.scopes.split()))
        self._cache[digest] = (caller, time.monotonic())
        return caller
