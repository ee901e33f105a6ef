"""Bulk import of residents, units and facilities from CSV or XLSX.

Rows are taken in chunks, each chunk one transaction with its events (the outbox): good rows go
in, bad rows are reported as (row, field, message) and change nothing. Rows are upserted on the
ID-number hash (residents), the credit code (units) or the facility code, so importing the same
file again changes nothing and publishes nothing. Import tags are only ever added, never removed.
"""
import copy
import csv
import io
from datetime import date, datetime

from marshmallow import EXCLUDE, Schema, ValidationError, fields, validate

from safecommunity.contracts import RESIDENCE_TYPES, SEXES
from safecommunity.errors import DomainError, InvalidRequest
from safecommunity.fastschema import Loader

from .codes import check_credit_code, check_phone, parse_id_number
from .domain import Facility, Resident, Unit
from .schemas import Checked, RegisterFacilitySchema, RegisterUnitSchema, id_number, past_date

CHUNK = 2000
MOST_ERRORS_SHOWN = 1000
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


class ImportRowSchema(Schema):
    class Meta:
        unknown = EXCLUDE


class ResidentRowSchema(ImportRowSchema):
    id_number = id_number(required=True)
    name = fields.String(required=True, validate=validate.Length(min=1, max=100))
    sex = fields.String(validate=validate.OneOf(SEXES))  # taken from the ID number when absent
    birth_date = fields.Date(validate=past_date)         # likewise
    residence_type = fields.String(required=True, validate=validate.OneOf(RESIDENCE_TYPES))
    grid_code = fields.String(required=True)
    phone = Checked(check_phone)
    address = fields.String(validate=validate.Length(max=300))
    registered_on = fields.Date(validate=past_date)
    permit_expires_on = fields.Date()
    tags = fields.String()  # tag codes separated by ';'


class UnitRowSchema(RegisterUnitSchema):
    class Meta:
        unknown = EXCLUDE

    credit_code = Checked(check_credit_code, required=True)


class FacilityRowSchema(RegisterFacilitySchema):
    class Meta:
        unknown = EXCLUDE

    unit_credit_code = fields.String()


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


class Report:
    def __init__(self, kind):
        self.kind, self.rows = kind, 0
        self.counts = {"created": 0, "updated": 0, "unchanged": 0, "rejected": 0}
        self._errors = []

    def reject(self, number, messages):
        self.counts["rejected"] += 1
        for field, reasons in messages.items():
            for reason in reasons if isinstance(reasons, list) else [reasons]:
                self._errors.append({"row": number, "field": field, "message": str(reason)})

    @property
    def errors(self):
        """In row order (a chunk's references are checked after its rows)."""
        return sorted(self._errors, key=lambda error: error["row"])

    def as_dict(self):
        errors = self.errors
        return {"kind": self.kind, "rows": self.rows, "counts": self.counts,
                "errors": errors[:MOST_ERRORS_SHOWN], "errors_total": len(errors)}


