"""Masking, sensitive tags, scopes and keys: no I/O."""
from datetime import date
from pathlib import Path

from cryptography.fernet import Fernet

from safecommunity.auth import Caller, Forbidden, Unauthorized, public_scopes
from services.registry.domain import Grid, Resident
from services.registry.pii import Disabled, PersonalDataDisabled, Protector, protector_for
from services.registry.taxonomy import SEED_TAG_TYPES
from services.registry.views import resident_view

TAGS = {t.code: t for t in SEED_TAG_TYPES}


def person():
    resident = Resident.register("Wang Fang", "female", date(1950, 3, 1), "permanent", Grid("G1", "G", "grid"),
                                 phone="13812345678", address="1 Road", tags=[
                                     (TAGS["elderly"], {"care_class": "A"}), (TAGS["key_person"], {"reason": "x"}),
                                     (TAGS["disabled"], {"certificate_number": "C123", "grade": 2})])
    resident.collect_events()
    return resident


def test_without_the_pii_scope_personal_data_is_masked_and_sensitive_tags_hidden():
    view, revealed = resident_view(person(), {"registry:read"}, TAGS)
    assert (view["name"], view["phone"], view["address"]) == ("W**", "138****5678", "***")
    assert [t["code"] for t in view["tags"]] == ["disabled", "elderly"]
    assert view["tags"][0]["attributes"] == {"certificate_number": "***", "grade": "***"}  # grade: health data
    assert view["tags"][1]["attributes"] == {"care_class": "***"}
    assert (view["birth_date"], view["birth_year"]) == (None, 1950)
    assert revealed == set()


def test_with_the_scopes_everything_shown_is_named_for_the_audit():
    view, revealed = resident_view(person(), {"registry:pii", "registry:sensitive:key_person"}, TAGS)
    assert view["phone"] == "13812345678" and "key_person" in [t["code"] for t in view["tags"]]
    assert (view["birth_date"], view["birth_year"]) == (date(1950, 3, 1), 1950)
    assert revealed == {"name", "phone", "address", "birth_date", "tag:key_person", "tag:key_person.reason",
                        "tag:disabled.certificate_number", "tag:disabled.grade", "tag:elderly.care_class"}


def test_anonymous_callers_never_get_personal_data_scopes():
    assert public_scopes("registry:read registry:pii registry:sensitive:key_person registry:audit") == {
        "registry:read"}


def test_a_missing_scope_is_401_for_anonymous_callers_and_403_for_others():
    for caller, error in ((Caller("anonymous", frozenset(), anonymous=True), Unauthorized),
                          (Caller("clerk", frozenset()), Forbidden)):
        try:
            caller.require("registry:pii")
        except error as exc:
            assert exc.status == (401 if error is Unauthorized else 403)
        else:
            raise AssertionError("no error")


def test_sealed_values_open_again_and_hashes_are_keyed():
    key = Fernet.generate_key().decode()
    one, other = Protector(key, "a" * 32), Protector(f"{Fernet.generate_key().decode()},{key}", "b" * 32)
    sealed = one.seal("13812345678")
    assert "13812345678" not in sealed and other.open(sealed) == "13812345678"  # rotated key still opens
    assert one.digest("x") == Protector(key, "a" * 32).digest("x") != other.digest("x")


def test_embedded_mode_makes_a_key_file_once_and_postgres_without_keys_refuses_personal_data(tmp_path):
    config = {"DATABASE_URL": f"sqlite:///{tmp_path}/{{service}}.db"}
    first = protector_for(config, environ={})
    assert (Path(tmp_path) / "registry-keys.json").stat().st_mode & 0o777 == 0o600
    assert protector_for(config, environ={}).open(first.seal("secret")) == "secret"
    disabled = protector_for({"DATABASE_URL": "postgresql+psycopg2://db/{service}"}, environ={})
    assert isinstance(disabled, Disabled) and disabled.seal(None) is None
    try:
        disabled.seal("13812345678")
    except PersonalDataDisabled as exc:
        assert exc.status == 503
    else:
        raise AssertionError("personal data accepted without keys")


def test_anonymous_callers_get_aggregates_by_default_never_registry_writes_and_nothing_when_locked_down():
    from safecommunity.auth import anonymous_scopes
    from safecommunity.scopes import AGGREGATES, PUBLIC

    assert anonymous_scopes({}) == frozenset({AGGREGATES, PUBLIC})  # no longer registry:read registry:write
    assert anonymous_scopes({"ANONYMOUS_SCOPES": "registry:read registry:write registry:pii"}) == frozenset(
        {"registry:read", PUBLIC})
    assert anonymous_scopes({"ANONYMOUS_SCOPES": ""}) == frozenset({PUBLIC})
