"""A periodic report's snapshot as a printable page, a PDF, CSV tables and an XLSX workbook."""
import csv
import html
import io
import os
from datetime import datetime
from functools import cache

from openpyxl import Workbook
from reportlab.lib import colors
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle, getSampleStyleSheet
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.cidfonts import UnicodeCIDFont
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

from safecommunity import sitetime
from safecommunity.errors import NotFound

from .headers import file_headers, page_headers

# A TrueType CJK font on the server is embedded (REPORTS_PDF_FONT, or one of these); without one the
# PDF names a CID font the reader must supply (Adobe Reader does; some Linux viewers show blanks).
FONT_FILES = ("/usr/share/fonts/truetype/wqy/wqy-microhei.ttc", "/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc",
              "/usr/share/fonts/truetype/arphic/uming.ttc")
CID_FONT = "STSong-Light"
TABLES = ("kpis", "trend", "by_cause", "by_age_band", "by_grid", "public_order", "self_evaluation")


def tables(snapshot):
    """{name: (header, rows)}: the figures behind the report, for every format alike."""
    figures = snapshot["figures"]
    out = {
        "kpis": (["code", "name_zh", "name_en", "value", "unit", "target", "status"],
                 [[k["code"], k["name_zh"], k["name_en"], k["value"], k["unit"], k["target"], k["status"]]
                  for k in figures["kpis"]]),
        "trend": (["month", "this_year", "last_year"],
                  [[m, a, b] for m, a, b in zip(figures["trend"]["months"], figures["trend"]["this_year"],
                                                figures["trend"]["last_year"], strict=True)]),
        "by_cause": (["cause", "injuries", "share_percent"],
                     [[r["value"], r["injuries"], r["share"]] for r in figures["by_cause"]]),
        "by_age_band": (["age_band", "residents", "injuries", "rate_per_1000"],
                        [[r["age_band"], r["residents"], r["injuries"], r["rate_per_1000"]]
                         for r in figures["by_age_band"]]),
        "by_grid": (["grid_code", "grid_name", "residents", "injuries", "rate_per_1000"],
                    [[r["grid_code"], r["grid_name"], r["residents"], r["injuries"], r["rate_per_1000"]]
                     for r in figures["by_grid"]]),
    }
    if "public_order" in figures:  # reports issued before public order was counted have none
        out["public_order"] = (["breakdown", "value", "events"], public_order_rows(figures["public_order"]))
    if "elements" in snapshot:
        out["self_evaluation"] = (["element", "name_zh", "name_en", "figures", "evidence_items"],
                                  [[e["code"], e["name_zh"], e["name_en"],
                                    "; ".join(f"{label}: {value}" for label, value in e["figures"]),
                                    e["evidence_items"]] for e in snapshot["elements"]])
    return out


def public_order_rows(order):
    """Public-order events by kind, month, grid one level down, and disputes by mediation stage."""
    return ([["kind", kind, n] for kind, n in order["by_kind"].items()]
            + [["month", month, n] for month, n in order["by_month"].items()]
            + [["grid", row["grid_code"], row["events"]] for row in order["by_grid"]]
            + [["dispute_stage", stage, n] for stage, n in order["disputes"]["by_stage"].items()])


def heading(report):
    snapshot, figures = report["snapshot"], report["snapshot"]["figures"]
    period = f"{report['year']}" + (f" / {report['period']}" if report["period"] else "")
    scope = figures["grid"]["name"] if figures["grid"] else "全区 · whole district"
    return f"{snapshot['title_zh']} · {snapshot['title_en']}", f"{period} · {scope}"


# A spreadsheet takes a cell that starts with one of these as a formula (CSV included, when opened
# in one): a grid or project name like "=HYPERLINK(...)" would run in the office's Excel.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def cell(value):
    """A text cell as text, never a formula (a quote before it, as spreadsheets themselves do);
    numbers stay numbers."""
    return "'" + value if isinstance(value, str) and value.startswith(FORMULA_STARTS) else value


def safe_rows(header, rows):
    return [[cell(value) for value in row] for row in [header, *rows]]


def as_csv(report, name):
    out = io.StringIO()
    csv.writer(out).writerows(safe_rows(*tables(report["snapshot"])[name]))
    return out.getvalue()


