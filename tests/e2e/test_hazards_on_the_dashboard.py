"""Hazards and accidents reported to incidents show on the reports dashboard and its KPIs."""
from datetime import date, datetime, timezone

from safecommunity.config import SERVICES
from safecommunity.testing import wait_until
from tests.conftest import base_url
from tests.support import get, http, post

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64


def hazard(api, **overrides):
    body = {"source": "grid-app", "found_by": "patrol", "category": "fire", "severity": "general",
            "description": "fire exit blocked", "reported_by": "inspector wang", "grid_code": "G1",
            "responsible_party": "Lotus Mall", **overrides}
    return post(f"{api}/incidents/hazards", body, expect=201)["hazard"]["id"]


def act(api, hazard_id, action, **body):
    return post(f"{api}/incidents/hazards/{hazard_id}/{action}", {"actor": "wang", **body}, expect=200)


def test_hazards_and_accidents_reach_the_dashboard_and_its_kpis(embedded_config, start_services):
    start_services(embedded_config, list(SERVICES))
    api = base_url(embedded_config) + "/api"
    post(f"{api}/registry/grids", {"code": "D", "name": "District", "level": "district"}, expect=201)
    post(f"{api}/registry/grids", {"code": "G1", "name": "Grid 1", "level": "grid", "parent_code": "D"}, expect=201)
    wait_until(lambda: get(f"{api}/incidents/grids")["grids"], message="incidents to know the grid")

    done = hazard(api)
    hazard(api)                                       # stays open
    hazard(api, category="gas", severity="major")     # escalated at once, by policy
    act(api, done, "notify", responsible_party="Lotus Mall")
    act(api, done, "start_rectification")
    photo = http.post(f"{api}/incidents/hazards/{done}/attachments?uploaded_by=wang&filename=after.png",
                          data=PNG, headers={"Content-Type": "image/png"}, timeout=10).json()
    act(api, done, "rectify", evidence=[photo["id"]])
    act(api, done, "verify", passed=True)
    act(api, done, "close")
    post(f"{api}/incidents/accidents", {
        "source": "fire-brigade", "external_id": "F-1", "kind": "fire", "grid_code": "G1",
        "occurred_at": datetime.now(timezone.utc).isoformat(), "deaths": 1, "injuries": 2,
        "economic_loss": 50000, "unit_name": "Lotus Mall"}, expect=201)

    def dashboard():
        return get(f"{api}/reports/dashboard", year=date.today().year, grid="D")

    figures = wait_until(lambda: (d := dashboard())["hazards"]["open_now"] == 2 and d["accidents"]["accidents"] and d,
                         message="the hazards and the accident on the dashboard")
    hazards = figures["hazards"]
    assert (hazards["found"], hazards["rectified"], hazards["rectification_rate"]) == (3, 1, 33.3)
    assert hazards["major_open_now"] == 1 and hazards["on_time_rate"] == 100.0
    assert hazards["by_category"] == {"fire": 2, "gas": 1} and hazards["escalations"] >= 1   # major: at once
    assert figures["accidents"] == {"accidents": 1, "deaths": 1, "injuries": 2, "economic_loss": 50000.0,
                                    "mass_casualty": 0, "by_kind": {"fire": 1}}
    kpis = {row["code"]: (row["value"], row["status"]) for row in figures["kpis"]}
    assert kpis["hazard_rectification_rate"] == (33.3, "red")
    assert kpis["accident_deaths"] == (1, "red") and kpis["mass_casualty_accidents"] == (0, "green")
