"""What the entrypoints do beyond load-call-commit: shared steps of several commands."""
from datetime import datetime

from marshmallow import ValidationError

from safecommunity.bodies import MULTIPART_ENVELOPE
from safecommunity.database import as_utc, utcnow
from safecommunity.errors import FieldInvalid, IllegalTransition, InvalidRequest, NotFound

from .domain import new_id
from .intake import RECORD_KINDS, REJECTED, take_in_records
from .schemas import HAZARD_ACTIONS


def report_one(store, kind, body, policy=None):
    """A single HTTP report of an accident, public-order event or hazard, through the same intake
    as the batch and AMQP: (status, record id), or a 400 with the reasons per field."""
    [result] = take_in_records(store, kind, [body], policy)
    if result["status"] == REJECTED:
        raise ValidationError(result["errors"])
    return result["status"], result[RECORD_KINDS[kind].id_name]


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
        return upload.read(max_bytes + 1), upload.mimetype, upload.filename
    return request.get_data(), request.mimetype, None


def attach(store, files, hazard_id, data, content_type, filename, uploaded_by):
    hazard = store.hazards.get(hazard_id)
    if hazard.status == "closed":
        raise IllegalTransition(f"hazard {hazard_id} is closed; nothing more can be attached")
    digest = files.save(data, content_type)
    row = {"id": new_id(), "hazard_id": hazard_id, "filename": (filename or digest[:12])[:200],
           "content_type": content_type, "size": len(data), "sha256": digest, "uploaded_by": uploaded_by,
           "uploaded_at": utcnow()}
    store.hazards.add_attachment(**row)
    return row
