"""Steps for residents: registering, updating, tagging (sensitive tags need their scope), searching, moving out."""
from contextlib import contextmanager

from safecommunity import sitetime
from safecommunity.errors import Conflict, FieldInvalid

from ..domain import Resident
from ..schemas import ResidentSchema
from ..storage.people import IdNumberTaken
from ..views import PII, audited, resident_view
from .common import saved


def show_residents(store, caller, found):
    """Residents as the caller may see them; what was revealed is audited and committed first."""
    tag_types = store.taxonomy.tag_types()
    views = [resident_view(resident, caller.scopes, tag_types) for resident in found]
    store.audit.record(caller.subject, "resident", audited(views))
    store.commit()  # no personal data leaves before its audit row is stored
    return ResidentSchema(many=True).dump([view for view, _ in views])


def tags_for(store, caller, requested):
    """[(TagType, attributes)] for the tags a request gives; a sensitive one needs its scope."""
    chosen = []
    for index, item in enumerate(requested):
        tag_type = store.taxonomy.tag_type(f"tags.{index}.tag", item["tag"])
        require_tag_scope(caller, tag_type)
        chosen.append((tag_type, item["attributes"]))
    return chosen


def require_tag_scope(caller, tag_type):
    if not tag_type.visible_to(caller.scopes):
        caller.require(f"registry:sensitive:{tag_type.code}")


def register_resident(store, caller, command):
    grid = store.grids.referenced_by("grid_code", command.pop("grid_code"))
    tags = tags_for(store, caller, command.pop("tags"))
    resident = Resident.register(**command, grid=grid, tags=tags)
    with id_number_checked(store, caller):
        store.residents.add(resident)
    store.commit()
    return resident


def update_resident(store, caller, resident_id, changes):
    resident = store.residents.get(resident_id)
    if "grid_code" in changes:
        store.grids.referenced_by("grid_code", changes["grid_code"])
    with stored_identity_kept(caller, changes):
        changed = resident.update(**changes)
    if changed:
        with id_number_checked(store, caller):
            store.residents.save(resident)
        store.commit()
    return resident


@contextmanager
def id_number_checked(store, caller):
    """An ID number another resident has. A caller with the PII scope is told whose; one without
    gets the plain 409 of any clash, naming neither the field nor the resident. Either answer says
    something of that resident's ID number, so it is audited (and committed) before it is given."""
    try:
        yield
    except IdNumberTaken as taken:
        store.rollback()
        store.audit.record(caller.subject, "resident", [(taken.resident_id, {"id_number"})], action="id_number_match")
        store.commit()
        if caller.has(PII):
            raise Conflict(f"resident {taken.resident_id} is registered with this ID number") from None
        raise Conflict(str(taken)) from None


@contextmanager
def stored_identity_kept(caller, changes):
    """Changing the birth date or sex of a resident whose ID number is stored: the domain's reason
    quotes the date the ID number holds, which a caller without the PII scope may not learn."""
    try:
        yield
    except FieldInvalid as invalid:
        if "id_number" not in invalid.messages or "id_number" in changes or caller.has(PII):
            raise
        raise FieldInvalid("id_number", "the registered ID number does not agree with this birth date or sex") from None


def move_out_resident(store, resident_id, command):
    """A resident who moves out is taken off what only a resident is on, in the same commit: their
    tenancies and household membership end, an active volunteer record ends (with its pairings and
    teams), and pairings that serve them end. A volunteer record or pairing begun after the day
    given ends the day it began (it cannot end earlier)."""
    resident = store.residents.get(resident_id)
    on = command["moved_out_on"]
    resident.move_out(on)
    store.residents.save(resident)
    for rental in store.rentals.rented_by(resident.id):
        rental.remove_tenant(resident.id)
        store.rentals.save(rental)
    if (household_id := store.households.household_of(resident.id)) is not None:
        household = store.households.get(household_id)
        household.remove_member(resident.id)
        store.households.save(household)
    if (volunteer := store.volunteers.active_for(resident.id)) is not None:
        volunteer.leave(max(on, volunteer.registered_on))
        store.volunteers.save(volunteer)
        store.teams.drop_volunteer(volunteer.id)
    for volunteer in store.volunteers.serving(resident.id):
        pairing = next(p for p in volunteer.current_pairings() if p.resident_id == resident.id)
        volunteer.unpair(resident.id, max(on, pairing.since))
        store.volunteers.save(volunteer)
    store.commit()
    return resident


def tag_resident(store, caller, resident_id, command):
    resident = store.residents.get(resident_id)
    tag_type = store.taxonomy.tag_type("tag", command["tag"])
    require_tag_scope(caller, tag_type)
    resident.tag(tag_type, command["attributes"], command["tagged_on"] or sitetime.today())
    return saved(store, store.residents, resident)


def untag_resident(store, caller, resident_id, code):
    resident = store.residents.get(resident_id)
    require_tag_scope(caller, store.taxonomy.tag_type("tag", code))
    resident.untag(code, sitetime.today())
    return saved(store, store.residents, resident)


def search_residents(store, caller, query, limit, offset):
    if query.get("tag"):
        require_tag_scope(caller, store.taxonomy.tag_type("tag", query["tag"]))
    if query.get("id_number"):  # looking someone up by ID number is itself a use of personal data
        caller.require(PII)
        query["id_number_hash"] = store.protector.digest(query.pop("id_number"))
    # Exact ages, asked day after day, would tell a birth date: without the PII scope an age is
    # counted from the birth year, as the events count it.
    query["ages_by_birth_year"] = not caller.has(PII)
    return show_residents(store, caller, store.residents.search(query, limit, offset))
