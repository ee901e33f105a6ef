"""The HTTP edge of the services' routes: `@http` with the scope each needs, JSON in (valid text)
and out, and one table mapping errors to status codes. One server per process (server.py) serves
them all, beside the operator routes every service has (ops.py)."""
import json
import logging
import re
import time
from datetime import date, datetime
from decimal import Decimal

from marshmallow import ValidationError
from nameko.web.handlers import HttpRequestHandler
from werkzeug.exceptions import HTTPException
from werkzeug.wrappers import Response

from . import metrics
from .auth import CALLER_KEY, CORRELATION_KEY, Access, Unauthorized
from .bodies import BODY_SETTINGS, JSON
from .deadletters import DeadLetterNotFound
from .errors import Conflict, DomainError, FieldInvalid, InvalidRequest, NotFound
from .ids import new_id
from .outages import OUTAGES, RETRY_AFTER, is_outage
from .scopes import known
from .server import PlatformWebServer
from .text import MAX_JSON_DEPTH, json_depth_exceeds, may_hold_invalid_text, text_problem, text_problems

log = logging.getLogger(__name__)
access_log = logging.getLogger("safecommunity.access")
REQUEST_ID = re.compile(r"^[A-Za-z0-9._:-]{1,64}$")  # what we take of a client's X-Request-Id

# Exception class -> (status, error code). The first matching row wins; anything else is a 500.
ERROR_STATUS = (
    (ValidationError, 400, "invalid"),
    (FieldInvalid, 400, "invalid"),
    (InvalidRequest, 400, "bad_request"),
    (NotFound, 404, "not_found"),
    (DeadLetterNotFound, 404, "not_found"),
    (Conflict, 409, "conflict"),
)


def _default(value):
    if isinstance(value, (datetime, date)):
        return value.isoformat()
    if isinstance(value, Decimal):
        return float(value)
    raise TypeError(f"{type(value).__name__} is not JSON serialisable")


def json_response(payload, status=200):
    return Response(json.dumps(payload, ensure_ascii=False, default=_default), status=status,
                    mimetype="application/json")


# An InvalidRequest may carry a status of its own; its error code then says which.
STATUS_CODES = {401: "unauthorized", 403: "forbidden", 404: "not_found", 408: "too_slow", 413: "too_large",
                415: "unsupported_media_type", 503: "unavailable"}


def error_response(exc):
    if is_outage(exc):  # the database or broker is away for a moment: the client is to try again
        log.warning("answered 503, a dependency is away: %s: %s", type(exc).__name__, str(exc)[:200])
        return unavailable(f"a service this request needs is unavailable ({type(exc).__name__}); retry shortly")
    if isinstance(exc, HTTPException):
        return json_response({"error": exc.name.lower().replace(" ", "_"), "message": exc.description},
                             exc.code)
    for cls, status, code in ERROR_STATUS:
        if isinstance(exc, cls):
            if isinstance(exc, (ValidationError, FieldInvalid)):
                return json_response({"error": code, "fields": exc.messages}, status)
            status = getattr(exc, "status", status)
            if status == 503:
                return unavailable(str(exc))
            response = json_response({"error": STATUS_CODES.get(status, code), "message": str(exc)}, status)
            if isinstance(exc, Unauthorized):
                response.headers["WWW-Authenticate"] = 'Bearer realm="safecommunity"'
            return response
    log.error("unexpected error answering a request", exc_info=exc)
    return json_response({"error": "internal", "message": "internal error; see the service log"}, 500)


def unavailable(message):
    response = json_response({"error": "unavailable", "message": message}, 503)
    response.headers["Retry-After"] = str(RETRY_AFTER)
    return response


def read_json(request):
    """The request body as JSON; 415 unless it says it is JSON, 400 unless it is JSON of valid text:
    UTF-8 (never read with replacement characters), no NUL, lone surrogate or control character in
    any string (named by its field), nested no deeper than text.MAX_JSON_DEPTH."""
    if request.mimetype != "application/json":
        raise InvalidRequest("send a JSON body with Content-Type: application/json", status=415)
    try:
        body = request.get_data().decode("utf-8")
    except UnicodeDecodeError as exc:
        raise InvalidRequest(f"the body is not UTF-8: byte {exc.object[exc.start]:#04x} at {exc.start}") from None
    if json_depth_exceeds(body):
        raise InvalidRequest(f"the body nests objects and arrays deeper than {MAX_JSON_DEPTH}")
    try:
        value = json.loads(body)
    except ValueError as exc:
        raise InvalidRequest(f"the body is not valid JSON: {exc}") from None
    problems = text_problems(value) if may_hold_invalid_text(body) else None
    if problems:
        raise ValidationError(problems)
    return value