def as_xlsx(report):
    book = Workbook()
    book.remove(book.active)
    for name, (header, rows) in tables(report["snapshot"]).items():
        sheet = book.create_sheet(name)
        for row in safe_rows(header, rows):
            sheet.append(row)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def as_html(report):
    title, subtitle = heading(report)
    totals = report["snapshot"]["figures"]["totals"]
    parts = [f"<!doctype html><html lang='zh-CN'><head><meta charset='utf-8'><title>{html.escape(title)}</title>"
             "<style>body{font-family:'Noto Sans CJK SC','Microsoft YaHei',sans-serif;margin:2em;color:#222}"
             "table{border-collapse:collapse;margin:.5em 0 1.5em;width:100%}"
             "th,td{border:1px solid #ccc;padding:3px 6px;text-align:left}"
             "h2{font-size:1.1em;margin-top:1.5em}@media print{body{margin:0}h2{break-after:avoid}}</style>"
             f"</head><body><h1>{html.escape(title)}</h1><p>{html.escape(subtitle)} · "
             f"生成于 generated {html.escape(site_clock(report['generated_at']))}</p>",
             f"<p id='totals'>伤害病例 injury cases <b>{totals['injuries']}</b> · 常住人口 residents "
             f"<b>{totals['residents']}</b> · 每千人 per 1,000 <b>{totals['rate_per_1000']}</b> · "
             f"死亡 deaths <b>{totals['deaths']}</b></p>"]
    for name, (header, rows) in tables(report["snapshot"]).items():
        parts.append(f"<h2>{html.escape(name)}</h2><table id='{name}'><tr>"
                     + "".join(f"<th>{html.escape(str(h))}</th>" for h in header) + "</tr>"
                     + "".join("<tr>" + "".join(f"<td>{html.escape(_text(v))}</td>" for v in row) + "</tr>"
                               for row in rows) + "</table>")
    return "".join(parts) + "</body></html>"


@cache
def pdf_font():
    """The name of the CJK font registered for PDFs: an embedded TrueType one when the server has it."""
    candidates = [os.environ.get("REPORTS_PDF_FONT")] + list(FONT_FILES)
    for path in filter(None, candidates):
        if os.path.exists(path):
            pdfmetrics.registerFont(TTFont("CJK", path, subfontIndex=0) if path.endswith(".ttc")
                                    else TTFont("CJK", path))
            return "CJK"
    pdfmetrics.registerFont(UnicodeCIDFont(CID_FONT))
    return CID_FONT


def as_pdf(report):
    font = pdf_font()
    styles = getSampleStyleSheet()
    for style in styles.byName.values():
        style.fontName = font
    cell = ParagraphStyle("cell", parent=styles["Normal"], fontSize=7, leading=9)
    title, subtitle = heading(report)
    out = io.BytesIO()
    document = SimpleDocTemplate(out, pagesize=A4, title=title, leftMargin=36, rightMargin=36)
    story = [Paragraph(html.escape(title), styles["Title"]), Paragraph(html.escape(subtitle), styles["Normal"])]
    for name, (header, rows) in tables(report["snapshot"]).items():
        story += [Spacer(1, 10), Paragraph(name, styles["Heading2"])]
        grid = [header] + [[_text(v) for v in row] for row in rows]
        table = Table([[Paragraph(html.escape(text), cell) for text in line] for line in grid], repeatRows=1,
                      colWidths=column_widths(grid, document.width))
        table.setStyle(TableStyle([("GRID", (0, 0), (-1, -1), 0.25, colors.grey),
                                   ("BACKGROUND", (0, 0), (-1, 0), colors.whitesmoke),
                                   ("VALIGN", (0, 0), (-1, -1), "TOP")]))
        story.append(table)
    document.build(story)
    return out.getvalue()


def column_widths(grid, width):
    """Widths in proportion to each column's longest text (long ones capped), filling the page."""
    longest = [min(max(len(str(line[i])) for line in grid), 60) + 4 for i in range(len(grid[0]))]
    return [width * n / sum(longest) for n in longest]


def site_clock(instant):
    """An ISO instant as the site's clock reads it, with the zone named (a person reads it)."""
    moment = sitetime.local(datetime.fromisoformat(instant))
    return f"{moment:%Y-%m-%d %H:%M} ({sitetime.zone().key})"


def _text(value):
    return "" if value is None else str(value)


def links(report_id):
    base = f"/api/reports/periodic/{report_id}"
    return {"html": f"{base}/report.html", "pdf": f"{base}/report.pdf", "xlsx": f"{base}/tables.xlsx",
            "csv": {name: f"{base}/{name}.csv" for name in TABLES}}


def download(report, name, fmt):
    """(body, content type, headers) of report.html|pdf, tables.xlsx or <table>.csv."""
    if fmt == "csv" and name in tables(report["snapshot"]):
        body, content_type = as_csv(report, name), "text/csv; charset=utf-8"
    elif (name, fmt) in FORMATS:
        make, content_type = FORMATS[(name, fmt)]
        body = make(report)
    else:
        raise NotFound(f"no {name}.{fmt} for report {report['id']}")
    period = f"-{report['period']}" if report["period"] else ""
    disposition = "inline" if fmt in ("html", "pdf") else "attachment"
    headers = page_headers(body) if fmt == "html" else file_headers(fmt)
    filename = f"{report['kind']}-{report['year']}{period}-{name}.{fmt}"
    return body, content_type, {**headers, "Content-Disposition": f'{disposition}; filename="{filename}"'}


FORMATS = {
    ("report", "html"): (as_html, "text/html; charset=utf-8"),
    ("report", "pdf"): (as_pdf, "application/pdf"),
    ("tables", "xlsx"): (as_xlsx, "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
}
