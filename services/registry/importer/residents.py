"""Importing residents, with their tags and tag attributes."""
import copy

from marshmallow import ValidationError

from safecommunity import sitetime

from ..codes import parse_id_number
from ..domain import Resident
from .base import Importer
from .row_schemas import ResidentRowSchema


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
            changed.tag(tag_type, attributes, row.get("registered_on") or sitetime.today())
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
