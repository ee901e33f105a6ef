"""The dashboard in a real headless Chromium: the numbers it shows are the read models' numbers."""
import re
import shutil
import subprocess
import sys
from html.parser import HTMLParser

from safecommunity.seed import seed_demo_district
from safecommunity.testing import ServiceProcess, free_port, wait_until
from tests.support import get, log_in, summary, wait_until_quiet

CHROMIUM_FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                  "--disable-background-networking", "--disable-component-update", "--disable-sync",
                  "--virtual-time-budget=15000"]


class Texts(HTMLParser):
    """The text of every element with an id, and the rows of every table body."""

    def __init__(self):
        super().__init__()
        self.by_id, self.attrs_by_id, self.stack = {}, {}, []

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag in ("br", "img", "input", "meta", "link", "circle", "rect", "line", "polyline"):
            return
        self.stack.append(attrs.get("id"))
        if attrs.get("id"):
            self.by_id[attrs["id"]] = ""
            self.attrs_by_id[attrs["id"]] = attrs

    def handle_endtag(self, tag):
        if self.stack and tag not in ("br", "img", "input", "meta", "link", "circle", "rect", "line", "polyline"):
            self.stack.pop()

    def handle_data(self, data):
        for element_id in self.stack:
            if element_id:
                self.by_id[element_id] += data


def render(url, tmp_path):
    chromium = shutil.which("chromium") or shutil.which("chromium-browser")
    assert chromium, "Chromium is needed for the dashboard test (.ci/run installs it)"
    done = subprocess.run([chromium, *CHROMIUM_FLAGS, f"--user-data-dir={tmp_path / 'chromium'}",
                           "--dump-dom", url], capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr[-2000:]
    assert 'data-loaded="yes"' in done.stdout, "the page did not finish loading its data"
    page = Texts()
    page.feed(done.stdout)
    return page, done.stdout


def row_cells(html, grid_code):
    """The numeric cells of the by-grid table row for a grid."""
    row = re.search(rf'<tr data-grid="{re.escape(grid_code)}">(.*?)</tr>', html, re.S).group(1)
    return re.findall(r'<td class="num">([^<]*)</td>', row)


def number(text):
    text = text.strip().replace(",", "")
    return None if text in ("–", "") else float(re.match(r"-?[\d.]+", text).group())


def test_the_dashboard_shows_the_read_models_numbers_in_both_languages_and_for_a_grid(tmp_path):
    env = {"SAFECOMMUNITY_DATA": str(tmp_path / "data"), "AMQP_URI": None, "DATABASE_URL": None}
    platform = ServiceProcess([], free_port(), env, log_path=tmp_path / "platform.log").start(migrate=True)
    try:
        token = platform.admin_token()
        log_in(token)  # exact figures (reports:read), on the API and, given the token, on the page
        seed_demo_district(platform.url, out=sys.stderr, token=token, residents=300, injuries=80)
        wait_until(lambda: summary(platform.url)["injuries"] == 80, message="the demo injuries")
        wait_until_quiet(platform.url)  # hazards and accidents follow the injuries

        api = get(f"{platform.url}/api/reports/dashboard")
        page, html = render(f"{platform.url}/#token={token}", tmp_path)
        assert token not in html and page.by_id["logged-in"] and "hidden" not in page.attrs_by_id["logged-in"]
        assert '<html lang="zh-CN">' in html and page.by_id["lang"] == "English"  # Chinese by default
        assert number(page.by_id["total-injuries"]) == api["totals"]["injuries"] > 0
        assert number(page.by_id["total-residents"]) == api["totals"]["residents"] == 300
        assert number(page.by_id["total-rate"]) == api["totals"]["rate_per_1000"]
        assert number(page.by_id["falls-count"]) == api["elderly_falls"]["falls"]
        for kpi in api["kpis"]:
            assert page.attrs_by_id[f"kpi-{kpi['code']}"]["data-status"] == kpi["status"]
            shown = page.by_id[f"kpi-value-{kpi['code']}"]
            assert (shown == "暂无数据") if kpi["value"] is None else number(shown) == kpi["value"]
        for row in api["by_grid"]:
            cells = [number(cell) for cell in row_cells(html, row["grid_code"])]
            assert cells == [row["residents"], row["injuries"], row["rate_per_1000"]]

        grid = api["by_grid"][0]["grid_code"]
        grid_api = get(f"{platform.url}/api/reports/dashboard", grid=grid)
        page, html = render(f"{platform.url}/?lang=en&grid={grid}#token={token}", tmp_path)
        assert '<html lang="en">' in html and page.by_id["lang"] == "中文"
        assert grid_api["grid"]["name"] in page.by_id["scope"]
        assert number(page.by_id["total-injuries"]) == grid_api["totals"]["injuries"]
        assert (number(page.by_id["total-residents"]) == grid_api["totals"]["residents"]
                == api["by_grid"][0]["residents"])
    finally:
        platform.stop()