class Importer:
    """Imports one kind of record through a RegistryUnitOfWork; `scopes` limits sensitive tags."""

    schema_class = None
    key = None

    def __init__(self, store, scopes=None):
        self.store, self.scopes = store, scopes
        self.schema = self.schema_class()
        self.loader = Loader(self.schema)
        self.grids = store.grids.codes()

    def run(self, header, rows, report=None, progress=None, chunk=CHUNK):
        report = report or Report(self.kind)
        missing = sorted(name for name, field in self.schema.fields.items() if field.required and name not in header)
        unknown = sorted(set(header) - set(self.schema.fields) - self.extra_columns(header) - {""})
        if missing or unknown:
            raise InvalidRequest(f"the file's header lacks {missing} and has unknown columns {unknown}")
        batch = []
        for item in rows:
            batch.append(item)
            if len(batch) >= chunk:
                self._write(self._check(batch, report), len(batch), report, progress)
                batch = []
        self._write(self._check(batch, report), len(batch), report, progress)
        return report

    def _check(self, batch, report):
        """The rows of a chunk that are valid on their own, with their row numbers."""
        valid, seen = [], {}
        for number, raw in batch:
            try:
                row = self.prepare(self.loader.load(raw), raw)
            except ValidationError as exc:
                report.reject(number, exc.messages)
                continue
            except DomainError as exc:
                report.reject(number, getattr(exc, "messages", {"_row": [str(exc)]}))
                continue
            key = row[self.key]
            if key in seen:
                report.reject(number, {self.key: [f"same as row {seen[key]}"]})
                continue
            seen[key] = number
            valid.append((number, row))
        return valid

    def _write(self, valid, size, report, progress):
        """A chunk's valid rows in one transaction, with their events."""
        valid = self.resolve(valid, report)
        stored = self.existing([row for _, row in valid])
        new = []
        for number, row in valid:
            try:
                outcome, record = self.apply(stored.get(row[self.key]), row)
            except DomainError as exc:
                report.reject(number, getattr(exc, "messages", {"_row": [str(exc)]}))
                continue
            report.counts[outcome] += 1
            if outcome == "created":
                new.append(record)
            elif outcome == "updated":
                self.save(record)
        self.add_many(new)
        self.store.commit()
        report.rows += size
        if progress:
            progress(report.rows)

    def resolve(self, valid, report):
        """References to other records, looked up for the whole chunk; rows naming none are refused."""
        return valid

    def extra_columns(self, header):
        """Columns of the header this kind takes beyond its schema's fields."""
        return set()

    def prepare(self, row, raw):
        return row

    def _reference_grid(self, row):
        if row["grid_code"] not in self.grids:
            raise ValidationError({"grid_code": [f"no grid {row['grid_code']}"]})


class ResidentImporter(Importer):
    kind, schema_class, key = "residents", ResidentRowSchema, "id_hash"

    def __init__(self, store, scopes=None):
        super().__init__(store, scopes)
        self.tag_types = store.taxonomy.tag_types()

    def extra_columns(self, header):
        """A tag's attributes, one column each, named tag.attribute (elderly.fall_risk)."""
        return {column for column in header if self._attribute_of(column) is not None}

    def _attribute_of(self, column):
        code, _, name = column.partition(".")
        tag_type = self.tag_types.get(code)
        return (tag_type, name) if tag_type is not None and name in tag_type.attributes else None

    def prepare(self, row, raw):
        _, born, sex = parse_id_number(row["id_number"])
        row.setdefault("birth_date", born)
        row.setdefault("sex", sex)
        self._reference_grid(row)
        attributes = self._attributes(raw)
        codes = [code.strip() for code in row.get("tags", "").split(";") if code.strip()]
        codes += [code for code in attributes if code not in codes]  # an attribute implies its tag
        row["tags"] = [(self._tag_type(code), attributes.get(code, {})) for code in codes]
        row["id_hash"] = self.store.protector.digest(row["id_number"])
        return row

    def _attributes(self, raw):
        """{tag: {attribute: value}} from the row's tag.attribute columns, typed by the taxonomy."""
        found, errors = {}, {}
        for column, text in raw.items():
            if "." not in column or (attribute := self._attribute_of(column)) is None:
                continue
            tag_type, name = attribute
            value, reason = _attribute_value(tag_type.attributes[name], text)
            reason = reason or next(iter(tag_type.check_attributes({name: value}).get(name, [])), None)
            if reason:
                errors[column] = [reason]
            else:
                found.setdefault(tag_type.code, {})[name] = value
        if errors:
            raise ValidationError(errors)
        return found

    def _tag_type(self, code):
        tag_type = self.tag_types.get(code)
        if tag_type is None:
            raise ValidationError({"tags": [f"no tag type {code}"]})
        if self.scopes is not None and not tag_type.visible_to(self.scopes):
            raise ValidationError({"tags": [f"{code} needs the registry:sensitive:{code} scope"]})
        return tag_type

    def existing(self, rows):
        return self.store.residents.by_id_hashes({row["id_hash"] for row in rows})

    def apply(self, resident, row):
        fields = {k: v for k, v in row.items() if k not in ("id_hash", "tags", "registered_on")}
        if resident is None:
            grid_code = fields.pop("grid_code")
            new = Resident.register(**fields, grid=_GridRef(grid_code), registered_on=row.get("registered_on"),
                                    tags=row["tags"])
            return "created", new
        tags = [(tag_type, {**resident.tags.get(tag_type.code, {}), **attributes})
                for tag_type, attributes in row["tags"]]
        tags = [(tag_type, attributes) for tag_type, attributes in tags
                if resident.tags.get(tag_type.code) != attributes]  # new tags, or new attribute values
        changed = copy.deepcopy(resident)  # all of the row or nothing of it
        updated = changed.update(**fields)
        for tag_type, attributes in tags:
            changed.tag(tag_type, attributes, row.get("registered_on") or date.today())
        return ("updated", changed) if updated or tags else ("unchanged", resident)

    def save(self, resident):
        self.store.residents.save(resident)

    def add_many(self, people):
        self.store.residents.add_many(people)


