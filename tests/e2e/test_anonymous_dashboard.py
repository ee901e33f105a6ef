"""The public's dashboard: a grid with one resident and one injury shows "<5", never 1, on the API
and on the page in Chromium; a tag the site made sensitive is never shown to the public by name,
while a reports:read token sees every figure exactly."""
import shutil
import subprocess

import pytest
import requests

from safecommunity.testing import ServiceProcess, free_port, wait_until
from tests.e2e.test_dashboard import CHROMIUM_FLAGS, render, row_cells
from tests.support import get, http, injury_card, log_in, post, summary, wait_until_quiet

SENSITIVE = "special_care"
PUBLIC_ROUTES = ("dashboard", "dashboard?grid=G1", "kpis", "kpis?grid=G1", "injury-rates", "summary")


@pytest.fixture(scope="module")
def platform(tmp_path_factory):
    """One district, one grid, one resident (elderly and in a sensitive group), one injury."""
    folder = tmp_path_factory.mktemp("anonymous")
    env = {"SAFECOMMUNITY_DATA": str(folder / "data"), "AMQP_URI": None, "DATABASE_URL": None}
    running = ServiceProcess([], free_port(), env, log_path=folder / "platform.log").start(migrate=True)
    try:
        log_in(running.admin_token())
        seed(running.url + "/api")
        wait_until(lambda: (s := summary(running.url))["injuries"] == 1 and s["residents"] == 1,
                   message="the resident and the injury in reports")
        wait_until_quiet(running.url)
        yield running
    finally:
        running.stop()


def seed(api):
    post(f"{api}/registry/grids", {"code": "D", "name": "District", "level": "district"}, expect=201)
    post(f"{api}/registry/grids", {"code": "G1", "name": "Grid 1", "level": "grid", "parent_code": "D"}, expect=201)
    post(f"{api}/registry/tag-types", {"code": SENSITIVE, "name": "Special care 特殊关爱", "sensitive": True},
         expect=201)
    post(f"{api}/registry/residents", {"name": "Wang Fang", "sex": "female", "birth_date": "1946-03-01",
                                       "residence_type": "permanent", "grid_code": "G1",
                                       "tags": [{"tag": "elderly"}, {"tag": SENSITIVE}]}, expect=201)
    wait_until(lambda: get(f"{api}/incidents/grids")["grids"], message="incidents to know the grid")
    post(f"{api}/incidents/injuries", injury_card("G1"), expect=201)


def public(platform, route):
    response = requests.get(f"{platform.url}/api/reports/{route}", timeout=10)  # no token: the public
    assert response.status_code == 200, response.text
    return response.json()


def ones(answer, path=""):
    """Where a figure of 1 shows (KPI targets and margins, the period and the operators' counter aside)."""
    if isinstance(answer, dict):
        return [found for key, value in answer.items() if key not in ("period", "target", "amber", "events_kept")
                for found in ones(value, f"{path}/{key}")]
    if isinstance(answer, list):
        return [found for i, value in enumerate(answer) for found in ones(value, f"{path}/{i}")]
    return [path] if answer == 1 and not isinstance(answer, bool) else []


def test_a_grid_with_one_resident_and_one_injury_shows_less_than_five_to_the_public_never_one(platform):
    for route in PUBLIC_ROUTES:
        answer = public(platform, route)
        assert ones(answer) == [], route
        assert answer["suppressed_below"] == 5, route
    grid = public(platform, "dashboard?grid=G1")
    assert grid["totals"] == {"injuries": "<5", "injuries_last_year": 0, "residents": "<5",
                              "rate_per_1000": None, "deaths": 0}
    assert grid["elderly_falls"]["falls"] == "<5" and grid["elderly_falls"]["rate_per_1000"] is None
    rate = {row["code"]: row for row in grid["kpis"]}["injury_rate"]
    assert (rate["value"], rate["status"]) == (None, "suppressed")
    [row] = public(platform, "injury-rates")["grids"]
    assert (row["residents"], row["injuries"], row["rate_per_1000"]) == ("<5", "<5", None)
    assert public(platform, "summary")["events_kept"] > 1  # the operators' counter stays exact


