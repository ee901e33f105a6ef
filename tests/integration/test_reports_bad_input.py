"""A hand corpus of bad input against every reports route, embedded and on PostgreSQL: wrong types,
nulls, huge numbers and strings, bodies that are no object, weird IDs in paths and bad query
parameters are a 4xx with a reason, never a 5xx; a route added without a place in the corpus fails
the coverage test."""
from contextlib import ExitStack

import pytest

from safecommunity.testing import PostgresDatabases, RabbitVhost, ServiceProcess, free_port, wait_until
from tests import badinput
from tests.badinput import (
    HUGE,
    Client,
    assert_bodies_refused,
    assert_refused_with_reasons,
    bad_field_cases,
    bad_query_cases,
    served,
    shape,
    weird_id_cases,
)

BAD_VALUES = [None, HUGE, -HUGE, -1, 1.5, True, "", "x" * 5000, [], {}, "2026-02-30", "网格" * 30, "\u202e"]
BAD_BODIES = badinput.BAD_BODIES + ['{"target": 1e400}', '{"target": NaN}',
                                    '{"year": 2026, "kind": "annual", "year": 1e400}']
BAD_IDS = ["nope", "x" * 300, "%00", "%ff%fe", "..%2f..%2fkpis", "1%20OR%201=1", "%E2%80%AE", "-1", str(HUGE),
           "00000000-0000-0000-0000-000000000000"]
BAD_QUERY = ["x" * 5000, "\x00", "-1", "0", str(HUGE), "", "abc", "1.5", "2026-02-30", "13", "1999", "2101"]


@pytest.fixture(scope="module", params=["sqlite", "postgresql"])
def platform(request, tmp_path_factory):
    """registry (for a grid) and reports, embedded or on RabbitMQ and PostgreSQL (which refuses a
    NUL in a query the way SQLite does not), with one issued report to aim at."""
    folder = tmp_path_factory.mktemp("reports-bad-input")
    with ExitStack() as stack:
        env = {"SAFECOMMUNITY_DATA": str(folder / "data"), "AMQP_URI": None, "DATABASE_URL": None}
        if request.param == "postgresql":
            request.getfixturevalue("infrastructure")
            env.update(AMQP_URI=stack.enter_context(RabbitVhost()).uri,
                       DATABASE_URL=stack.enter_context(PostgresDatabases()).url)
        yield from running_platform(env, folder)


def running_platform(env, folder):
    running = ServiceProcess(["registry", "reports"], free_port(), env, log_path=folder / "platform.log")
    running.start(migrate=True)
    try:
        api = Client(running.url, running.admin_token())
        api.made("/api/registry/grids", {"code": "RD", "name": "District 区", "level": "district"})
        api.made("/api/registry/grids", {"code": "RD-G1", "name": "Grid 网格", "level": "grid", "parent_code": "RD"})
        wait_until(lambda: len(api.send("GET", "/api/reports/grids").json()["grids"]) == 2,
                   message="reports to know the grids")
        report = api.made("/api/reports/periodic", {"kind": "monthly", "year": 2026, "period": 1})
        yield api, report["id"]
    finally:
        running.stop()


SELECTION = ["year", "month", "grid"]


def routes(report_id):
    """(method, path, a valid body or None, query parameters) for every reports route."""
    r, one = "/api/reports", f"/api/reports/periodic/{report_id}"
    return [
        ("GET", f"{r}/dashboard", None, SELECTION),
        ("GET", f"{r}/kpis", None, SELECTION),
        ("PUT", f"{r}/kpis/hazard_rectification_rate", {"target": 98.5, "amber": 3}, []),
        ("GET", f"{r}/public-order", None, SELECTION),
        ("GET", f"{r}/notifications", None, ["year", "month"]),
        ("GET", f"{r}/injury-rates", None, ["year"]),
        ("GET", f"{r}/grids", None, []),
        ("POST", f"{r}/periodic", {"kind": "quarterly", "year": 2026, "period": 2, "grid": "RD-G1"}, []),
        ("GET", f"{r}/periodic", None, ["limit", "offset"]),
        ("GET", one, None, []),
        ("GET", f"{one}/report.html", None, []),
        ("GET", f"{one}/report.pdf", None, []),
        ("GET", f"{one}/tables.xlsx", None, []),
        ("GET", f"{one}/kpis.csv", None, []),
        ("GET", f"{r}/summary", None, []),
    ]


