"""The HTTP edge: one server per process (so embedded mode serves all services on one port),
JSON in and out, one table mapping errors to status codes, and the operator endpoints every
service has: health, readiness, metrics and dead letters."""
import json
import logging
import re
import time
from datetime import date, datetime
from decimal import Decimal

from marshmallow import ValidationError
from nameko.web.handlers import HttpRequestHandler
from prometheus_client import CONTENT_TYPE_LATEST, generate_latest
from werkzeug.exceptions import HTTPException
from werkzeug.routing import Rule
from werkzeug.wrappers import Request, Response

from . import metrics
from .auth import CALLER_KEY, CORRELATION_KEY, Access, Unauthorized
from .bodies import BODY_SETTINGS, JSON
from .deadletters import DeadLetterNotFound
from .errors import Conflict, DomainError, FieldInvalid, InvalidRequest, NotFound
from .ids import new_id
from .outages import OUTAGES, RETRY_AFTER, is_outage
from .scopes import PUBLIC, known
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


class PlatformApp:
    """Routes to the services' handlers (rebuilt as handlers register) and serves the ops routes."""

    def __init__(self, server):
        self.server = server
        self._map, self._providers = None, None

    def url_map(self):
        providers = frozenset(self.server._providers)
        if providers != self._providers:
            self._map, self._providers = self.server.make_url_map(), providers
            for rule in ops_rules():
                self._map.add(rule)
        return self._map

    def __call__(self, environ, start_response):
        request = Request(environ)
        try:
            endpoint, values = self.url_map().bind_to_environ(environ).match()
            if callable(endpoint):
                response = answer(request, access_of(self.server), OPS_SCOPES[endpoint], values.get("service", "-"),
                                  endpoint.__name__, lambda: endpoint(self.server, request, **values))
            else:
                request.path_values = values
                response = endpoint.handle_request(request)
        except Exception as exc:
            response = error_response(exc)
        return response(environ, start_response)


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


# -- operator routes, served for every service in the process ------------------------------------

OPS, ADMIN = "ops", "admin"


def ops_rules():
    return [
        Rule("/health", endpoint=health, methods=["GET"]),
        Rule("/ready", endpoint=ready, methods=["GET"]),
        Rule("/metrics", endpoint=metrics_text, methods=["GET"]),
        Rule("/api/<service>/health", endpoint=health, methods=["GET"]),
        Rule("/api/<service>/ready", endpoint=ready, methods=["GET"]),
        Rule("/api/<service>/metrics", endpoint=metrics_text, methods=["GET"]),
        Rule("/api/openapi.json", endpoint=openapi_document, methods=["GET"]),
        Rule("/api/<service>/openapi.json", endpoint=openapi_document, methods=["GET"]),
        Rule("/api/<service>/dead-letters", endpoint=list_dead_letters, methods=["GET"]),
        Rule("/api/<service>/dead-letters/<int:row_id>", endpoint=show_dead_letter, methods=["GET"]),
        Rule("/api/<service>/dead-letters/<int:row_id>/replay", endpoint=replay_dead_letter,
             methods=["POST"]),
        Rule("/api/access/scopes", endpoint=list_scopes, methods=["GET"]),
        Rule("/api/access/whoami", endpoint=whoami, methods=["GET"]),
        Rule("/api/access/tokens", endpoint=list_tokens, methods=["GET"]),
        Rule("/api/access/tokens", endpoint=issue_token, methods=["POST"]),
        Rule("/api/access/tokens/<token_id>", endpoint=revoke_token, methods=["DELETE"]),
    ]


def access_of(server):
    for container in server.containers.values():
        return container.shared_extensions[Access]
    raise NotFound("no service runs here")


def _ops_scopes():
    return {health: PUBLIC, ready: PUBLIC, openapi_document: PUBLIC, metrics_text: OPS, list_dead_letters: OPS,
            show_dead_letter: OPS, replay_dead_letter: OPS, list_scopes: PUBLIC, whoami: PUBLIC,
            list_tokens: ADMIN, issue_token: ADMIN, revoke_token: ADMIN}


def _containers(server, service=None):
    if service is None:
        return dict(server.containers)
    if service not in server.containers:
        raise NotFound(f"no service {service!r} here")
    return {service: server.containers[service]}


def health(server, request, service=None):
    return json_response({"status": "alive", "services": sorted(_containers(server, service))})


def ready(server, request, service=None):
    """Each service's dependencies, "ok" or why not (the database, the access store, the broker as
    the consumer and the outbox's publisher see it); 503 while any is away."""
    report, ok = {}, True
    for name, container in _containers(server, service).items():
        checks = {}
        for extension in set(container.shared_extensions.values()):
            check = getattr(extension, "check_ready", None)
            if check is None or extension is server:
                continue
            dependency = getattr(extension, "dependency", type(extension).__name__)
            try:
                check()
                checks[dependency] = "ok"
            except Exception as exc:  # a readiness probe reports failures, it does not raise them
                checks[dependency], ok = f"{type(exc).__name__}: {exc}"[:300], False
            metrics.DEPENDENCY_UP.labels(name, dependency).set(checks[dependency] == "ok")
        report[name] = checks
    return json_response({"ready": ok, "services": report}, 200 if ok else 503)


def metrics_text(server, request, service=None):
    _containers(server, service)
    return Response(generate_latest(), mimetype=CONTENT_TYPE_LATEST)


def openapi_document(server, request, service=None):
    from .openapi import document
    ops = [(rule, OPS_SCOPES[rule.endpoint], rule.endpoint) for rule in ops_rules()]
    if service is not None:  # one service's document: its own operator routes, by name
        ops = [(Rule(rule.rule.replace("<service>", service), methods=rule.methods), scope, function)
               for rule, scope, function in ops if rule.rule.startswith("/api/<service>/")]
    return json_response(document(_containers(server, service), ops))


def _dead_letters(server, service):
    from .consumer import EventBus
    bus = _containers(server, service)[service].shared_extensions.get(EventBus)
    if bus is None:
        raise NotFound(f"{service} consumes no events, so it has no dead letters")
    return bus.dead_letters


def list_dead_letters(server, request, service):
    statuses = request.args.getlist("status") or ["dead", "rejected", "retrying"]
    return json_response({"dead_letters": _dead_letters(server, service).list(statuses)})


def show_dead_letter(server, request, service, row_id):
    return json_response(_dead_letters(server, service).get(row_id))


def replay_dead_letter(server, request, service, row_id):
    _dead_letters(server, service).replay(row_id)
    return json_response({"replayed": row_id}, 202)


# -- the admin API of platform tokens (tokens.py) ----------------------------------------------------

def list_scopes(server, request):
    from .tokens import scope_table
    return json_response(scope_table())


def whoami(server, request):
    caller = request.environ[CALLER_KEY]
    return json_response({"subject": caller.subject, "kind": caller.kind, "anonymous": caller.anonymous,
                          "scopes": sorted(caller.scopes), "sources": sorted(caller.sources)})


def list_tokens(server, request):
    tokens = access_of(server).tokens.list(request.args.get("subject"), request.args.get("all") == "1")
    return json_response({"tokens": tokens})


def issue_token(server, request):
    from .tokens import issue_over_http
    return json_response(issue_over_http(access_of(server).tokens, request.environ[CALLER_KEY], read_json(request)),
                         201)


def revoke_token(server, request, token_id):
    from .tokens import revoke_over_http
    return json_response(revoke_over_http(access_of(server).tokens, token_id))


OPS_SCOPES = _ops_scopes()  # the scope each operator route needs
