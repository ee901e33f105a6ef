"""What every process serves beside its services' routes: the WSGI app that routes to them (the
HTTP server's, server.py), and the operator routes every service has: health, readiness, metrics,
the OpenAPI document, dead letters, and the admin API of platform tokens."""
from prometheus_client import CONTENT_TYPE_LATEST, generate_latest
from werkzeug.routing import Rule
from werkzeug.wrappers import Request, Response

from . import metrics
from .auth import CALLER_KEY, Access
from .errors import NotFound
from .scopes import PUBLIC
from .web import answer, error_response, json_response, read_json


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
