import base64
import csv
import hashlib
import io
import re

from openpyxl import load_workbook

from services.reports import render
from services.reports.headers import page_policy

FIGURES = {
    "grid": None, "kpis": [], "totals": {"injuries": 12, "residents": 900, "rate_per_1000": 13.33, "deaths": 0},
    "trend": {"months": ["01"], "this_year": [12], "last_year": [-3]},
    "by_cause": [{"value": "=HYPERLINK(\"http://evil.example\",\"x\")", "injuries": 12, "share": 100.0}],
    "by_age_band": [],
    "by_grid": [{"grid_code": "+G1", "grid_name": "-1+2", "residents": 900, "injuries": 12, "rate_per_1000": 13.33},
                {"grid_code": "@G2", "grid_name": "\tTab", "residents": 0, "injuries": 0, "rate_per_1000": None},
                {"grid_code": "G3", "grid_name": "\rReturn", "residents": 1, "injuries": 0, "rate_per_1000": 0.0}],
}
REPORT = {"id": "r1", "kind": "annual", "year": 2026, "period": None, "generated_at": "2026-12-01T00:00:00+00:00",
          "snapshot": {"title_zh": "年度报告", "title_en": "Annual report", "figures": FIGURES}}


def test_a_text_cell_that_a_spreadsheet_would_take_for_a_formula_is_kept_as_text():
    assert [render.cell(v) for v in ("=1+1", "+1", "-1", "@SUM(A1)", "\tx", "\rx", "fall", "")] == [
        "'=1+1", "'+1", "'-1", "'@SUM(A1)", "'\tx", "'\rx", "fall", ""]
    assert [render.cell(v) for v in (-3, 2.5, None, True)] == [-3, 2.5, None, True]  # numbers stay numbers


def test_the_csv_of_a_report_neutralises_formulas_and_leaves_numbers_as_numbers():
    rows = list(csv.reader(io.StringIO(render.as_csv(REPORT, "by_grid"))))
    assert rows[1] == ["'+G1", "'-1+2", "900", "12", "13.33"]
    assert rows[2][:2] == ["'@G2", "'\tTab"] and rows[3][1] == "'\rReturn"
    cause = list(csv.reader(io.StringIO(render.as_csv(REPORT, "by_cause"))))[1]
    assert cause[0].startswith("'=HYPERLINK") and cause[1] == "12"


def test_the_workbook_of_a_report_holds_no_formula_and_keeps_its_numbers():
    book = load_workbook(io.BytesIO(render.as_xlsx(REPORT)))
    grid = [list(row) for row in book["by_grid"].iter_rows(min_row=2, values_only=True)]
    assert grid[0] == ["'+G1", "'-1+2", 900, 12, 13.33] and grid[1][0] == "'@G2"
    assert book["by_cause"]["A2"].data_type == "s" and book["by_cause"]["A2"].value.startswith("'=")
    assert book["trend"]["C2"].value == -3  # a negative number is a number, not a formula
    assert not any(cell.data_type == "f" for sheet in book for row in sheet.iter_rows() for cell in row)


def sha256(text):
    return "'sha256-" + base64.b64encode(hashlib.sha256(text.encode()).digest()).decode() + "'"


def test_a_page_policy_lets_exactly_its_inline_script_and_style_run_and_nothing_frame_it():
    html = "<html><head><style>b{color:red}</style></head><body><script>go('中文')</script></body></html>"
    policy = dict(part.split(" ", 1) for part in page_policy(html).split("; "))
    assert policy["script-src"] == sha256("go('中文')") and policy["style-src"] == sha256("b{color:red}")
    assert policy["default-src"] == "'self'" and policy["frame-ancestors"] == "'none'"
    assert dict(part.split(" ", 1) for part in page_policy("<p>x</p>").split("; "))["script-src"] == "'none'"


def test_every_download_of_a_report_comes_with_its_security_headers():
    for name, fmt in (("report", "html"), ("tables", "xlsx"), ("by_grid", "csv")):
        body, _, headers = render.download(REPORT, name, fmt)
        assert headers["X-Content-Type-Options"] == "nosniff" and headers["Referrer-Policy"] == "no-referrer"
        assert "frame-ancestors 'none'" in headers["Content-Security-Policy"]
    html, _, headers = render.download(REPORT, "report", "html")
    [style] = re.findall(r"<style>(.*?)</style>", html, re.S)
    assert sha256(style) in headers["Content-Security-Policy"] and "script-src 'none'" in headers[
        "Content-Security-Policy"]
    assert headers["Content-Disposition"] == 'inline; filename="annual-2026-report.html"'
