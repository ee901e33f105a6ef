"""An OpenAPI 3 document of the HTTP API, made from the running services' entrypoints: every path,
its methods, path parameters, the summary from the method's docstring, and the error shapes."""
import inspect
import re

from werkzeug.routing import Rule

PARAMETER = re.compile(r"<(?:(?P<converter>[a-z]+):)?(?P<name>\w+)>")
ERROR = {"$ref": "#/components/schemas/Error"}
ERRORS = {"400": "Bad input: `fields` says which field and why", "404": "Not found",
          "409": "Clashes with the current state", "415": "Not JSON"}


def document(containers, title="Safe Community Platform", version="1"):
    paths = {}
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
            "components": {"schemas": {"Error": {
                "type": "object", "required": ["error"],
                "properties": {"error": {"type": "string"}, "message": {"type": "string"},
                               "fields": {"type": "object", "additionalProperties": {
                                   "type": "array", "items": {"type": "string"}}}}}}}}


def openapi_path(url):
    parameters = [{"name": m["name"], "in": "path", "required": True,
                   "schema": {"type": "integer" if m["converter"] == "int" else "string"}}
                  for m in PARAMETER.finditer(Rule(url).rule)]
    return PARAMETER.sub(lambda m: "{" + m["name"] + "}", url), parameters


def operation(service, container, entrypoint, parameters):
    method = getattr(container.service_cls, entrypoint.method_name)
    doc = inspect.getdoc(method) or entrypoint.method_name.replace("_", " ").capitalize()
    answer = {"summary": doc.splitlines()[0], "operationId": f"{service}.{entrypoint.method_name}",
              "tags": [service], "responses": {"200": {"description": "OK"}}}
    if len(doc.splitlines()) > 1:
        answer["description"] = doc
    if parameters:
        answer["parameters"] = parameters
    if entrypoint.method in ("POST", "PUT", "PATCH"):
        answer["requestBody"] = {"required": False, "content": {"application/json": {"schema": {"type": "object"}}}}
        answer["responses"]["201"] = {"description": "Created"}
    for status, description in ERRORS.items():
        answer["responses"][status] = {"description": description, "content": {"application/json": {"schema": ERROR}}}
    return answer
