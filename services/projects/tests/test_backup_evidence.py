"""`safecommunity backup` keeps projects' evidence files (an archive of their folder, beside incidents'
attachments) and restore puts them back where the projects service reads them. Files only: the
databases' part is tests/integration/test_backup.py's."""
import tarfile

from safecommunity import backup
from safecommunity.runner import platform_config
from services.projects.files import EvidenceFiles, evidence_folder

EVIDENCE = "evidence.tar"  # its name in a backup (manifest.py)

PDF = b"%PDF-1.4\n" + "会议纪要".encode() * 10


def test_evidence_lives_beside_the_embedded_database_unless_a_folder_is_set(tmp_path):
    embedded = platform_config(data_dir=str(tmp_path / "data"), environ={})
    assert evidence_folder(embedded) == tmp_path / "data" / "attachments" / "projects"
    assert evidence_folder({**embedded, "EVIDENCE_DIR": str(tmp_path / "files")}) == tmp_path / "files"


def test_a_backup_archives_the_evidence_files_and_a_restore_puts_them_back(tmp_path):
    source = platform_config(data_dir=str(tmp_path / "data"), environ={})
    digest = EvidenceFiles(evidence_folder(source), 1000).save(PDF)
    (tmp_path / "backup").mkdir()
    backup.save_attachments(source, tmp_path / "backup")
    assert sorted(p.name for p in (tmp_path / "backup").iterdir()) == [EVIDENCE]  # no hazard photo: no archive
    with tarfile.open(tmp_path / "backup" / EVIDENCE) as archive:
        assert f"./{digest[:2]}/{digest}" in archive.getnames()

    target = platform_config(data_dir=str(tmp_path / "restored"), environ={})
    backup.load_attachments(target, tmp_path / "backup", EVIDENCE)
    assert EvidenceFiles(evidence_folder(target), 1000).path(digest).read_bytes() == PDF
