"""Bulk import of residents, units and facilities from CSV or XLSX.

Rows are taken in chunks, each chunk one transaction with its events (the outbox): good rows go
in, bad rows are reported as (row, field, message) and change nothing. Rows are upserted on the
ID-number hash (residents), the credit code (units) or the facility code, so importing the same
file again changes nothing and publishes nothing. Import tags are only ever added, never removed.
"""
from safecommunity.errors import InvalidRequest

from .base import CHUNK, MOST_ERRORS_SHOWN, Importer, Report
from .files import XLSX, read_rows
from .places import FacilityImporter, UnitImporter
from .residents import FALSE, TRUE, ResidentImporter
from .row_schemas import FacilityRowSchema, ImportRowSchema, ResidentRowSchema, UnitRowSchema

IMPORTERS = {"residents": ResidentImporter, "units": UnitImporter, "facilities": FacilityImporter}


def import_upload(store, kind, request, scopes=None):
    """An HTTP upload (text/csv or XLSX as the body): the import's report."""
    if kind not in IMPORTERS:
        raise InvalidRequest(f"import residents, units or facilities, not {kind}", status=404)
    formats = {"text/csv": "csv", XLSX: "xlsx"}
    if request.mimetype not in formats:
        raise InvalidRequest("send the file as the body, Content-Type text/csv or " + XLSX, status=415)
    header, rows = read_rows(request.get_data(), formats[request.mimetype])
    return IMPORTERS[kind](store, scopes).run(header, rows).as_dict()


__all__ = [
    "CHUNK", "FALSE", "IMPORTERS", "MOST_ERRORS_SHOWN", "TRUE", "XLSX", "FacilityImporter", "FacilityRowSchema",
    "ImportRowSchema", "Importer", "Report", "ResidentImporter", "ResidentRowSchema", "UnitImporter",
    "UnitRowSchema", "import_upload", "read_rows",
]
