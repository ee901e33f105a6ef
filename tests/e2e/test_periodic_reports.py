"""Periodic reports over HTTP: issued once as a snapshot, then read as HTML, PDF, CSV and XLSX."""
import csv
import io
import sys
from datetime import date

from openpyxl import load_workbook

from safecommunity.config import SERVICES
from safecommunity.seed import seed_demo_district
from safecommunity.testing import admin_token, wait_until
from tests.conftest import base_url
from tests.support import get, http, post, summary, wait_until_quiet


def test_periodic_reports_are_issued_as_snapshots_in_every_format(embedded_config, start_services):
    start_services(embedded_config, list(SERVICES))
    url = base_url(embedded_config)
    seed_demo_district(url, out=sys.stderr, token=admin_token(embedded_config), residents=200, injuries=60)
    wait_until(lambda: summary(url)["injuries"] == 60, message="the demo injuries")
    wait_until_quiet(url)
    year = date.today().year
    live = get(f"{url}/api/reports/dashboard", year=year)

    annual = post(f"{url}/api/reports/periodic", {"kind": "annual", "year": year}, expect=201)
    assert annual["snapshot"]["figures"]["totals"] == live["totals"]
    files = {fmt: http.get(url + link, timeout=30) for fmt, link in annual["links"].items() if fmt != "csv"}
    assert all(response.status_code == 200 for response in files.values())
    assert files["pdf"].content.startswith(b"%PDF") and files["pdf"].headers["Content-Type"] == "application/pdf"
    assert f"<b>{live['totals']['injuries']}</b>" in files["html"].text
    sheet = load_workbook(io.BytesIO(files["xlsx"].content))["by_grid"]
    xlsx_rows = [list(row) for row in sheet.iter_rows(min_row=2, values_only=True)]
    assert xlsx_rows == [[r["grid_code"], r["grid_name"], r["residents"], r["injuries"], r["rate_per_1000"]]
                         for r in live["by_grid"]]
    by_cause = list(csv.DictReader(io.StringIO(http.get(url + annual["links"]["csv"]["by_cause"]).text)))
    assert {row["cause"]: int(row["injuries"]) for row in by_cause} == {r["value"]: r["injuries"]
                                                                         for r in live["by_cause"]}

    # a snapshot does not move when new cases arrive; the journal keeps report.generated
    post(f"{url}/api/incidents/injuries/batch", {"cases": [dict(seed_case, external_id="LATE-1")]}, expect=200)
    wait_until(lambda: summary(url)["injuries"] == 61, message="the late case")
    assert get(f"{url}/api/reports/periodic/{annual['id']}")["snapshot"]["figures"]["totals"] == live["totals"]
    assert any(r["id"] == annual["id"] for r in get(f"{url}/api/reports/periodic")["reports"])

    pack = post(f"{url}/api/reports/periodic", {"kind": "self_evaluation", "year": year}, expect=201)
    assert len(pack["snapshot"]["elements"]) == 12
    assert all(e["evidence_items"] > 0 for e in pack["snapshot"]["elements"])  # the seed's evidence, each element
    assert "self_evaluation" in load_workbook(io.BytesIO(http.get(url + pack["links"]["xlsx"]).content)).sheetnames
    quarter = post(f"{url}/api/reports/periodic", {"kind": "quarterly", "year": year, "period": 1}, expect=201)
    assert quarter["snapshot"]["figures"]["period"]["months"] == [f"{year}-01", f"{year}-02", f"{year}-03"]

    assert "period" in post(f"{url}/api/reports/periodic", {"kind": "monthly", "year": year}, expect=400)["fields"]
    assert "kind" in post(f"{url}/api/reports/periodic", {"kind": "weekly", "year": year}, expect=400)["fields"]
    assert "grid" in post(f"{url}/api/reports/periodic", {"kind": "annual", "year": year, "grid": "NOPE"},
                          expect=400)["fields"]
    assert http.get(f"{url}/api/reports/periodic/nope", timeout=10).status_code == 404
    assert http.get(f"{url}/api/reports/periodic/{annual['id']}/report.docx", timeout=10).status_code == 404


seed_case = {"source": "late-hospital", "grid_code": None, "injury_time": "2026-01-05T08:00:00+00:00",
             "visit_time": "2026-01-05T09:00:00+00:00", "sex": "male", "age": 40, "residence_type": "permanent",
             "cause": "cut_pierce", "intent": "unintentional", "place": "home", "activity": "housework",
             "nature": "open_wound", "body_part": "upper_limb", "severity": "mild", "outcome": "treated_and_left"}
