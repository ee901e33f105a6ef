"""Bulk import of residents, units and facilities from CSV or XLSX.

Rows are taken in chunks, each chunk one transaction with its events (the outbox): good rows go
in, bad rows are reported as (row, field, message) and change nothing. Rows are upserted on the
ID-number hash (residents), the credit code (units) or the facility code, so importing the same
file again changes nothing and publishes nothing. Import tags are only ever added, never removed.
"""
from marshmallow import Schema, fields, validate

from safecommunity.errors import InvalidRequest

from ..handlers.common import WRITE
from ..views import PII
from .base import CHUNK, MOST_ERRORS_SHOWN, Importer, Report
from .files import XLSX, read_rows
from .places import FacilityImporter, UnitImporter
from .residents import FALSE, TRUE, ResidentImporter
from .row_schemas import FacilityRowSchema, ImportRowSchema, ResidentRowSchema, UnitRowSchema

IMPORTERS = {"residents": ResidentImporter, "units": UnitImporter, "facilities": FacilityImporter}

# What a caller needs to import each kind. Residents are upserted on their ID number, and the
# report (created, updated or unchanged, row by row) says whose ID number is registered: personal data.
IMPORT_SCOPES = {"residents": (WRITE, PII), "units": (WRITE,), "facilities": (WRITE,)}


def require_import_scopes(caller, kind):
    """Before a row is read: a caller without every scope the kind needs imports nothing (401/403)."""
    if kind not in IMPORTERS:
        raise InvalidRequest(f"import residents, units or facilities, not {kind}", status=404)
    for scope in IMPORT_SCOPES[kind]:
        caller.require(scope)


class ImportQuerySchema(Schema):
    """?encoding=gb18030 (or utf-8, gbk, gb2312): a CSV file's, when it is not found (UTF-8 is tried first)."""

    encoding = fields.String(validate=validate.Length(max=20))


def import_upload(store, kind, request, caller):
    """An HTTP upload (text/csv or XLSX as the body): the import's report. A CSV file's encoding is
    ?encoding=, else the Content-Type's charset, else found."""
    require_import_scopes(caller, kind)
    formats = {"text/csv": "csv", XLSX: "xlsx"}
    if request.mimetype not in formats:
        raise InvalidRequest("send the file as the body, Content-Type text/csv or " + XLSX, status=415)
    encoding = ImportQuerySchema().load(request.args).get("encoding") or request.mimetype_params.get("charset")
    header, rows = read_rows(request.get_data(), formats[request.mimetype], encoding)
    return IMPORTERS[kind](store, caller.scopes).run(header, rows).as_dict()


__all__ = [
    "CHUNK", "FALSE", "IMPORT_SCOPES", "IMPORTERS", "MOST_ERRORS_SHOWN", "TRUE", "XLSX", "FacilityImporter",
    "FacilityRowSchema", "ImportRowSchema", "Importer", "Report", "ResidentImporter", "ResidentRowSchema",
    "ImportQuerySchema", "UnitImporter", "UnitRowSchema", "import_upload", "read_rows", "require_import_scopes",
]