TRUE, FALSE = ("true", "1", "yes", "y", "是"), ("false", "0", "no", "n", "否")


def _attribute_value(spec, text):
    """(value, None) or (None, reason): a cell's text as the attribute's type."""
    if spec["type"] == "bool":
        if text.lower() in TRUE or text.lower() in FALSE:
            return text.lower() in TRUE, None
        return None, "must be true or false (or 1/0, yes/no, 是/否)"
    if spec["type"] == "int":
        try:
            return int(text), None
        except ValueError:
            return None, "must be a whole number"
    return text, None


class _GridRef:
    def __init__(self, code):
        self.code = code


class UnitImporter(Importer):
    kind, schema_class, key = "units", UnitRowSchema, "credit_code"

    def __init__(self, store, scopes=None):
        super().__init__(store, scopes)
        self.types = {t["code"] for t in store.taxonomy.unit_types()}

    def prepare(self, row, raw):
        self._reference_grid(row)
        if row["type"] not in self.types:
            raise ValidationError({"type": [f"no unit type {row['type']}"]})
        return row

    def existing(self, rows):
        return self.store.units.by_credit_codes({row["credit_code"] for row in rows})

    def apply(self, unit, row):
        if unit is None:
            return "created", Unit.register(**row)
        changed = copy.deepcopy(unit)
        fields = {k: v for k, v in row.items() if k != "registered_on"}
        return ("updated", changed) if changed.update(**fields) else ("unchanged", unit)

    def save(self, unit):
        self.store.units.save(unit)

    def add_many(self, found):
        self.store.units.add_many(found)


class FacilityImporter(Importer):
    kind, schema_class, key = "facilities", FacilityRowSchema, "code"

    def prepare(self, row, raw):
        self._reference_grid(row)
        return row

    def resolve(self, valid, report):
        units = self.store.units.by_credit_codes({row["unit_credit_code"] for _, row in valid
                                                  if row.get("unit_credit_code")})
        resolved = []
        for number, row in valid:
            credit_code = row.pop("unit_credit_code", None)
            if credit_code and credit_code not in units:
                report.reject(number, {"unit_credit_code": [f"no unit with credit code {credit_code}"]})
                continue
            if credit_code:
                row["unit_id"] = units[credit_code].id
            resolved.append((number, row))
        return resolved

    def existing(self, rows):
        return self.store.facilities.by_codes({row["code"] for row in rows})

    def apply(self, facility, row):
        if facility is None:
            return "created", Facility.register(**row)
        changed = copy.deepcopy(facility)
        fields = {k: v for k, v in row.items() if k not in ("registered_on", "last_inspected_on", "code")}
        return ("updated", changed) if changed.update(**fields) else ("unchanged", facility)

    def save(self, facility):
        self.store.facilities.save(facility)

    def add_many(self, found):
        self.store.facilities.add_many(found)


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
