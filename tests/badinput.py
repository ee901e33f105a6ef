"""What the bad-input corpora of the services share: a client that sends any body, the check that
every answer is a 4xx with a reason, and the routes a service serves, by shape, from its OpenAPI
document (so a route added without a place in a corpus fails its coverage test)."""
import json

import requests

HUGE = 10**30
BAD_BODIES = ["", "null", "[]", '"text"', "42", "{not json", '{"bogus": 1}', '{"a": "\\u0000"}', '{"\\ud800": 1}']
OPS_PATHS = {"health", "ready", "metrics", "openapi.json", "dead-letters", "replay", "{row_id}"}


class Client:
    def __init__(self, url, token):
        self.url, self.session = url, requests.Session()
        self.session.headers["Authorization"] = f"Bearer {token}"

    def send(self, method, path, body=None, raw=None, params=None):
        """`body` as JSON, NaN and Infinity as Python writes them (which a JSON parser may take); `raw` as it is."""
        if body is not None:
            raw = json.dumps(body)
        headers = {"Content-Type": "application/json"} if raw is not None else {}
        return self.session.request(method, self.url + path, data=raw, params=params, headers=headers, timeout=60)

    def made(self, path, body):
        answer = self.send("POST", path, body)
        assert answer.status_code == 201, (path, answer.text)
        return answer.json()


def bad_field_cases(routes, bad_values, meant=lambda name, value: False):
    """For each route with a body (routes: (method, path, body, _)): every field given every bad
    value (but those `meant(name, value)` says the field takes), and the body with a field unknown."""
    cases = []
    for method, path, body, _ in routes:
        if body is None:
            continue
        for name in body:
            cases += [(method, path, {**body, name: value}, None, None) for value in bad_values
                      if not meant(name, value)]
        cases += [(method, path, {**body, "bogus": 1}, None, None)]
    return cases


def weird_id_cases(routes, values, bad_ids):
    """Each route whose path holds one of `values` (a record's id or code) with it replaced by each
    of the bad ids."""
    return [(method, path.replace(f"/{value}", f"/{bad}", 1), body, None, None)
            for method, path, body, _ in routes for value in values if f"/{value}" in path for bad in bad_ids]


def bad_query_cases(routes, bad_query):
    """Each GET route's query parameters, and one it does not take, given each bad value."""
    return [("GET", path, None, None, {name: value}) for method, path, _, names in routes
            if method == "GET" for name in names + ["bogus"] for value in bad_query]


def assert_refused_with_reasons(api, cases):
    """No case is answered 5xx, nor 4xx without a reason; each is (method, path, body, raw, params)."""
    wrong = []
    for method, path, body, raw, params in cases:
        answer = api.send(method, path, body=body, raw=raw, params=params)
        reasoned = answer.headers.get("Content-Type", "").startswith("application/json") and (
            answer.json().get("fields") or answer.json().get("message"))
        if answer.status_code >= 500 or (answer.status_code >= 400 and not reasoned):
            wrong.append((answer.status_code, method, path[:120], str(body or raw or params)[:160], answer.text[:200]))
    assert wrong == [], "\n".join(map(str, wrong))


def assert_bodies_refused(api, routes, bad_bodies=BAD_BODIES):
    """Every route with a body (routes: (method, path, body, _)) refuses each bad body with a reason,
    and an unknown field with a 400."""
    with_body = [(method, path) for method, path, body, _ in routes if body is not None]
    assert_refused_with_reasons(api, [(method, path, None, raw, None) for method, path in with_body
                                      for raw in bad_bodies])
    for method, path in with_body:
        assert api.send(method, path, raw='{"bogus": 1}').status_code == 400, path


def shape(path, values):
    """A path with its record IDs and codes as `<>`, as the OpenAPI document's `{name}`."""
    return "/".join("<>" if part in values or part.startswith("{") else part for part in path.split("/"))


def served(api, services):
    """(method, path shape) of every route the services serve, from their OpenAPI documents."""
    found = set()
    for name in services:
        paths = api.send("GET", f"/api/{name}/openapi.json").json()["paths"]
        found |= {(verb.upper(), shape(path, ())) for path, verbs in paths.items() for verb in verbs
                  if path.startswith(f"/api/{name}/") and path.rsplit("/", 1)[-1] not in OPS_PATHS}
    return found
