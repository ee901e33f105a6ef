"""Evidence: types read from content, files stored once by hash, the event without a file name,
counts per AQ/T 9001 element and a project's checklist. No I/O but a temporary folder."""
import io
import zipfile

import pytest

from safecommunity.catalogue import CATALOGUE
from safecommunity.contracts.projects import AQT9001_ELEMENTS
from safecommunity.errors import FieldInvalid, InvalidRequest
from services.projects.evidence import DOCX, ELEMENTS, XLSX, Evidence, checklist, detect_type, element_counts
from services.projects.files import EvidenceFiles

PNG = b"\x89PNG\r\n\x1a\n" + bytes(range(256))
JPEG = b"\xff\xd8\xff\xe0" + b"\x00" * 100
PDF = b"%PDF-1.7\n" + b"x" * 100


def office(part):
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr(part, "<x/>")
    return buffer.getvalue()


@pytest.mark.parametrize("data, name, expected", [
    (PNG, "整改后.png", "image/png"), (JPEG, "before.JPG", "image/jpeg"), (JPEG, "before.jpeg", "image/jpeg"),
    (PDF, "会议纪要.pdf", "application/pdf"), (office("xl/workbook.xml"), "台账.xlsx", XLSX),
    (office("word/document.xml"), "summary.docx", DOCX), ("姓名,签到\n张三,是\n".encode(), "签到表.csv", "text/csv"),
    ("姓名,签到\n".encode("gb18030"), "sign-in.csv", "text/csv"), (PNG, None, "image/png"),
    (PDF, "noending", "application/pdf"),
])
def test_a_files_type_is_read_from_its_content(data, name, expected):
    assert detect_type(data, name) == expected


@pytest.mark.parametrize("data, name", [
    (PNG, "minutes.pdf"), (PDF, "photo.png"), (office("xl/workbook.xml"), "plan.docx"), (JPEG, "sheet.csv"),
])
def test_a_file_whose_name_says_another_type_than_its_content_is_refused_on_file(data, name):
    with pytest.raises(FieldInvalid) as refused:
        detect_type(data, name)
    assert list(refused.value.messages) == ["file"] and "by its content" in refused.value.messages["file"][0]


@pytest.mark.parametrize("data, name", [
    (b"", "a.png"), (b"MZ\x90\x00 an executable", "a.exe"), (b"MZ\x90\x00", None), (b"plain words", "notes.txt"),
    (b"plain words", None), (b"a,b\x00c", "nul.csv"), (office("other/thing.xml"), "a.xlsx"),
    (b"PK\x03\x04broken", "a.xlsx"),
])
def test_what_is_none_of_the_types_or_empty_is_refused_on_file(data, name):
    with pytest.raises(FieldInvalid) as refused:
        detect_type(data, name)
    assert list(refused.value.messages) == ["file"]


def test_the_same_file_is_written_once_under_its_sha256(tmp_path):
    files = EvidenceFiles(tmp_path, 1000)
    first, second = files.save(PNG), files.save(PNG)
    written = [path for path in tmp_path.rglob("*") if path.is_file()]
    assert first == second == files.digest(PNG) and written == [files.path(first)]
    assert files.path(first).read_bytes() == PNG and oct(files.path(first).stat().st_mode & 0o777) == "0o600"


def test_a_file_past_the_cap_is_a_413_and_one_at_the_cap_is_taken(tmp_path):
    files = EvidenceFiles(tmp_path, len(PNG))
    assert files.check(PNG, "a.png") == "image/png"
    with pytest.raises(InvalidRequest) as refused:
        files.check(PNG + b"\x00", "a.png")
    assert refused.value.status == 413


def item(**overrides):
    return {"subject": "activity", "subject_id": "a-1", "project_id": "p-1", "activity_id": "a-1", "kind": "photo",
            "elements": ["high_risk"], "filename": "张三家 before.png", "content_type": "image/png", "size": 10,
            "sha256": "ab" * 32, **overrides}


def test_evidence_added_tells_ids_elements_kind_size_and_hash_but_never_the_file_name():
    evidence = Evidence.add("clerk", None, **item(elements=["high_risk", "evaluation"]))
    [(type_, data)] = evidence.collect_events()
    assert type_ == "evidence.added" and "filename" not in data and "张三" not in str(data)
    assert data["elements"] == ["high_risk", "evaluation"] and data["sha256"] == "ab" * 32 and data["size"] == 10
    assert CATALOGUE["evidence.added"].schema.validate(CATALOGUE["evidence.added"].schema.dump(data)) == {}
    assert evidence.added_by == "clerk"


def test_evidence_names_at_least_one_known_element():
    for elements in ([], ["safety"]):
        with pytest.raises(FieldInvalid) as refused:
            Evidence.add("clerk", None, **item(elements=elements))
        assert list(refused.value.messages) == ["elements"]


def test_the_twelve_elements_are_the_contracts_and_each_is_counted_even_with_none():
    assert tuple(ELEMENTS) == AQT9001_ELEMENTS and len(ELEMENTS) == 12
    counts = element_counts({"high_risk": 3})
    assert [row["code"] for row in counts] == list(AQT9001_ELEMENTS)
    assert {row["code"]: row["evidence"] for row in counts}["high_risk"] == 3
    assert sum(row["evidence"] for row in counts) == 3
    assert all(row["name_zh"] and row["name_en"] for row in counts)


def test_a_requirement_is_met_by_an_item_of_its_kind_with_every_element_and_of_its_activity():
    needs = [{"id": 1, "kind": "photo_after", "elements": ["high_risk", "evaluation"], "activity_id": None},
             {"id": 2, "kind": "ledger", "elements": ["high_risk"], "activity_id": "a-1"},
             {"id": 3, "kind": "plan", "elements": ["promotion_projects"], "activity_id": None}]
    items = [{"id": "e-1", "kind": "photo_after", "elements": ["high_risk"], "activity_id": None},  # an element short
             {"id": "e-2", "kind": "ledger", "elements": ["high_risk"], "activity_id": "a-2"},  # another activity
             {"id": "e-3", "kind": "plan", "elements": ["promotion_projects", "archives"], "activity_id": "a-2"}]
    found = checklist(needs, items)
    assert (found["required"], found["present"]) == (3, 1)
    assert [row["id"] for row in found["missing"]] == [1, 2]
    assert found["items"][2]["evidence_ids"] == ["e-3"]
    items += [{"id": "e-4", "kind": "photo_after", "elements": ["evaluation", "high_risk"], "activity_id": "a-1"},
              {"id": "e-5", "kind": "ledger", "elements": ["high_risk"], "activity_id": "a-1"}]
    assert checklist(needs, items)["missing"] == [] and checklist(needs, items)["present"] == 3


def test_a_project_without_a_checklist_requires_nothing():
    assert checklist([], [{"id": "e-1", "kind": "plan", "elements": ["archives"], "activity_id": None}]) == \
        {"required": 0, "present": 0, "missing": [], "items": []}
