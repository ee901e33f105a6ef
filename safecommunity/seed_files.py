"""Small but real files for the demo's evidence (a photo, a PDF, a CSV ledger), made in code, the
same bytes every run. The projects service reads their type from their content, so they must be
what they say: a PNG Pillow wrote, a PDF reportlab wrote, UTF-8 text named .csv."""
import csv
import io

from PIL import Image, ImageDraw
from reportlab.lib.pagesizes import A4
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.cidfonts import UnicodeCIDFont
from reportlab.pdfgen.canvas import Canvas

CJK_FONT = "STSong-Light"  # reportlab's own CID font: Chinese without a font file


def photo(colour, marked=False):
    """A 96 x 64 PNG: a wall of `colour`, with a green tick when it shows the work done."""
    image = Image.new("RGB", (96, 64), colour)
    if marked:
        ImageDraw.Draw(image).line([(30, 34), (44, 48), (70, 18)], fill=(20, 160, 60), width=6)
    out = io.BytesIO()
    image.save(out, format="PNG")
    return out.getvalue()


def document(title, lines):
    """A one-page A4 PDF: the title, then a line each (Chinese and English)."""
    if CJK_FONT not in pdfmetrics.getRegisteredFontNames():
        pdfmetrics.registerFont(UnicodeCIDFont(CJK_FONT))
    out = io.BytesIO()
    page = Canvas(out, pagesize=A4, invariant=1)  # invariant: no timestamp, the same bytes each run
    page.setTitle(title)
    page.setFont(CJK_FONT, 16)
    page.drawString(56, 780, title)
    page.setFont(CJK_FONT, 11)
    for n, line in enumerate(lines):
        page.drawString(56, 750 - 18 * n, line)
    page.showPage()
    page.save()
    return out.getvalue()


def ledger(header, rows):
    """A CSV ledger (台账) as UTF-8 with a BOM, as Excel in Chinese opens it."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(header)
    writer.writerows(rows)
    return out.getvalue().encode("utf-8-sig")
