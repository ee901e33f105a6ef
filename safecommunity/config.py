"""Configuration, read once from the environment (or given by the runner) into a nameko config dict."""
import os

from .discovery import service_names

SERVICES = service_names()  # every folder under services/ with a manifest.py, in their manifests' order

DEFAULTS = {
    # Unset, both mean embedded mode: the in-process broker and SQLite files (see runner.py).
    "AMQP_URI": "memory://",
    "DATABASE_URL": "sqlite:///data/{service}.db",
    "WEB_SERVER_ADDRESS": "0.0.0.0:8000",
    "HTTP_SHARE_PORT": 0,             # 1: replicas on one host share the port (SO_REUSEPORT); else a taken port fails
    # The HTTP edge (server.py). Seconds a connection has to send a request's head (line and
    # headers; the wait on a kept-alive connection counts) and to make each read or write after it.
    "HTTP_IDLE_TIMEOUT": 10.0,
    "HTTP_MIN_BODY_RATE": 4096,       # bytes a second a body must keep up, past HTTP_IDLE_TIMEOUT's grace
    "HTTP_MAX_CONNECTIONS": 1000,     # per process; past it a new connection is answered 503 and closed
    # Request bodies, by kind of route, refused with a 413 before they are read. 1,000 injury cards
    # of the longest legal descriptions, \u-escaped, are 12.7 MB (a typical card is ~1 KB).
    "MAX_JSON_BYTES": 16 * 1024 * 1024,
    "MAX_UPLOAD_BYTES": 10 * 1024 * 1024 + 64 * 1024,  # incidents' ATTACHMENT_MAX_BYTES + a multipart envelope
    "MAX_IMPORT_BYTES": 256 * 1024 * 1024,             # a CSV of 1,000,000 residents is ~170 MB
    "AMQP_QUEUE_TYPE": "classic",     # or quorum: every queue replicated over a RabbitMQ cluster (broker.py)
    "EVENT_BATCH_SIZE": 500,          # events handed to one handler call, one transaction
    "EVENT_BATCH_WAIT": 0.02,         # seconds a partial batch waits for more
    "EVENT_PREFETCH": 1000,
    "EVENT_RETRY_ATTEMPTS": 5,        # attempts before a message is dead
    "EVENT_RETRY_BACKOFF": 2.0,       # seconds before the 2nd attempt; doubles each time
    "EVENT_RETRY_BACKOFF_MAX": 300.0,
    "OUTBOX_BATCH_SIZE": 1000,
    "OUTBOX_EVENTS_PER_MESSAGE": 20,  # consecutive events of one type share a broker message, up to this many
    "OUTBOX_POLL_INTERVAL": 0.5,      # seconds; commits in this process wake the relay at once
    "OUTBOX_LINGER": 0.025,           # seconds the woken relay waits for more commits to send together
    "OUTBOX_RETENTION_HOURS": 168.0,  # published rows kept this long, then deleted; 0 keeps them all
    # What a request without a token may do (scopes.py); personal-data, write and admin scopes are
    # never given this way. "" leaves the anonymous only the public routes.
    "ANONYMOUS_SCOPES": "aggregates",
    "METRICS_ADDRESS": "",            # e.g. 0.0.0.0:9100: /metrics without a token there, for the scraper
                                      # on an internal network; on the public port /metrics needs `ops`
    "SITE_TIMEZONE": "Asia/Shanghai",  # the day, month and year a moment counts in (sitetime.py)
    "SUPPRESS_BELOW": 5,              # anonymous callers see a count under this as "<5", never exact
    # The district's OpenID Connect provider (oidc.OidcVerifier); unset, only platform tokens count.
    "OIDC_ISSUER": "",
    "OIDC_AUDIENCE": "safecommunity",
    "OIDC_JWKS_URL": "",
    "OIDC_SCOPE_CLAIM": "scope",      # a dotted path into the claims, e.g. realm_access.roles
    "OIDC_SOURCES_CLAIM": "sources",  # the sources a department reports as
    "OIDC_SUBJECT_CLAIM": "preferred_username",
}


def from_environ(environ=None, **overrides):
    """A nameko config dict: defaults, then environment variables, then explicit overrides."""
    environ = os.environ if environ is None else environ
    config = {}
    for key, default in DEFAULTS.items():
        raw = environ.get(key)
        config[key] = default if raw is None else type(default)(raw)
    config.update({k: v for k, v in overrides.items() if v is not None})
    return config


def database_url(config, service):
    """The service's own database: `{service}` in DATABASE_URL is replaced by its name."""
    return config["DATABASE_URL"].format(service=service)
