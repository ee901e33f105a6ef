"""Who is calling, and what they may do: the access layer every service and replica shares.

A request's `Authorization: Bearer <token>` is either a platform token (random, shown once, kept
only as its SHA-256 in the access store, scoped, expiring: tokenstore.py, where every service and
every replica checks the same tokens, a revocation holding from the next request on) or a JWT
from the district's OpenID Connect provider (oidc.py: PyJWT against the provider's JWKS,
signature, expiry, issuer, audience).

A request without a token is the anonymous caller with ANONYMOUS_SCOPES (default: aggregates
only; personal-data and admin scopes are never given this way). The HTTP edge (web.Http) checks
the scope each route declares before the route runs; `caller = Auth()` gives a service the
caller for finer checks (sensitive tags, a department's own sources).
"""
from dataclasses import dataclass, field

from nameko.extensions import DependencyProvider, SharedExtension

from .config import DEFAULTS, database_url
from .database import make_engine
from .errors import InvalidRequest
from .scopes import AGGREGATES, PUBLIC

PRIVATE_SCOPES = {"ops", "admin"}                                   # never given to anonymous callers,
PRIVATE_SCOPE_MARKS = (":pii", ":sensitive", ":audit", ":admin", ":write")  # nor any scope with these
ANY_SOURCE = "*"      # a token's sources: this one reports as any source (the office, an import job)
SYSTEM = "system"     # the subject of work no HTTP caller asked for (event handlers, timers)


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


class Access(SharedExtension):
    """The caller of a request, once per request, for every service of the container."""

    def setup(self):
        from .oidc import OidcVerifier  # both import this module's callers and errors
        from .tokenstore import ACCESS_STORE, checking_store

        config = self.container.config
        self.anonymous = anonymous_caller(config)
        self.tokens = checking_store(make_engine(database_url(config, ACCESS_STORE)))
        self.oidc = OidcVerifier(config) if config.get("OIDC_ISSUER") else None

    def stop(self):
        if self.tokens.feed:
            self.tokens.feed.close()
        self.tokens.engine.dispose()

    kill = stop

    dependency = "access store"

    def check_ready(self):
        with self.tokens.engine.connect() as connection:
            connection.exec_driver_sql("SELECT 1").scalar()  # read to the end: an open statement pins a snapshot
        return self.dependency

    def caller_from(self, request):
        header = request.headers.get("Authorization")
        if not header:
            return self.anonymous
        scheme, _, token = header.partition(" ")
        token = token.strip()
        if scheme.lower() != "bearer" or not token:
            raise Unauthorized("Authorization must be 'Bearer <token>'")
        return caller_for(token, self.tokens, self.oidc)


def caller_for(token, tokens, oidc=None):
    """Who a bearer token stands for: an identity provider's JWT (header.payload.signature) checked
    by oidc, a platform token (no dots) by tokens; Unauthorized otherwise."""
    if token.count(".") == 2:
        if oidc is None:
            raise Unauthorized("this platform takes no identity provider's tokens (OIDC_ISSUER is not set)")
        return oidc.caller(token)
    return tokens.caller(token)


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
