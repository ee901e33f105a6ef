"""Request bodies at the HTTP edge: each capped by its kind of route, refused with a 413 before it
is read when it says it is larger; each made to keep pace; a chunked one read whole, up to its cap."""
import io
import logging
import time

import eventlet
from werkzeug.exceptions import HTTPException

from . import metrics
from .config import DEFAULTS
from .errors import InvalidRequest

log = logging.getLogger(__name__)

CLOSE_KEY = "safecommunity.close_connection"  # environ: call it to close the connection after the answer
MULTIPART_ENVELOPE = 64 * 1024  # room for a multipart form's boundaries and part headers around a file
READ_CHUNK = 64 * 1024

# The kinds of body a route may take (`@http(..., body_limit=UPLOAD)`), each the setting that caps it.
BODY_SETTINGS = JSON, UPLOAD, IMPORT = ("MAX_JSON_BYTES", "MAX_UPLOAD_BYTES", "MAX_IMPORT_BYTES")


def setting(config, name):
    return type(DEFAULTS[name])(config.get(name, DEFAULTS[name]))


class BodyTooLarge(InvalidRequest):
    def __init__(self, most):
        super().__init__(f"a request body here may have at most {most} bytes", status=413)


class BodyTooSlow(InvalidRequest):
    """A DomainError, so nameko logs it as expected, and no OSError, which Werkzeug's reads would
    answer as a client gone (400)."""

    def __init__(self, rate):
        super().__init__(f"the body came slower than {rate} bytes a second", status=408)


class PacedInput:
    """wsgi.input that a body must keep pace with, as Apache's mod_reqtimeout body=...,MinRate=...
    has it: HTTP_IDLE_TIMEOUT seconds, and one more for each HTTP_MIN_BODY_RATE bytes. A per-read
    timeout alone lets a client that sends a byte every few seconds hold a service worker for ever."""

    def __init__(self, stream, grace, rate, length, on_late):
        self.stream, self.rate, self.length, self.on_late = stream, rate, length, on_late
        self.due, self.taken = time.monotonic() + grace, 0

    def read(self, size=-1):
        return self._paced(self.stream.read, size)

    def readline(self, size=-1):
        return self._paced(self.stream.readline, size)

    def __iter__(self):
        return iter(self.readline, b"")

    def _paced(self, read, size):
        wanted = size if size is not None and size >= 0 else max(self.length - self.taken, READ_CHUNK)
        timer = eventlet.Timeout(max(self.due + (self.taken + wanted) / self.rate - time.monotonic(), 0.0))
        try:
            part = read(size)
        except eventlet.Timeout as late:
            if late is not timer:
                raise
            self.on_late()
            raise BodyTooSlow(self.rate) from None
        finally:
            timer.cancel()
        self.taken += len(part)
        return part


class BodyGuard:
    """WSGI middleware: a body larger than its route allows is answered 413 before it is read, from
    its Content-Length; a chunked one (no length) is read here up to the cap; any body must keep pace."""

    def __init__(self, app, config, error_response):
        self.app, self.error_response = app, error_response
        self.limits = {name: setting(config, name) for name in BODY_SETTINGS}
        self.smallest = min(self.limits.values())
        self.grace, self.rate = setting(config, "HTTP_IDLE_TIMEOUT"), setting(config, "HTTP_MIN_BODY_RATE")

    def __call__(self, environ, start_response):
        try:
            self.guard(environ)
        except (BodyTooLarge, BodyTooSlow) as exc:
            return self.refuse(environ, exc)(environ, start_response)
        return self.app(environ, start_response)

    def guard(self, environ):
        length = int(environ.get("CONTENT_LENGTH") or 0)
        chunked = environ.get("HTTP_TRANSFER_ENCODING", "").lower() == "chunked"
        # most bodies are within every cap: the route is looked up only for one that may not be
        most = self.limit_for(environ) if chunked or length > self.smallest else self.smallest
        if length > most:
            raise BodyTooLarge(most)
        if length or chunked:
            environ["wsgi.input"] = PacedInput(environ["wsgi.input"], self.grace, self.rate, length,
                                               environ.get(CLOSE_KEY, lambda: None))
        if chunked:
            take_whole(environ, most)

    def limit_for(self, environ):
        """The cap of the route's kind of body; JSON's for operator routes and paths that match none."""
        try:
            endpoint, _ = self.app.url_map().bind_to_environ(environ).match()
        except HTTPException:
            return self.limits[JSON]
        return self.limits[getattr(endpoint, "body_limit", JSON)]

    def refuse(self, environ, exc):
        environ.get(CLOSE_KEY, lambda: None)()
        method, path = environ.get("REQUEST_METHOD", "-"), environ.get("PATH_INFO")
        log.info("refused the body of %s %s: %s", method, path, exc)
        metrics.HTTP_REQUESTS.labels("-", method, str(exc.status)).inc()
        return self.error_response(exc)


def take_whole(environ, most):
    """Werkzeug reads a body of no stated length as empty: read it here, and give it its length."""
    body = read_at_most(environ["wsgi.input"], most)
    if body is None:
        raise BodyTooLarge(most)
    environ.update({"wsgi.input": io.BytesIO(body), "CONTENT_LENGTH": str(len(body))})
    del environ["HTTP_TRANSFER_ENCODING"]


def read_at_most(stream, most):
    """The whole body, or None past most bytes. Read a piece at a time: one read of most bytes
    would set that much memory aside whatever the client then sends."""
    parts, size = [], 0
    while size <= most:
        part = stream.read(READ_CHUNK)
        if not part:
            return b"".join(parts)
        parts.append(part)
        size += len(part)
        eventlet.sleep()  # a read finds data waiting without yielding: a fast client would hold the process
    return None
