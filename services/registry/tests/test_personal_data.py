"""Personal data a caller without registry:pii does not get: health attributes (marked in the
taxonomy), birth dates beyond the year, where a household is, whether an ID number is registered,
imports that upsert residents. Views are pure; the steps run on the SQLite registry of test_storage."""
from datetime import date

import pytest
from sqlalchemy import select

from safecommunity.auth import Caller, Forbidden, Unauthorized
from safecommunity.errors import Conflict, FieldInvalid
from services.registry import handlers as do
from services.registry.domain import Grid, Resident
from services.registry.importer import import_upload, require_import_scopes
from services.registry.tables import audit_log
from services.registry.taxonomy import SEED_TAG_TYPES, TagType, check_attribute_specs
from services.registry.tests import test_storage
from services.registry.views import resident_view

uow = test_storage.uow  # a migrated SQLite registry with grids G1..G4
TAGS = {t.code: t for t in SEED_TAG_TYPES}
CLERK = Caller("clerk", frozenset({"registry:read", "registry:write"}))
OFFICER = Caller("officer", frozenset({"registry:read", "registry:write", "registry:pii"}))
ANONYMOUS = Caller("anonymous", frozenset(), anonymous=True)


def id_number(born="19480502", serial="12"):
    from services.registry.codes import id_check_char
    first17 = f"320113{born}{serial}2"
    return first17 + id_check_char(first17)


def patient(tags):
    resident = Resident.register("Wang Fang", "female", date(1948, 5, 2), "permanent", Grid("G1", "G", "grid"),
                                 tags=tags)
    resident.collect_events()
    return resident


def attributes(view, code):
    return next(tag["attributes"] for tag in view["tags"] if tag["code"] == code)


# -- a. health attributes ------------------------------------------------------------------------

def test_health_attributes_of_the_seeded_tags_are_masked_without_the_pii_scope_and_audited_with_it():
    person = patient([(TAGS["elderly"], {"living_alone": True, "seriously_ill": False, "fall_risk_score": 35}),
                      (TAGS["chronic_disease"], {"condition": "diabetes"})])
    view, revealed = resident_view(person, CLERK.scopes, TAGS)
    assert attributes(view, "elderly") == {"living_alone": True, "seriously_ill": "***", "fall_risk_score": "***"}
    assert attributes(view, "chronic_disease") == {"condition": "***"} and revealed == set()
    view, revealed = resident_view(person, OFFICER.scopes, TAGS)
    assert attributes(view, "elderly") == {"living_alone": True, "seriously_ill": False, "fall_risk_score": 35}
    assert attributes(view, "chronic_disease") == {"condition": "diabetes"}
    assert {"tag:elderly.seriously_ill", "tag:elderly.fall_risk_score", "tag:chronic_disease.condition"} <= revealed
    assert "tag:elderly.living_alone" not in revealed


def test_a_sites_own_tag_type_marks_its_health_attributes_in_the_taxonomy():
    specs = {"diagnosis": {"type": "text", "health": True}, "clinic": {"type": "text"}}
    assert check_attribute_specs(specs) == {}
    assert check_attribute_specs({"diagnosis": {"type": "text", "health": "yes"}}) == {
        "diagnosis": ["health must be true or false"]}
    dialysis = TagType("dialysis", "Dialysis patient", attributes=specs)
    view, _ = resident_view(patient([(dialysis, {"diagnosis": "CKD 5", "clinic": "North"})]), CLERK.scopes,
                            {"dialysis": dialysis})
    assert attributes(view, "dialysis") == {"diagnosis": "***", "clinic": "North"}


# -- b. birth dates ------------------------------------------------------------------------------

def test_a_birth_date_is_shown_by_its_year_only_without_the_pii_scope():
    view, revealed = resident_view(patient([]), CLERK.scopes, TAGS)
    assert (view["birth_date"], view["birth_year"], revealed) == (None, 1948, set())
    view, revealed = resident_view(patient([]), OFFICER.scopes, TAGS)
    assert (view["birth_date"], view["birth_year"]) == (date(1948, 5, 2), 1948) and "birth_date" in revealed


