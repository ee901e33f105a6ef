"""What the entrypoints do beyond load-call-commit: shared steps of several commands."""
import json
import re
from datetime import datetime

from marshmallow import ValidationError

from safecommunity.bodies import MULTIPART_ENVELOPE
from safecommunity.database import as_utc, utcnow
from safecommunity.errors import FieldInvalid, IllegalTransition, InvalidRequest, NotFound
from safecommunity.text import text_problem
from safecommunity.web import read_json

from .checks import grid_errors
from .domain import new_id
from .intake import RECORD_KINDS, REJECTED, load, take_in_records
from .rules import warnings_for
from .schemas import HAZARD_ACTIONS, AmendInjurySchema, InjuryCaseSchema

AMEND = AmendInjurySchema()


def report_one(store, kind, body, policy=None):
    """A single HTTP report of an accident, public-order event or hazard, through the same intake
    as the batch and AMQP: (status, record id), or a 400 with the reasons per field."""
    [result] = take_in_records(store, kind, [body], policy)
    if result["status"] == REJECTED:
        raise ValidationError(result["errors"])
    return result["status"], result[RECORD_KINDS[kind].id_name]


def read_batch(request, key):
    """A batch body as read_json reads it, except that invalid text inside one item refuses that
    item alone (the intake checks each item's text, as it does each AMQP message's), not the batch."""
    try:
        return read_json(request)
    except ValidationError as exc:
        inside = re.compile(rf"{re.escape(key)}\.\d+(\.|$)")
        if not exc.messages or not all(inside.match(str(path)) for path in exc.messages):
            raise
        return json.loads(request.get_data().decode("utf-8"))  # read_json found it UTF-8 JSON, not too deep


def amend_case(store, case_id, body, require_sources):
    """`PUT injuries/<id>`: the corrected card, checked exactly as a new card is (schema, text, the
    grid), as a new version of the case; only its own source may correct it."""
    command = load(AMEND, body)
    case = store.cases.get(case_id, for_update=True)
    require_sources([case.source])
    errors = grid_errors(command, store.grids.known({command["grid_code"]} - {None}))
    if errors:
        raise ValidationError(errors)
    changed = case.amend(command, actor=command["amended_by"], reason=command["reason"])
    store.cases.save(case)
    answer = {"status": "amended" if changed else "unchanged", "changed": changed,
              "case": InjuryCaseSchema().dump(case)}
    warnings = warnings_for(command)
    return {**answer, "warnings": warnings} if warnings else answer


def unit_views(events):
    """unit.registered / unit.updated events as rows of incidents' view of units."""
    return [{**event.data, "as_of": as_utc(datetime.fromisoformat(event.time))} for event in events]


def hazard_action(action, body):
    """The schema-checked command for a hazard action named in the URL."""
    schema = HAZARD_ACTIONS.get(action)
    if schema is None:
        raise NotFound(f"no hazard action {action!r}; try {', '.join(HAZARD_ACTIONS)}")
    return schema().load(body)


def check_deadlines(store, policy):
    """The timer's work: raise hazard.overdue once per hazard past its deadline, then remind as the
    policy says. Rows are claimed with SKIP LOCKED, so replicas never take the same hazard."""
    now = utcnow()
    overdue = [hazard for hazard in store.hazards.claim_overdue(now) if hazard.mark_overdue(now)]
    for hazard in overdue:
        store.hazards.save(hazard)
    store.commit()
    reminded = store.hazards.claim_reminders(now)
    for hazard in reminded:
        hazard.remind(now, policy.next_reminder(now))
        store.hazards.save(hazard)
    store.commit()
    return len(overdue), len(reminded)


def read_upload(request, max_bytes):
    """(bytes, content type, filename) from a multipart form's `file`, or from the raw body. The
    edge has already refused a body over MAX_UPLOAD_BYTES; this is the service's own, exact limit."""
    if request.content_length and request.content_length > max_bytes + MULTIPART_ENVELOPE:
        raise InvalidRequest(f"the file is larger than {max_bytes} bytes", status=413)
    if request.mimetype == "multipart/form-data":
        upload = request.files.get("file")
        if upload is None:
            raise FieldInvalid("file", "send the file in a multipart field named file")
        return upload.read(max_bytes + 1), upload.mimetype, _sent_name(upload.filename)
    return request.get_data(), request.mimetype, None


def _sent_name(filename):
    """A multipart file name as the user named it: browsers (WHATWG's multipart encoding) send CR and
    LF as %0D and %0A, and " as %22, which werkzeug already turns back."""
    return filename.replace("%0D", "\r").replace("%0A", "\n") if filename else filename


def attach(store, files, hazard_id, data, content_type, filename, uploaded_by):
    problem = text_problem(filename) if filename else None
    if problem:
        raise FieldInvalid("filename", problem)
    hazard = store.hazards.get(hazard_id)
    if hazard.status == "closed":
        raise IllegalTransition(f"hazard {hazard_id} is closed; nothing more can be attached")
    digest = files.save(data, content_type)
    row = {"id": new_id(), "hazard_id": hazard_id, "filename": (filename or digest[:12])[:200],
           "content_type": content_type, "size": len(data), "sha256": digest, "uploaded_by": uploaded_by,
           "uploaded_at": utcnow()}
    store.hazards.add_attachment(**row)
    return row
