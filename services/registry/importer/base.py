"""The import's Report and the Importer base: checking rows and writing them a chunk at a time."""
from marshmallow import ValidationError
from sqlalchemy.exc import IntegrityError

from safecommunity.errors import Conflict, DomainError, InvalidRequest
from safecommunity.fastschema import Loader
from safecommunity.text import text_problem

CHUNK = 2000
MOST_ERRORS_SHOWN = 1000


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
            if problems := {column: [reason] for column, text in raw.items() if (reason := text_problem(text))}:
                report.reject(number, problems)  # a character that is not text: that row's, naming the column
                continue
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
        try:
            self.add_many(new)
        except IntegrityError:  # a request registered one of these keys since existing() looked
            self.store.rollback()
            raise Conflict(f"a record of rows {valid[0][0]}-{valid[-1][0]} was registered meanwhile; import the "
                           "file again (rows imported so far are kept, and not imported twice)") from None
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
