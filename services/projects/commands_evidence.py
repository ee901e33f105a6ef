"""What the evidence and template entrypoints do between the request and the commit."""
from safecommunity.bodies import MULTIPART_ENVELOPE
from safecommunity.database import utcnow
from safecommunity.errors import FieldInvalid, InvalidRequest, NotFound
from safecommunity.text import text_problem

from . import schemas as s
from .commands import create_project, schedule_activity
from .counting import define_indicator
from .evidence import Evidence, element_counts
from .storage.base import not_found
from .templates import activities_start, activity_commands, find, requirements

FILENAME_MAX = 200


def read_upload(request, max_bytes):
    """(bytes, the name it was sent under, the form's other fields) of a multipart form's `file`. The
    edge has refused a body over MAX_UPLOAD_BYTES already; this is the service's own, exact cap."""
    if request.content_length and request.content_length > max_bytes + MULTIPART_ENVELOPE:
        raise InvalidRequest(f"the file is larger than {max_bytes} bytes", status=413)
    if request.mimetype != "multipart/form-data":
        raise InvalidRequest("send multipart/form-data: the file in a field named file, and the fields "
                             "kind, elements and one of project_id, activity_id, occurrence_id, meeting_id", status=415)
    upload = request.files.get("file")
    if upload is None:
        raise FieldInvalid("file", "send the file in a multipart field named file")
    name = upload.filename.replace("%0D", "\r").replace("%0A", "\n") if upload.filename else None
    return upload.read(max_bytes + 1), name, request.form


def subject_of(store, form):
    """(subject, its id, project id, activity id) of the one record the file is for."""
    name = next(name for name in ("project", "activity", "occurrence", "meeting") if form[f"{name}_id"])
    subject_id = form[f"{name}_id"]
    try:
        if name == "project":
            return name, store.projects.get(subject_id).id, subject_id, None
        if name == "meeting":
            return name, store.meetings.get(subject_id).id, None, None
        found = store.activities.get(subject_id) if name == "activity" else store.occurrences.get(subject_id)
    except NotFound:
        raise FieldInvalid(f"{name}_id", f"no {name} {subject_id}") from None
    return name, subject_id, found.project_id, found.id if name == "activity" else found.activity_id


def add_evidence(store, files, caller, upload):
    """(item, whether it is new): the same file for the same record again is the item it already
    is (200), its file stored once whatever it is attached to."""
    data, sent_name, form = upload
    command = s.AddEvidenceSchema().load(form)
    filename = command["filename"] or sent_name
    problem = text_problem(filename) if filename else None
    if problem:
        raise FieldInvalid("filename", problem)
    subject, subject_id, project_id, activity_id = subject_of(store, command)
    content_type = files.check(data, filename)
    digest = files.digest(data)
    known = store.evidence.same_file(subject, subject_id, digest)
    if known:
        return known, False
    item = Evidence.add(caller.subject, utcnow(), subject=subject, subject_id=subject_id, project_id=project_id,
                        activity_id=activity_id, kind=command["kind"], elements=command["elements"],
                        filename=(filename or digest[:12])[:FILENAME_MAX], content_type=content_type,
                        size=len(data), sha256=digest)
    files.save(data)
    store.evidence.add(item)
    return item, True


def elements_view(store):
    counts = store.evidence.element_counts()
    return {"elements": element_counts(counts)}


# -- templates --------------------------------------------------------------------------------------

def template_of(templates, code):
    if code not in templates:
        raise not_found("template", code)
    return templates[code]


def create_from_template(store, caller, templates, command, today):
    """The entry's project (the request's fields over the entry's), its activities scheduled and its
    evidence checklist; all in the one transaction, so a refusal stores nothing."""
    template = find(templates, command.pop("template"))
    entry = template.entry(command.pop("entry"))
    owner = _one(command, "owner_department", "owner_assignment_id")
    place = _one(command, "grid_code", "place")
    group = store.areas.get(entry["working_group_area"], "entry")["working_group_id"]
    details = {"name": entry["name"], "intervention_area": entry["intervention_area"], "status": entry["status"],
               "measures": [dict(m) for m in entry["measures"]], "working_group_id": group, **command}
    owner = owner or ({"owner_department": details["lead_department"]} if details.get("lead_department") else {})
    scheduled = activity_commands(entry, activities_start(details.get("start_date"), today), owner, place)
    _check_filled(scheduled)
    project_id = create_project(store, caller, details)
    named = {item["name"]: schedule_activity(store, caller, project_id, {**item, "done": None})
             for item in scheduled}
    store.evidence.require([{"project_id": project_id, "template_code": template.code, "entry_code": entry["code"],
                             "kind": need["kind"], "elements": need["elements"],
                             "activity_id": named.get(need["activity"])} for need in requirements(entry)])
    for definition in entry["indicators"]:
        grids = definition["grids"] or ([place["grid_code"]] if "grid_code" in place else [])
        define_indicator(store, project_id, caller.subject, {**definition, "grids": grids})
    return project_id


def _one(command, first, second):
    given = {name: command.pop(name) for name in (first, second)}
    if given[first] and given[second]:
        raise FieldInvalid(first, f"give {first} or {second}, not both")
    return {name: value for name, value in given.items() if value}


def _check_filled(scheduled):
    for item in scheduled:
        if not (item.get("owner_department") or item.get("owner_assignment_id")):
            raise FieldInvalid("owner_department", f"the entry's activity {item['name']} needs an owner: give "
                                                   "owner_department, owner_assignment_id or lead_department")
        if not (item.get("grid_code") or item.get("place")):
            raise FieldInvalid("place", f"the entry's activity {item['name']} needs a place: give grid_code or place")
