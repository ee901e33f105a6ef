"""Evidence (台账, 档案): files that prove a measure was carried out, each tagged with the AQ/T 9001
element(s) it supports, and a project's checklist of the evidence its template requires. Pure Python.

A file's type is read from its content (its first bytes, or the parts of an Office file), never
taken from its name or the Content-Type it was sent with; a name that says another type is refused,
as a PNG named minutes.pdf is most likely the wrong file picked."""
import io
import zipfile
from dataclasses import dataclass, field
from datetime import datetime

from safecommunity.domain import Aggregate
from safecommunity.errors import FieldInvalid
from safecommunity.ids import new_id

from .domain import now_utc

# AQ/T 9001's elements as domain.md §8 names them: code -> (中文, English)
ELEMENTS = {
    "organisation": ("组织机构", "organisation"),
    "funding_resources": ("经费与资源", "funding and resources"),
    "diagnosis": ("事故与伤害风险辨识", "diagnosis: accident and injury risk identification"),
    "promotion_projects": ("安全促进项目", "safety promotion projects"),
    "high_risk": ("高危人群与场所", "high-risk groups and places"),
    "publicity_training": ("宣传教育与培训", "publicity and training"),
    "emergency": ("应急预案与响应", "emergency plans and response"),
    "injury_surveillance": ("伤害监测", "injury surveillance"),
    "evaluation": ("效果评价", "evaluation of effects"),
    "corrective_action": ("预防与纠正措施", "preventive and corrective action"),
    "archives": ("档案", "archives"),
    "continuous_improvement": ("持续改进", "continuous improvement"),
}
# what a file is evidence of (domain.md §7)
KINDS = ("photo_before", "photo_after", "photo", "sign_in_sheet", "minutes", "plan", "summary", "ledger",
         "inspection_ledger", "rectification_ledger", "other")
SUBJECTS = ("project", "activity", "occurrence", "meeting")   # what a file is attached to

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
# content type -> (how such a file starts, the name endings it may have)
TYPES = {
    "image/jpeg": (b"\xff\xd8\xff", (".jpg", ".jpeg")),
    "image/png": (b"\x89PNG\r\n\x1a\n", (".png",)),
    "application/pdf": (b"%PDF-", (".pdf",)),
    XLSX: (b"PK\x03\x04", (".xlsx",)),
    DOCX: (b"PK\x03\x04", (".docx",)),
    "text/csv": (b"", (".csv",)),
}
OFFICE_PARTS = {"xl/workbook.xml": XLSX, "word/document.xml": DOCX}  # a zip is the Office file holding one
TEXT_PROBE = 64 * 1024  # a CSV's first bytes read as text


def detect_type(data, filename=None):
    """The content type of a file from its bytes; a 400 on `file` when it is none of TYPES or when
    its name ends as another type's does."""
    if not data:
        raise FieldInvalid("file", "is empty")
    found = _by_content(data, filename)
    if found is None:
        raise FieldInvalid("file", "is not a JPEG, PNG, PDF, XLSX, DOCX or CSV file (read from its content)")
    ending = _ending(filename)
    if ending and ending not in TYPES[found][1]:
        raise FieldInvalid("file", f"is a {found} file by its content, not what its name ({ending}) says")
    return found


def _by_content(data, filename):
    for content_type, (magic, _) in TYPES.items():
        if magic and data.startswith(magic) and magic != b"PK\x03\x04":
            return content_type
    if data.startswith(b"PK\x03\x04"):
        return _office_type(data)
    if _ending(filename) == ".csv" and _is_text(data):
        return "text/csv"  # text has no magic bytes: it is a CSV only when named so
    return None


def _office_type(data):
    try:
        names = set(zipfile.ZipFile(io.BytesIO(data)).namelist())
    except (zipfile.BadZipFile, ValueError, OSError):
        return None
    found = [content_type for part, content_type in OFFICE_PARTS.items() if part in names]
    return found[0] if len(found) == 1 else None


def _is_text(data):
    probe = data[:TEXT_PROBE]
    if b"\x00" in probe:
        return False
    for encoding in ("utf-8", "gb18030"):  # Excel in Chinese saves CSV as GB18030 (GBK)
        try:
            probe.decode(encoding)
            return True
        except UnicodeDecodeError as exc:
            if encoding == "utf-8" and exc.start >= len(probe) - 3 and len(data) > TEXT_PROBE:
                return True  # a character cut by the probe's end
    return False


def _ending(filename):
    if not filename or "." not in filename.rsplit("/", 1)[-1]:
        return None
    return "." + filename.rsplit(".", 1)[-1].lower()


@dataclass
class Evidence(Aggregate):
    subject: str               # project, activity, occurrence or meeting
    subject_id: str
    project_id: str | None     # the project of a project's, activity's or occurrence's file; None for a meeting's
    activity_id: str | None
    kind: str
    elements: list
    filename: str
    content_type: str
    size: int
    sha256: str
    added_by: str | None = None
    added_at: datetime | None = None
    id: str = field(default_factory=new_id)

    @classmethod
    def add(cls, actor="system", at=None, **details):
        item = cls(**details, added_by=actor, added_at=at or now_utc())
        if not item.elements:
            raise FieldInvalid("elements", "name at least one AQ/T 9001 element the file supports")
        unknown = sorted(set(item.elements) - set(ELEMENTS))
        if unknown:
            raise FieldInvalid("elements", f"not AQ/T 9001 elements: {', '.join(unknown)}")
        # no file name: "张三 sign-in.pdf" names a person; ids, codes and the content's hash only
        item.record("evidence.added", evidence_id=item.id, subject_kind=item.subject, subject_id=item.subject_id,
                    project_id=item.project_id, activity_id=item.activity_id, kind=item.kind,
                    elements=list(item.elements), content_type=item.content_type, size=item.size,
                    sha256=item.sha256)
        return item


def element_counts(counts):
    """Evidence items per element, every element listed (the self-evaluation pack counts these)."""
    return [{"code": code, "name_zh": zh, "name_en": en, "evidence": counts.get(code, 0)}
            for code, (zh, en) in ELEMENTS.items()]


def checklist(requirements, items):
    """Each requirement {id, kind, elements, activity_id?} met when an item of the project is of its
    kind, tags every element it names, and (when it names an activity) is that activity's or one of
    its occurrences'. Returns the requirements with the items meeting them, and what is missing."""
    rows = []
    for need in requirements:
        meeting = [item["id"] for item in items if item["kind"] == need["kind"]
                   and set(need["elements"]) <= set(item["elements"])
                   and need.get("activity_id") in (None, item["activity_id"])]
        rows.append({**need, "present": bool(meeting), "evidence_ids": meeting})
    missing = [row for row in rows if not row["present"]]
    return {"required": len(rows), "present": len(rows) - len(missing), "missing": missing, "items": rows}
