import json

import pytest
from marshmallow import ValidationError
from werkzeug.exceptions import NotFound as RouteNotFound
from werkzeug.test import EnvironBuilder
from werkzeug.wrappers import Request

from safecommunity.errors import Conflict, FieldInvalid, IllegalTransition, InvalidRequest, NotFound
from safecommunity.web import error_response, paging, read_json


def answer(exc):
    response = error_response(exc)
    return response.status_code, json.loads(response.get_data(as_text=True))


@pytest.mark.parametrize("exc, status, error", [
    (ValidationError({"age": ["too old"]}), 400, "invalid"),
    (FieldInvalid("grid_code", "no grid G9"), 400, "invalid"),
    (InvalidRequest("bad body"), 400, "bad_request"),
    (InvalidRequest("not JSON", status=415), 415, "unsupported_media_type"),
    (InvalidRequest("who are you?", status=401), 401, "unauthorized"),
    (InvalidRequest("not yours", status=403), 403, "forbidden"),
    (NotFound("no case 1"), 404, "not_found"),
    (Conflict("grid G1 already exists"), 409, "conflict"),
    (IllegalTransition("hazard is closed"), 409, "conflict"),
    (RouteNotFound(), 404, "not_found"),
    (RuntimeError("bug"), 500, "internal"),
])
def test_each_error_has_its_status(exc, status, error):
    assert answer(exc)[0] == status and answer(exc)[1]["error"] == error


def test_field_errors_say_which_field_and_why():
    assert answer(FieldInvalid("grid_code", "no grid G9"))[1]["fields"] == {"grid_code": ["no grid G9"]}


def test_an_internal_error_does_not_leak_its_message():
    assert "secret" not in json.dumps(answer(RuntimeError("secret"))[1])


def request(body=b"", content_type="application/json", query=None):
    return Request(EnvironBuilder(method="POST", data=body, content_type=content_type,
                                  query_string=query).get_environ())


def test_a_body_must_be_declared_and_be_json():
    assert read_json(request(b'{"a": 1}')) == {"a": 1}
    with pytest.raises(InvalidRequest) as wrong_type:
        read_json(request(b'{"a": 1}', content_type="text/plain"))
    assert wrong_type.value.status == 415
    with pytest.raises(InvalidRequest, match="not valid JSON"):
        read_json(request(b"{nope"))


def test_paging_is_bounded_and_names_the_bad_parameter():
    assert paging(request(query={"limit": "20", "offset": "40"})) == (20, 40)
    with pytest.raises(FieldInvalid) as too_many:
        paging(request(query={"limit": "100000"}))
    assert "limit" in too_many.value.messages
    with pytest.raises(FieldInvalid) as not_a_number:
        paging(request(query={"offset": "x"}))
    assert "offset" in not_a_number.value.messages


def test_the_openapi_schema_of_a_request_says_types_enums_bounds_and_what_is_required():
    from marshmallow import Schema, fields, validate

    from safecommunity.openapi import object_schema, openapi_path

    class Card(Schema):
        kind = fields.String(required=True, validate=validate.OneOf(["fall", "burn"]))
        age = fields.Integer(validate=validate.Range(0, 120))
        seen_on = fields.Date(allow_none=True)
        at = fields.AwareDateTime()
        notes = fields.List(fields.String(), validate=validate.Length(max=3))

    assert object_schema(Card()) == {"type": "object", "required": ["kind"], "properties": {
        "kind": {"type": "string", "enum": ["fall", "burn"]},
        "age": {"type": "integer", "minimum": 0, "maximum": 120},
        "seen_on": {"type": "string", "format": "date", "nullable": True},
        "at": {"type": "string", "format": "date-time"},
        "notes": {"type": "array", "items": {"type": "string"}, "maxItems": 3}}}
    assert openapi_path("/api/x/<code>/items/<int:n>") == ("/api/x/{code}/items/{n}", [
        {"name": "code", "in": "path", "required": True, "schema": {"type": "string"}},
        {"name": "n", "in": "path", "required": True, "schema": {"type": "integer"}}])
