"""Reading a CSV or XLSX file's first sheet as numbered rows of column text.

The whole file is read through once before its first row is imported: bytes that are not text in
its encoding (UTF-8 with or without a BOM, or GB18030/GBK, found or declared), binary data, a line
too long, a field over the csv module's limit, or a workbook that cannot be read (truncated, or no
XLSX at all) are the file's problem: a 400 naming it, and nothing of the file is imported."""
import csv
import io
from datetime import date, datetime

from safecommunity.errors import InvalidRequest
from safecommunity.text import decode_text_file

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


class Rows:
    """The numbered rows of a file, and how many there are (for a progress bar)."""

    def __init__(self, rows, total):
        self._rows, self.total = rows, total

    def __iter__(self):
        return iter(self._rows)


def read_rows(data, fmt, encoding=None):
    """(header, Rows of (row number, {column: text})) of a CSV or XLSX file's first sheet; `encoding`
    is what the sender declared a CSV file's to be (ENCODINGS in safecommunity.text)."""
    if fmt == "xlsx":
        return _xlsx_rows(data)
    text = decode_text_file(data, encoding, what="the CSV file") if isinstance(data, bytes) else data
    total = _csv_records(text) - 1
    reader = csv.reader(io.StringIO(text))
    header = [name.strip() for name in next(reader, [])]
    return header, Rows(((number, _row(header, values)) for number, values in enumerate(reader, start=2)),
                        max(total, 0))


def _csv_records(text):
    reader = csv.reader(io.StringIO(text))
    try:
        return sum(1 for _ in reader)
    except csv.Error as exc:  # a field over csv.field_size_limit() (one quoted across lines), say
        raise InvalidRequest(f"the CSV file: line {reader.line_num}: {exc}; is a quote left open?") from None


def _xlsx_rows(data):
    from openpyxl import load_workbook
    try:
        sheet = load_workbook(io.BytesIO(data), read_only=True, data_only=True).worksheets[0]
        total = sum(1 for _ in sheet.iter_rows(values_only=True)) - 1
    except Exception as exc:  # what openpyxl's zip and XML readers raise for a broken file varies
        raise InvalidRequest(f"the file is not a readable XLSX workbook ({type(exc).__name__}: {str(exc)[:200]}); "
                             "save it again as .xlsx, or as CSV") from None
    rows = sheet.iter_rows(values_only=True)
    header = [str(name or "").strip() for name in next(rows, ())]
    return header, Rows(((number, _row(header, [_cell(v) for v in values]))
                         for number, values in enumerate(rows, start=2)), max(total, 0))


def _cell(value):
    if isinstance(value, datetime):
        return value.date().isoformat()
    if isinstance(value, date):
        return value.isoformat()
    return "" if value is None else str(value)


def _row(header, values):
    return {name: value.strip() for name, value in zip(header, values, strict=False) if name and value.strip()}
