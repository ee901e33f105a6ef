"""The access layer's rules without I/O: who the anonymous are, what a token's caller may do, the
scope table every route draws from."""
from pathlib import Path

import pytest

from safecommunity.auth import Caller, Forbidden, Unauthorized, anonymous_caller, token_caller
from safecommunity.scopes import AGGREGATES, PUBLIC, SCOPES, as_markdown, known


def test_anonymous_callers_get_aggregates_by_default_and_never_a_private_or_write_scope():
    assert anonymous_caller({}).scopes == {PUBLIC, AGGREGATES}
    lax = anonymous_caller({"ANONYMOUS_SCOPES": "registry:read registry:write registry:pii reports:admin ops admin"})
    assert lax.scopes == {PUBLIC, "registry:read"}


def test_a_site_that_locks_anonymous_access_down_leaves_only_the_public_routes():
    assert anonymous_caller({"ANONYMOUS_SCOPES": ""}).scopes == {PUBLIC}


def test_a_missing_scope_is_401_for_the_anonymous_and_403_for_a_token():
    with pytest.raises(Unauthorized):
        anonymous_caller({}).require("incidents:read")
    with pytest.raises(Forbidden):
        token_caller("clerk", ["registry:read"]).require("incidents:read")


def test_every_token_holder_may_see_what_the_public_sees():
    assert token_caller("machine", []).has(AGGREGATES) and token_caller("machine", []).has(PUBLIC)


def test_a_department_reports_only_under_its_own_sources_and_the_office_under_any():
    hospital = token_caller("city-hospital", ["incidents:write"], ["city-hospital"], "department")
    hospital.require_sources({"city-hospital"})
    with pytest.raises(Forbidden, match="county-hospital"):
        hospital.require_sources({"city-hospital", "county-hospital"})
    with pytest.raises(Forbidden):
        token_caller("grid-app", ["incidents:write"]).require_sources({"grid-app"})  # a token of no source
    token_caller("office", ["incidents:write"], ["*"]).require_sources({"anyone"})


def test_the_scope_table_names_every_scope_the_issue_asks_for_in_both_languages():
    for scope in ("registry:read", "registry:write", "registry:pii", "registry:sensitive", "registry:audit",
                  "incidents:read", "incidents:write", "projects:write", "notifications:read", "reports:admin",
                  "ops", "admin"):
        assert scope in SCOPES and all(SCOPES[scope])
    assert known("registry:sensitive:hiv") and not known("incidents:everything")
    assert as_markdown().count("\n") == len(SCOPES) + 1


def test_a_caller_is_a_value():
    assert Caller("a", frozenset({"x"})) == Caller("a", frozenset({"x"}))


def test_the_readme_shows_the_scope_table_as_the_code_has_it():
    readme = (Path(__file__).resolve().parents[2] / "README.md").read_text()
    shown = readme.split("<!-- BEGIN generated: scopes (safecommunity deployfiles) -->\n", 1)[1].split(
        "\n<!-- END generated: scopes -->", 1)[0]
    assert shown == as_markdown(), "paste the output of `safecommunity token scopes` into the README"
