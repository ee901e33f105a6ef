"""Evidence's HTTP input (a multipart form's fields beside its file) and output."""
from marshmallow import ValidationError, fields, pre_load, validate, validates_schema

from ..evidence import ELEMENTS, KINDS, SUBJECTS
from .common import NAME_MAX, Query, Strict, one_of, record_id, text

FORM_LISTS = ("elements",)  # a form field given more than once, or as "a,b"


class AddEvidenceSchema(Strict):
    """The fields of the upload's form: what it is, the elements it supports, and what it belongs to
    (exactly one of project_id, activity_id, occurrence_id, meeting_id)."""
    kind = one_of(KINDS, required=True)
    elements = fields.List(one_of(ELEMENTS), required=True, validate=validate.Length(1, len(ELEMENTS)))
    project_id = record_id(load_default=None)
    activity_id = record_id(load_default=None)
    occurrence_id = record_id(load_default=None)
    meeting_id = record_id(load_default=None)
    filename = text(NAME_MAX, 1, load_default=None)   # instead of the name the file was sent under

    @pre_load
    def lists_from_form(self, data, **kwargs):
        if hasattr(data, "getlist"):   # a werkzeug MultiDict: each field once, the lists whole
            data = {key: data.getlist(key) if key in FORM_LISTS else data.get(key) for key in data.keys()}
        for key in FORM_LISTS:
            if isinstance(data.get(key), list) and len(data[key]) == 1 and isinstance(data[key][0], str):
                data[key] = [part.strip() for part in data[key][0].split(",")]
        return data

    @validates_schema
    def one_subject(self, data, **kwargs):
        given = [f"{name}_id" for name in SUBJECTS if data.get(f"{name}_id")]
        if len(given) != 1:
            raise ValidationError("give exactly one of project_id, activity_id, occurrence_id, meeting_id",
                                  "project_id")
        if len(set(data["elements"])) != len(data["elements"]):
            raise ValidationError("lists an element twice", "elements")


class EvidenceQuerySchema(Query):
    element = one_of(ELEMENTS)
    kind = one_of(KINDS)


class EvidenceSchema(Strict):
    id, subject, subject_id = fields.String(), fields.String(), fields.String()
    project_id, activity_id = fields.String(allow_none=True), fields.String(allow_none=True)
    kind, elements = fields.String(), fields.List(fields.String())
    filename, content_type = fields.String(), fields.String()
    size, sha256 = fields.Integer(), fields.String()
    added_by, added_at = fields.String(allow_none=True), fields.DateTime(allow_none=True)
