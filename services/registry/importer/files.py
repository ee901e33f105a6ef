"""Reading a CSV or XLSX file's first sheet as numbered rows of column text."""
import csv
import io
from datetime import date, datetime

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def read_rows(data, fmt):
    """(header, iterator of (row number, {column: text})) of a CSV or XLSX file's first sheet."""
    if fmt == "xlsx":
        return _xlsx_rows(data)
    text = data.decode("utf-8-sig") if isinstance(data, bytes) else data
    reader = csv.reader(io.StringIO(text))
    header = [name.strip() for name in next(reader, [])]
    return header, ((number, _row(header, values)) for number, values in enumerate(reader, start=2))


def _xlsx_rows(data):
    from openpyxl import load_workbook
    sheet = load_workbook(io.BytesIO(data), read_only=True, data_only=True).worksheets[0]
    rows = sheet.iter_rows(values_only=True)
    header = [str(name or "").strip() for name in next(rows, ())]
    return header, ((number, _row(header, [_cell(v) for v in values])) for number, values in enumerate(rows, start=2))


def _cell(value):
    if isinstance(value, datetime):
        return value.date().isoformat()
    if isinstance(value, date):
        return value.isoformat()
    return "" if value is None else str(value)


def _row(header, values):
    return {name: value.strip() for name, value in zip(header, values, strict=False) if name and value.strip()}
