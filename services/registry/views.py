"""What a caller may see of a record: personal data masked without the PII scope, sensitive tags
hidden without their scope, and the list of what was revealed (for the audit log). Pure Python."""
from types import SimpleNamespace

from .codes import mask_id_number, mask_name, mask_phone, mask_text

PII = "registry:pii"


def hidden(_value):
    return None


# A birth date is shown by its year only (birth_year, always there): the day is personal data.
RESIDENT_MASKS = {"name": mask_name, "id_number": mask_id_number, "phone": mask_phone, "address": mask_text,
                  "birth_date": hidden}
UNIT_MASKS = {"safety_officer": mask_name, "safety_officer_phone": mask_phone}
ASSIGNMENT_MASKS = {"person_name": mask_name, "person_phone": mask_phone}
# Where its members live: the building (its id would lead to its address), the address, the room.
HOUSEHOLD_MASKS = {"building_id": hidden, "address": mask_text, "room": mask_text}
VOLUNTEER_MASKS = {"certificate_number": mask_text}
RENTAL_MASKS = {"address": mask_text, "landlord_name": mask_name, "landlord_phone": mask_phone}


def personal(record, masks, scopes):
    """(field -> shown value, names of personal fields shown in the clear)."""
    if PII in scopes:
        return {name: getattr(record, name) for name in masks}, {n for n in masks if getattr(record, n)}
    return {name: mask(getattr(record, name)) for name, mask in masks.items()}, set()


def resident_view(resident, scopes, tag_types):
    """The resident as this caller may see them, and the fields revealed to be audited."""
    shown, revealed = personal(resident, RESIDENT_MASKS, scopes)
    tags = []
    for code, attributes in sorted(resident.tags.items()):
        tag_type = tag_types.get(code)
        if tag_type is None or not tag_type.visible_to(scopes):
            continue
        if tag_type.sensitive:
            revealed.add(f"tag:{code}")
        tags.append({"code": code, "since": resident.tag_dates.get(code),
                     "attributes": _attributes(tag_type, attributes, scopes, revealed)})
    view = {name: getattr(resident, name) for name in ("id", "sex", "residence_type", "grid_code",
                                                       "registered_on", "permit_expires_on", "moved_out_on")}
    return {**view, **shown, "birth_year": resident.birth_date.year, "tags": tags}, revealed


def _attributes(tag_type, attributes, scopes, revealed):
    """Secret and health attributes (the taxonomy says which) masked without the PII scope."""
    shown = {}
    for name, value in attributes.items():
        personal_data = tag_type.personal(name)
        if personal_data and PII not in scopes:
            value = mask_text(value)
        elif personal_data:
            revealed.add(f"tag:{tag_type.code}.{name}")
        shown[name] = value
    return shown


def unit_view(unit, scopes):
    shown, revealed = personal(unit, UNIT_MASKS, scopes)
    return {**{k: v for k, v in vars(unit).items() if not k.startswith("_")}, **shown}, revealed


def rental_view(rental, scopes):
    shown, revealed = personal(rental, RENTAL_MASKS, scopes)
    view = {k: v for k, v in vars(rental).items() if not k.startswith("_")}
    view["tenants"] = [{"resident_id": rid, "since": since} for rid, since in sorted(rental.tenants.items())]
    return {**view, **shown}, revealed


def volunteer_view(volunteer, scopes):
    shown, revealed = personal(volunteer, VOLUNTEER_MASKS, scopes)
    view = {k: v for k, v in vars(volunteer).items() if not k.startswith("_") and k != "pairings"}
    view["pairings"] = [vars(pairing) for pairing in volunteer.pairings]
    return {**view, **shown, "certified": volunteer.certified()}, revealed


def team_view(team):
    view = {k: v for k, v in vars(team).items() if not k.startswith("_")}
    return {**view, "members": [{"volunteer_id": vid, "since": since} for vid, since in sorted(team.members.items())]}


def assignment_view(assignment, scopes):
    shown, revealed = personal(assignment, ASSIGNMENT_MASKS, scopes)
    return {**vars(assignment), **shown}, revealed


def household_view(household, address, scopes):
    """The household, with its building's address (None if the building has none)."""
    shown, revealed = personal(SimpleNamespace(**vars(household), address=address), HOUSEHOLD_MASKS, scopes)
    members = [{"resident_id": rid, "since": since} for rid, since in sorted(household.members.items())]
    return {**vars(household), **shown, "members": members}, revealed


def audited(views):
    """[(record id, revealed fields)] for AuditLog.record, from [(view, revealed)]."""
    return [(view["id"], revealed) for view, revealed in views]
