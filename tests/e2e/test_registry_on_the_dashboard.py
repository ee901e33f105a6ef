"""Residents who move and are tagged, units and facilities: the dashboard follows the registry."""
from datetime import date

from safecommunity.config import SERVICES
from safecommunity.testing import wait_until
from tests.conftest import base_url
from tests.support import get, http, post


def test_the_dashboard_counts_groups_units_and_facilities_as_the_registry_changes(embedded_config, start_services):
    start_services(embedded_config, list(SERVICES))
    api = base_url(embedded_config) + "/api"
    for code, level, parent in (("D", "district", None), ("G1", "grid", "D"), ("G2", "grid", "D")):
        post(f"{api}/registry/grids", {"code": code, "name": code, "level": level, "parent_code": parent}, expect=201)
    elder = post(f"{api}/registry/residents", {
        "name": "Wang", "sex": "female", "birth_date": "1940-03-01", "residence_type": "permanent", "grid_code": "G1",
        "tags": [{"tag": "elderly"}]}, expect=201)
    li = post(f"{api}/registry/residents", {"name": "Li", "sex": "male", "birth_date": "1990-03-01",
                                            "residence_type": "migrant", "grid_code": "G2"}, expect=201)
    post(f"{api}/registry/volunteers", {"resident_id": li["id"], "type": "social_worker"}, expect=201)
    post(f"{api}/registry/rentals", {"grid_code": "G2", "address": "3-201 Lotus Road", "landlord_name": "Zhao",
                                     "group_rental": True, "letter_signed": False}, expect=201)
    post(f"{api}/registry/residents/{elder['id']}/tags", {"tag": "disabled"}, expect=200)
    unit = post(f"{api}/registry/units", {"name": "Lotus Noodles", "type": "small_restaurant", "grid_code": "G2",
                                          "credit_code": "91350100M000100Y43"}, expect=201)
    post(f"{api}/registry/units/{unit['id']}/risk-grade", {"risk_grade": "high"}, expect=200)
    post(f"{api}/registry/facilities", {"code": "HYD-1", "type": "hydrant", "grid_code": "G1",
                                        "status": "faulty"}, expect=201)
    post(f"{api}/registry/facilities", {"code": "EXT-1", "type": "extinguisher", "grid_code": "G2",
                                        "status": "in_order"}, expect=201)

    def registry_panel(grid=None):
        params = {"year": date.today().year, **({"grid": grid} if grid else {})}
        return get(f"{api}/reports/dashboard", **params)

    wait_until(lambda: registry_panel()["registry"]["facilities"]["total"] == 2, message="the registry's events")
    panel = registry_panel()
    assert panel["totals"]["residents"] == 2
    assert panel["registry"]["tags"] == {"disabled": 1, "elderly": 1}
    assert panel["registry"]["units"] == {"total": 1, "by_type": {"small_restaurant": 1}, "by_risk_grade": {"high": 1}}
    assert panel["registry"]["facilities"]["in_order_rate"] == 50.0
    kpis = {k["code"]: k["value"] for k in panel["kpis"]}
    assert kpis["facilities_in_order"] == 50.0
    assert panel["registry"]["volunteers"]["active"] == 1 and kpis["volunteers_per_resident"] == 50.0  # 1 of 2
    assert panel["registry"]["rentals"]["group_rentals"] == 1 and kpis["landlord_letters_signed"] == 0.0

    moved = http.post(f"{api}/registry/residents/{elder['id']}/move-out", json={}, timeout=10)
    assert moved.status_code == 200, moved.text
    wait_until(lambda: registry_panel()["totals"]["residents"] == 1, message="the move out")
    assert registry_panel()["registry"]["tags"] == {}
    assert registry_panel("G2")["totals"]["residents"] == 1 and registry_panel("G1")["totals"]["residents"] == 0