MAX_OFFSET = 10_000_000  # past a district's largest list (residents); a bigger one overflows a database integer


def paging(request, default=50, most=500):
    """(limit, offset) from the query string; a 400 naming the parameter when they are wrong."""
    values = {}
    for name, fallback, lowest, highest in (("limit", default, 1, most), ("offset", 0, 0, MAX_OFFSET)):
        raw = request.args.get(name, fallback)
        try:
            values[name] = int(raw)
        except (TypeError, ValueError):
            raise FieldInvalid(name, "must be a whole number") from None
        if values[name] < lowest or (highest is not None and values[name] > highest):
            raise FieldInvalid(name, f"must be {lowest} to {highest}")
    return values["limit"], values["offset"]


def answer(request, access, scope, service, route, respond):
    """Who calls (401 when the token is bad), whether the route's scope allows it (401 for the
    anonymous, 403 for others), then the route's answer; and one access-log line either way."""
    started = time.perf_counter()
    given = request.headers.get("X-Request-Id", "")
    request_id = given if REQUEST_ID.match(given) else new_id()
    given = request.headers.get("X-Correlation-Id", "")
    correlation_id = given if REQUEST_ID.match(given) else request_id
    subject = "?"
    try:
        caller = access.caller_from(request)
        subject = caller.subject
        caller.require(scope)
    except InvalidRequest as exc:
        response = error_response(exc)
    else:
        request.environ[CALLER_KEY] = caller
        request.environ[CORRELATION_KEY] = correlation_id
        response = respond()
    seconds = time.perf_counter() - started
    response.headers["X-Request-Id"] = request_id
    metrics.HTTP_REQUESTS.labels(service, request.method, str(response.status_code)).inc()
    metrics.HTTP_SECONDS.labels(service, request.method).observe(seconds)
    access_log.info("%s %s %s", request.method, request.path, response.status_code, extra={
        "request_id": request_id, "correlation_id": correlation_id, "subject": subject, "service": service,
        "method": request.method, "route": route,
        "status": response.status_code, "duration_ms": round(seconds * 1000, 2)})
    return response


class RouteWithoutScope(Exception):
    """A route that does not say what scope it needs does not start."""


class Http(HttpRequestHandler):
    """`@http("POST", "/api/incidents/injuries", scope="incidents:write")`: the method returns a dict
    or list (200), or (status, payload); errors are answered through ERROR_STATUS. The caller must
    have the scope (see scopes.py) before the method runs."""

    server = PlatformWebServer()
    access = Access()

    def __init__(self, method, url, scope=None, query=None, body=None, body_limit=JSON, **kwargs):
        """scope: what the caller needs (scopes.py); query, body: the marshmallow schemas the method
        loads them with, for the OpenAPI document; body_limit: the setting that caps its body
        (bodies.JSON, UPLOAD or IMPORT), refused with a 413 before it is read."""
        kwargs.setdefault("expected_exceptions", (DomainError, ValidationError, *OUTAGES))
        self.scope, self.query_schema, self.body_schema, self.body_limit = scope, query, body, body_limit
        super().__init__(method, url, **kwargs)

    def setup(self):
        if self.body_limit not in BODY_SETTINGS:
            raise ValueError(f"{self.method_name}: body_limit must be one of {', '.join(BODY_SETTINGS)}")
        if self.scope is None or not known(self.scope):
            declared = "no scope" if self.scope is None else f"an unknown scope {self.scope}"
            raise RouteWithoutScope(f"{self.container.service_name}.{self.method_name} ({self.method} {self.url}) "
                                    f"declares {declared}")
        super().setup()

    def kill(self):
        """A container that dies takes its routes with it (nameko's kill leaves them in the shared
        server, where they would keep routing to the dead container once it is started again)."""
        self.server.unregister_provider(self)

    def get_entrypoint_parameters(self, request):
        """The path's values and the query's parameters are text too: one that is not (a NUL, say,
        which PostgreSQL cannot compare) is a 400 naming it, before the method runs."""
        args, kwargs = super().get_entrypoint_parameters(request)
        given = [*((name, value) for name, value in kwargs.items() if isinstance(value, str)),
                 *request.args.items(multi=True)]
        problems = {name: [reason] for name, value in given if (reason := text_problem(name) or text_problem(value))}
        if problems:
            raise ValidationError(problems)
        return args, kwargs

    def handle_request(self, request):
        return answer(request, self.access, self.scope, self.container.service_name, self.url,
                      lambda: super(Http, self).handle_request(request))

    def response_from_result(self, result):
        if isinstance(result, Response):
            return result
        status, payload = result if isinstance(result, tuple) else (200, result)
        return json_response(payload, status)

    def response_from_exception(self, exc):
        return error_response(exc)


http = Http.decorator