def test_without_the_pii_scope_ages_are_counted_from_the_birth_year_so_a_search_tells_no_birthday(uow):
    store = uow()
    year = date.today().year
    turns_70_on_new_years_eve = Resident.register("A", "female", date(year - 70, 12, 31), "permanent",
                                                  Grid("G1", "", "grid"))
    store.residents.add(turns_70_on_new_years_eve)
    store.commit()

    def found(caller, **query):
        return [r["id"] for r in do.search_residents(store, caller, {**query, "status": "active"}, 10, 0)]

    assert found(CLERK, age_min=70) == [turns_70_on_new_years_eve.id]  # 70 this year, birthday or not
    assert found(CLERK, age_max=69) == []
    if date.today() < date(year, 12, 31):  # exact ages, for a caller who may see the birth date anyway
        assert found(OFFICER, age_min=70) == [] and found(OFFICER, age_max=69) == [turns_70_on_new_years_eve.id]


def test_changing_a_birth_date_against_a_stored_id_number_does_not_quote_it_without_the_pii_scope(uow):
    store = uow()
    person = do.register_resident(store, OFFICER, {"name": "Li", "sex": "female", "birth_date": date(1948, 5, 2),
                                                   "residence_type": "permanent", "grid_code": "G1",
                                                   "id_number": id_number(), "tags": []})
    with pytest.raises(FieldInvalid) as refused:
        do.update_resident(store, CLERK, person.id, {"birth_date": date(1950, 1, 1)})
    assert "1948" not in str(refused.value.messages) and "id_number" in refused.value.messages
    with pytest.raises(FieldInvalid, match="says born 1948-05-02"):
        do.update_resident(uow(), OFFICER, person.id, {"birth_date": date(1950, 1, 1)})


# -- d. an ID number already registered ----------------------------------------------------------

def registration(**overrides):
    return {"name": "Li Hua", "sex": "female", "birth_date": date(1948, 5, 2), "residence_type": "permanent",
            "grid_code": "G1", "id_number": id_number(), "tags": [], **overrides}


def matches(store):
    rows = store.session.execute(select(audit_log).where(audit_log.c.action == "id_number_match"))
    return [(row.subject, row.resource_id, row.fields) for row in rows]


def test_a_caller_without_the_pii_scope_is_not_told_that_an_id_number_is_registered_nor_whose(uow):
    first = do.register_resident(uow(), CLERK, registration())
    store = uow()
    with pytest.raises(Conflict) as clash:
        do.register_resident(store, CLERK, registration(name="Someone else"))
    said = str(clash.value).lower()
    assert first.id not in said and "id number" not in said and "id_number" not in said
    assert not isinstance(clash.value, FieldInvalid)
    with pytest.raises(Conflict) as again:  # changing another resident's number: the same answer
        other = do.register_resident(uow(), CLERK, registration(id_number=id_number(serial="13")))
        do.update_resident(uow(), CLERK, other.id, {"id_number": id_number()})
    assert str(again.value) == str(clash.value)
    assert matches(uow()) == [("clerk", first.id, "id_number")] * 2  # what it learned is audited


def test_a_caller_with_the_pii_scope_is_told_which_resident_has_the_id_number_and_it_is_audited(uow):
    first = do.register_resident(uow(), CLERK, registration())
    with pytest.raises(Conflict, match=f"resident {first.id} is registered with this ID number"):
        do.register_resident(uow(), OFFICER, registration())
    assert matches(uow()) == [("officer", first.id, "id_number")]


# -- e. imports that upsert residents ------------------------------------------------------------

class Unread:
    """A request whose body must not be read: the scopes are checked before anything is imported."""

    mimetype = "text/csv"

    def get_data(self):
        raise AssertionError("the file was read")


def test_importing_residents_needs_both_the_pii_and_the_write_scope(uow):
    with pytest.raises(Forbidden, match="registry:pii"):
        import_upload(uow(), "residents", Unread(), CLERK)
    with pytest.raises(Forbidden, match="registry:write"):
        require_import_scopes(Caller("reader", frozenset({"registry:read", "registry:pii"})), "residents")
    with pytest.raises(Unauthorized):
        require_import_scopes(ANONYMOUS, "residents")
    require_import_scopes(OFFICER, "residents")
    for kind in ("units", "facilities"):  # no personal data: writing is enough
        require_import_scopes(CLERK, kind)
