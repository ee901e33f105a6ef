"""Public-order events reported to incidents show on the dashboard in Chromium: by kind, by grid and
by month, disputes by mediation stage, with Chinese and English labels; the public sees "<5"."""
from datetime import timedelta

import pytest
import requests

from safecommunity import sitetime
from safecommunity.testing import ServiceProcess, free_port, wait_until
from tests.e2e.test_dashboard import render
from tests.support import get, log_in, post

KINDS = ["burglary", "burglary", "dispute", "criminal_alert", "petition", "dispute", "burglary"]


@pytest.fixture(scope="module")
def platform(tmp_path_factory):
    """A district of two grids with seven public-order events of this site month, all in G1 but one."""
    folder = tmp_path_factory.mktemp("public-order")
    env = {"SAFECOMMUNITY_DATA": str(folder / "data"), "AMQP_URI": None, "DATABASE_URL": None}
    running = ServiceProcess([], free_port(), env, log_path=folder / "platform.log")
    # both tokens issued before the platform runs: one issued by this process while it serves has
    # been seen to go unnoticed by its embedded token check (reported to the backbone)
    admin, reader = running.admin_token(), running.admin_token(subject="committee-office", scopes=["reports:read"])
    running.start(migrate=True)
    try:
        log_in(admin)
        api = running.url + "/api"
        post(f"{api}/registry/grids", {"code": "D", "name": "District 区", "level": "district"}, expect=201)
        for code in ("G1", "G2"):
            post(f"{api}/registry/grids", {"code": code, "name": f"Grid {code} 网格", "level": "grid",
                                           "parent_code": "D"}, expect=201)
        wait_until(lambda: len(get(f"{api}/incidents/grids")["grids"]) == 3, message="incidents to know the grids")
        moment = sitetime.now() - timedelta(minutes=5)
        for number, kind in enumerate(KINDS):
            post(f"{api}/incidents/public-order", {
                "source": "police", "external_id": f"PO-{number}", "kind": kind, "occurred_at": moment.isoformat(),
                "grid_code": "G2" if number == 0 else "G1"}, expect=201)
        query = {"year": moment.year, "month": moment.month}
        wait_until(lambda: get(f"{api}/reports/public-order", **query)["public_order"]["total"] == len(KINDS),
                   message="the public-order events in reports")
        yield running, moment, reader
    finally:
        running.stop()


def test_the_dashboard_shows_public_order_events_by_kind_grid_month_and_disputes_by_stage(platform, tmp_path):
    running, moment, token = platform
    address = f"{running.url}/?year={moment.year}&month={moment.month}"
    page, html = render(f"{address}#token={token}", tmp_path / "zh")
    assert page.by_id["public-order-total"] == "7"
    assert "社会治安事件" in html and "入室盗窃" in html and "矛盾纠纷" in html and "调处" in html
    assert 'data-key="burglary"' in html and 'data-key="criminal_alert"' in html
    assert page.by_id["disputes-total"] == "2" and page.by_id["disputes-warned"] == "2"
    assert page.by_id["disputes-mediated"] == "0"
    assert grid_events(html, "G1") == "6" and grid_events(html, "G2") == "1"
    assert f'data-key="{moment:%Y-%m}"' in html

    page, html = render(f"{address}&lang=en#token={token}", tmp_path / "en")
    assert "Public-order events" in html and "Burglary" in html and "Early warning" in html
    assert page.by_id["public-order-total"] == "7"


def test_the_public_sees_small_public_order_counts_as_less_than_five(platform, tmp_path):
    running, moment, _ = platform
    query = f"year={moment.year}&month={moment.month}"
    answer = requests.get(f"{running.url}/api/reports/public-order?{query}", timeout=10).json()
    assert answer["suppressed_below"] == 5 and answer["public_order"]["total"] == 7
    assert answer["public_order"]["by_kind"] == {"burglary": "<5", "dispute": "<5", "criminal_alert": "<5",
                                                 "petition": "<5"}
    page, html = render(f"{running.url}/?{query}&lang=en", tmp_path / "public")
    assert page.by_id["public-order-total"] == "7" and page.by_id["disputes-total"] == "<5"
    assert grid_events(html, "G2") == "&lt;5"


def grid_events(html, code):
    """The events cell of a grid's row in the public-order by-grid table."""
    start = html.index(f'<tr data-po-grid="{code}">')
    row = html[start:html.index("</tr>", start)]
    return row.rsplit('<td class="num">', 1)[1].split("<", 1)[0]