def test_a_token_without_reports_read_sees_what_the_public_sees(platform):
    log_in(platform.admin_token(subject="registry-clerk", scopes=["registry:read"]))
    assert http.get(f"{platform.url}/api/reports/dashboard?grid=G1", timeout=10).json() == \
        public(platform, "dashboard?grid=G1")


def test_a_sensitive_tag_never_shows_to_the_public_while_a_reports_reader_sees_it_exactly(platform):
    response = requests.get(f"{platform.url}/api/reports/dashboard?grid=G1", timeout=10)
    assert response.json()["registry"]["tags"] == {"elderly": "<5"} and SENSITIVE not in response.text
    log_in(platform.admin_token(subject="committee-office", scopes=["reports:read"]))
    exact = get(f"{platform.url}/api/reports/dashboard", grid="G1")
    assert exact["registry"]["tags"] == {"elderly": 1, SENSITIVE: 1} and "suppressed_below" not in exact
    totals = exact["totals"]
    assert (totals["injuries"], totals["residents"], totals["rate_per_1000"]) == (1, 1, 1000.0)


def test_the_public_page_shows_less_than_five_and_no_sensitive_tag_and_a_token_shows_all_exactly(platform, tmp_path):
    page, html = render(f"{platform.url}/?lang=en", tmp_path / "public")
    assert page.by_id["total-injuries"] == "<5" and page.by_id["total-residents"] == "<5"
    assert row_cells(html, "G1") == ["&lt;5", "&lt;5", "–"] and "NaN" not in html.split("<script>")[0]
    assert 'data-key="elderly"' in html and f'data-key="{SENSITIVE}"' not in html
    assert "hidden" not in page.attrs_by_id["notice"] and "hidden" not in page.attrs_by_id["log-in"]

    reader = platform.admin_token(subject="committee-office", scopes=["reports:read"])
    page, html = render(f"{platform.url}/?lang=en#token={reader}", tmp_path / "reader")
    assert page.by_id["total-injuries"] == "1" and page.by_id["total-residents"] == "1"
    assert f'data-key="{SENSITIVE}"' in html and reader not in html
    assert "hidden" in page.attrs_by_id["notice"] and "hidden" not in page.attrs_by_id["log-out"]


def console_of(url, tmp_path):
    """(the page once loaded, what Chromium's console said meanwhile)."""
    chromium = shutil.which("chromium") or shutil.which("chromium-browser")
    done = subprocess.run([chromium, *CHROMIUM_FLAGS, f"--user-data-dir={tmp_path}", "--enable-logging=stderr",
                           "--v=0", "--dump-dom", url], capture_output=True, text=True, timeout=120)
    return done.stdout, done.stderr


def test_the_page_comes_with_a_policy_that_lets_only_its_own_script_and_style_run(platform, tmp_path):
    reader = platform.admin_token(subject="committee-office", scopes=["reports:read"])
    for url in (f"{platform.url}/?grid=G1", f"{platform.url}/?lang=en#token={reader}"):
        html, console = console_of(url, tmp_path / str(len(url)))
        assert 'data-loaded="yes"' in html and "Content Security Policy" not in console, console[-2000:]
    headers = requests.get(f"{platform.url}/", timeout=10).headers
    policy = dict(part.strip().split(" ", 1) for part in headers["Content-Security-Policy"].split(";"))
    assert policy["default-src"] == "'self'" and policy["frame-ancestors"] == "'none'"
    assert policy["script-src"].startswith("'sha256-") and policy["style-src"].startswith("'sha256-")
    assert "unsafe-inline" not in headers["Content-Security-Policy"]
    assert headers["X-Content-Type-Options"] == "nosniff" and headers["Referrer-Policy"] == "no-referrer"