def test_every_reports_route_is_in_the_corpus_and_its_good_input_is_taken(platform):
    api, report_id = platform
    names = {report_id, "hazard_rectification_rate", "report.html", "report.pdf", "tables.xlsx", "kpis.csv"}
    covered = {(method, shape(path, names)) for method, path, _, _ in routes(report_id)}
    assert served(api, ["reports"]) - covered == set()
    for method, path, body, _ in routes(report_id):
        assert api.send(method, path, body=body).status_code in (200, 201), path


def test_a_bad_value_in_any_field_of_any_body_is_a_4xx_with_a_reason_never_a_5xx(platform):
    api, report_id = platform
    def meant(name, value):  # null: no target, the whole district
        return name in ("target", "grid") and value is None
    assert_refused_with_reasons(api, bad_field_cases(routes(report_id), BAD_VALUES, meant))


def test_a_body_that_is_not_an_object_of_valid_text_is_a_400(platform):
    api, report_id = platform
    assert_bodies_refused(api, routes(report_id), BAD_BODIES)


def test_a_kpi_target_past_what_its_unit_allows_or_a_null_where_none_is_meant_is_a_400_naming_it(platform):
    api, _ = platform
    for code, body, field in (("injury_rate", {"target": HUGE}, "target"),
                              ("hazard_rectification_rate", {"target": 101}, "target"),
                              ("injury_deaths", {"target": -1}, "target"),
                              ("hazard_rectification_rate", {"target": 95, "amber": None}, "amber"),
                              ("hazard_rectification_rate", {"target": 95, "amber": 500}, "amber"),
                              ("injury_rate", {}, "target")):
        answer = api.send("PUT", f"/api/reports/kpis/{code}", body)
        assert answer.status_code == 400 and field in answer.json()["fields"], (code, body, answer.text)
    answer = api.send("PUT", "/api/reports/kpis/injury_rate", {"target": None})
    assert answer.status_code == 200 and answer.json()["target"] is None       # null: the site sets no target


def test_a_periodic_report_outside_its_bounds_is_a_400_naming_the_field(platform):
    api, _ = platform
    for body, field in (({"kind": "monthly", "year": 2026, "period": 13}, "period"),
                        ({"kind": "quarterly", "year": 2026, "period": 5}, "period"),
                        ({"kind": "annual", "year": HUGE}, "year"),
                        ({"kind": "annual", "year": "2026"}, "year"),
                        ({"kind": None, "year": 2026}, "kind"),
                        ({"kind": "annual", "year": None}, "year"),
                        ({"kind": "annual", "year": 2026, "grid": "G" * 41}, "grid"),
                        ({"kind": "annual", "year": 2026, "grid": "NOPE"}, "grid")):
        answer = api.send("POST", "/api/reports/periodic", body)
        assert answer.status_code == 400 and field in answer.json()["fields"], (body, answer.text)


def test_weird_ids_in_paths_are_a_404_or_a_400(platform):
    api, report_id = platform
    values = (report_id, "hazard_rectification_rate", "report.html", "kpis.csv")
    assert_refused_with_reasons(api, weird_id_cases(routes(report_id), values, BAD_IDS))
    for bad in BAD_IDS:
        assert api.send("GET", f"/api/reports/periodic/{bad}").status_code in (400, 404), bad


def test_bad_query_parameters_are_a_400_naming_the_parameter(platform):
    api, report_id = platform
    assert_refused_with_reasons(api, bad_query_cases(routes(report_id), BAD_QUERY))
    for path, name, value in (("/api/reports/dashboard", "year", str(HUGE)), ("/api/reports/kpis", "month", "13"),
                              ("/api/reports/public-order", "grid", "G" * 41),
                              ("/api/reports/periodic", "limit", str(HUGE)), ("/api/reports/summary", "bogus", "1"),
                              ("/api/reports/grids", "bogus", "1")):
        answer = api.send("GET", path, params={name: value})
        assert answer.status_code == 400 and name in answer.json()["fields"], (path, name, answer.text)
