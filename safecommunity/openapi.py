"""An OpenAPI 3 document of the HTTP API, made from the running services' entrypoints: every path,
its methods, path parameters, the summary from the method's docstring, and the error shapes."""
import inspect
import re

from werkzeug.routing import Rule

from .scopes import AGGREGATES, PUBLIC

PARAMETER = re.compile(r"<(?:(?P<converter>[a-z]+):)?(?P<name>\w+)>")
ERROR = {"$ref": "#/components/schemas/Error"}
ERRORS = {"400": "Bad input: `fields` says which field and why", "401": "No token, or one that is unknown, "
          "revoked or expired", "403": "The token lacks the route's scope (x-scope)", "404": "Not found",
          "409": "Clashes with the current state", "413": "The body is too large", "415": "Not JSON"}
OPEN = (PUBLIC, AGGREGATES)  # scopes an anonymous caller may have


def document(containers, ops=(), title="Safe Community Platform", version="1"):
    """ops: the operator routes every process serves, as (werkzeug Rule, scope, function)."""
    paths = {}
    for rule, scope, function in ops:
        path, parameters = openapi_path(rule.rule)
        for verb in sorted(rule.methods - {"HEAD", "OPTIONS"}):
            paths.setdefault(path, {})[verb.lower()] = ops_operation(rule, verb, scope, function, parameters)
    for name, container in sorted(containers.items()):
        for entrypoint in sorted(container.entrypoints, key=lambda e: (getattr(e, "url", ""), e.method_name)):
            if not hasattr(entrypoint, "url"):
                continue
            path, parameters = openapi_path(entrypoint.url)
            for verb in entrypoint.method.split(","):
                paths.setdefault(path, {})[verb.lower()] = operation(name, container, entrypoint, parameters)
    return {"openapi": "3.0.3", "info": {"title": title, "version": version,
                                         "description": "Every service under /api/<service>/. JSON in and out."},
            "paths": paths,
            "components": {"securitySchemes": {"bearer": {
                "type": "http", "scheme": "bearer",
                "description": "a platform token (safecommunity token issue) or the identity provider's JWT"}},
                "schemas": {"Error": {
                "type": "object", "required": ["error"],
                "properties": {"error": {"type": "string"}, "message": {"type": "string"},
                               "fields": {"type": "object", "additionalProperties": {
                                   "type": "array", "items": {"type": "string"}}}}}}}}


def openapi_path(url):
    parameters = [{"name": m["name"], "in": "path", "required": True,
                   "schema": {"type": "integer" if m["converter"] == "int" else "string"}}
                  for m in PARAMETER.finditer(Rule(url).rule)]
    return PARAMETER.sub(lambda m: "{" + m["name"] + "}", url), parameters


def ops_operation(rule, verb, scope, function, parameters):
    doc = inspect.getdoc(function) or function.__name__.replace("_", " ").capitalize()
    name = function.__name__ + ("_of_service" if "<service>" in rule.rule else "")
    answer = {"summary": doc.splitlines()[0], "operationId": f"ops.{name}", "tags": ["operations"],
              "responses": {"200": {"description": "OK"}}, **secured(scope)}
    if parameters:
        answer["parameters"] = parameters
    if verb in ("POST", "PUT", "PATCH"):
        answer["requestBody"] = {"required": False, "content": {"application/json": {"schema": {"type": "object"}}}}
    for status, description in ERRORS.items():
        answer["responses"][status] = {"description": description, "content": {"application/json": {"schema": ERROR}}}
    return answer


def secured(scope):
    """The scope a route needs: anonymous callers may call the open ones; the rest need a token."""
    return {"x-scope": scope, "security": [{}, {"bearer": []}] if scope in OPEN else [{"bearer": []}]}


def operation(service, container, entrypoint, parameters):
    method = getattr(container.service_cls, entrypoint.method_name)
    doc = inspect.getdoc(method) or entrypoint.method_name.replace("_", " ").capitalize()
    answer = {"summary": doc.splitlines()[0], "operationId": f"{service}.{entrypoint.method_name}",
              "tags": [service], "responses": {"200": {"description": "OK"}}, **secured(entrypoint.scope)}
    if len(doc.splitlines()) > 1:
        answer["description"] = doc
    query = getattr(entrypoint, "query_schema", None)
    parameters = parameters + ([{"name": name, "in": "query", "required": field.required,
                                 "schema": json_schema(field)} for name, field in query().fields.items()]
                               if query else [])
    if parameters:
        answer["parameters"] = parameters
    if entrypoint.method in ("POST", "PUT", "PATCH"):
        body = getattr(entrypoint, "body_schema", None)
        schema = object_schema(body()) if body else {"type": "object"}
        answer["requestBody"] = {"required": body is not None, "content": {"application/json": {"schema": schema}}}
        answer["responses"]["201"] = {"description": "Created"}
    for status, description in ERRORS.items():
        answer["responses"][status] = {"description": description, "content": {"application/json": {"schema": ERROR}}}
    return answer


TYPES = {  # marshmallow field class -> JSON schema; a field takes the nearest class in its MRO
    "Integer": {"type": "integer"}, "Float": {"type": "number"}, "Boolean": {"type": "boolean"},
    "Date": {"type": "string", "format": "date"}, "DateTime": {"type": "string", "format": "date-time"},
    "Dict": {"type": "object"}, "String": {"type": "string"},
}


def json_schema(field):
    """A marshmallow field as JSON schema: its type, enum, bounds, lists and nested objects."""
    from marshmallow import fields, validate

    if isinstance(field, fields.List):
        schema = {"type": "array", "items": json_schema(field.inner)}
    elif isinstance(field, fields.Nested):
        schema = object_schema(field.schema)
    else:
        schema = dict(next((TYPES[cls.__name__] for cls in type(field).__mro__ if cls.__name__ in TYPES), {}))
    for rule in field.validators:
        if isinstance(rule, validate.OneOf):
            schema["enum"] = list(rule.choices)
        elif isinstance(rule, validate.Range):
            schema.update({key: value for key, value in (("minimum", rule.min), ("maximum", rule.max))
                           if value is not None})
        elif isinstance(rule, validate.Length):
            prefix = "Items" if schema.get("type") == "array" else "Length"
            schema.update({key: value for key, value in ((f"min{prefix}", rule.min), (f"max{prefix}", rule.max))
                           if value is not None})
    if field.allow_none:
        schema["nullable"] = True
    return schema


def object_schema(schema):
    properties = {name: json_schema(field) for name, field in schema.fields.items() if not field.dump_only}
    required = sorted(name for name, field in schema.fields.items() if field.required)
    return {"type": "object", "properties": properties, **({"required": required} if required else {})}
