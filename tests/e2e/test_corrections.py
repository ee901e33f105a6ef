"""A hospital corrects a case: reports moves it, and a rebuild by replay agrees with live."""
from datetime import date

from safecommunity.config import SERVICES
from safecommunity.testing import wait_until
from services.reports.storage import rebuild_read_models
from tests.conftest import base_url
from tests.support import get, http, injury_card, post


def rates(api):
    return {row["grid_code"]: row["injuries"] for row in get(f"{api}/reports/injury-rates")["grids"]}


def test_a_corrected_case_moves_in_the_reports_and_a_rebuild_agrees(embedded_config, start_services):
    runner = start_services(embedded_config, list(SERVICES))
    api = base_url(embedded_config) + "/api"
    for code, parent in (("D", None), ("G1", "D"), ("G2", "D")):
        post(f"{api}/registry/grids", {"code": code, "name": code, "level": "grid" if parent else "district",
                                       "parent_code": parent}, expect=201)
    wait_until(lambda: len(get(f"{api}/incidents/grids")["grids"]) == 3, message="incidents to know the grids")
    card = injury_card("G1", cause="fall")
    case = post(f"{api}/incidents/injuries", card, expect=201)["case"]
    wait_until(lambda: rates(api).get("G1") == 1, message="the case in G1")

    amended = {**card, "grid_code": "G2", "cause": "animal", "nature": "open_wound", "reason": "wrong ward",
               "amended_by": "dr li"}
    for key in ("source", "external_id"):
        amended.pop(key)
    response = http.put(f"{api}/incidents/injuries/{case['id']}", json=amended, timeout=10)
    assert response.status_code == 200, response.text
    wait_until(lambda: rates(api) == {"G1": 0, "G2": 1}, message="the case to move to G2")
    live = get(f"{api}/reports/dashboard", year=date.today().year)
    assert {row["value"]: row["injuries"] for row in live["by_cause"]} == {"animal": 1, "fall": 0}

    reports = next(c for c in runner.containers if c.service_name == "reports")
    database = next(e for e in reports.shared_extensions.values() if type(e).__name__ == "Database")
    rebuild_read_models(database.engine)
    assert get(f"{api}/reports/dashboard", year=date.today().year) == live
    assert rates(api) == {"G1": 0, "G2": 1}
