"""A backup is checked whole before restore writes anything: its manifest readable, every file it
lists there with its size and SHA-256, every migration known to this platform, the target fresh
unless --force. A backup that cannot finish leaves nothing behind."""
import json
import sqlite3

import pytest

from safecommunity.backup import (
    MANIFEST,
    SNAPSHOT_ORDER,
    BackupError,
    backup,
    described,
    read_manifest,
    restore,
    verify,
    write_manifest,
)
from safecommunity.catalogue import CATALOGUE
from safecommunity.cli import main
from safecommunity.config import SERVICES
from safecommunity.runner import platform_config


def a_backup(folder, revision=None, database="access"):
    """A backup folder by hand: one SQLite database and its manifest."""
    folder.mkdir()
    with sqlite3.connect(folder / f"{database}.db") as connection:
        connection.execute("CREATE TABLE t (v TEXT)")
        connection.execute("INSERT INTO t VALUES ('from the backup')")
    connection.close()
    manifest = {"format": 1, "platform": {"name": "safecommunity", "version": "0.1.0"}, "mode": "embedded",
                "started_at": "2026-11-20T01:00:00+00:00", "finished_at": "2026-11-20T01:00:01+00:00",
                "databases": {database: {"file": f"{database}.db", "alembic_revision": revision}},
                "files": [described(folder / f"{database}.db")]}
    write_manifest(folder, manifest)
    return manifest


def embedded(tmp_path, folder="data"):
    return platform_config(data_dir=str(tmp_path / folder), environ={})


def test_a_file_changed_after_the_backup_is_refused_by_name(tmp_path):
    manifest = a_backup(tmp_path / "backup")
    with open(tmp_path / "backup" / "access.db", "r+b") as file:
        file.seek(100)
        file.write(b"\xff")  # same size, another checksum
    with pytest.raises(BackupError, match="access.db .* does not match its size and SHA-256"):
        verify(tmp_path / "backup", manifest)


def test_a_file_missing_from_the_backup_is_refused_by_name(tmp_path):
    manifest = a_backup(tmp_path / "backup")
    (tmp_path / "backup" / "access.db").unlink()
    with pytest.raises(BackupError, match="access.db is missing from the backup"):
        verify(tmp_path / "backup", manifest)


@pytest.mark.parametrize("content, reason", [
    (None, "is missing: .* not a backup, or one that did not finish"),
    (b"{", "is not a readable manifest"),
    (b"\xff\xfe", "is not a readable manifest"),
    (b"[]", "not a JSON object"),
    (b'{"format": 2}', "format 2, not 1"),
    (b'{"format": 1, "mode": "embedded"}', "no databases, files, started_at"),
    (b'{"format": 1, "mode": "embedded", "started_at": "2026-11-20T01:00:00+00:00", "files": [{"name": 1}], '
     b'"databases": {}}', "files must be a list"),
    (b'{"format": 1, "mode": "embedded", "started_at": "2026-11-20T01:00:00+00:00", "files": [], '
     b'"databases": {"access": {"file": "access.db"}}}', "database files without a checksum: access.db"),
    (b'{"format": 1, "mode": "embedded", "started_at": "2026-11-20T01:00:00+00:00", "files": [], '
     b'"databases": {"billing": {"file": "billing.db"}}}', "databases this platform does not have: billing"),
    (b'{"format": 1, "mode": "embedded", "started_at": "yesterday", "files": [], "databases": {}}',
     "'yesterday' is not an ISO 8601 time"),
    (b'{"format": 1, "mode": "embedded", "started_at": "2026-11-20T01:00:00", "files": [], "databases": {}}',
     "has no UTC offset"),
])
def test_a_missing_or_garbled_manifest_is_refused_saying_what_is_wrong(tmp_path, content, reason):
    if content is not None:
        (tmp_path / MANIFEST).write_bytes(content)
    with pytest.raises(BackupError, match=reason):
        read_manifest(tmp_path)


def test_a_manifest_naming_a_file_outside_the_backup_is_refused(tmp_path):
    manifest = a_backup(tmp_path / "backup")
    manifest["files"].append({"name": "../secrets", "size": 1, "sha256": "0" * 64})
    with pytest.raises(BackupError, match="'../secrets', which is not a file of the backup's own folder"):
        verify(tmp_path / "backup", manifest)


def test_databases_are_copied_consumers_first_before_the_producers_they_hear_from():
    assert sorted(SNAPSHOT_ORDER) == sorted([*SERVICES, "access"])
    for spec in CATALOGUE.values():
        for consumer in set(spec.consumers) - {spec.producer}:
            assert SNAPSHOT_ORDER.index(consumer) < SNAPSHOT_ORDER.index(spec.producer), spec.type


def test_a_database_at_a_migration_this_platform_does_not_have_is_not_restored(tmp_path):
    a_backup(tmp_path / "backup", revision="9999_from_the_future", database="registry")
    with pytest.raises(BackupError, match="registry's database .* at migration '9999_from_the_future'"):
        restore(embedded(tmp_path), tmp_path / "backup")
    assert not (tmp_path / "data").exists()


def test_a_data_folder_that_is_not_empty_is_replaced_only_with_force_and_an_old_wal_is_removed(tmp_path):
    a_backup(tmp_path / "backup")
    data = tmp_path / "data"
    data.mkdir()
    (data / "access.db").write_bytes(b"the old database")
    (data / "access.db-wal").write_bytes(b"the old database's log, which SQLite would replay")
    with pytest.raises(BackupError, match=f"not empty: {data}; stop the platform"):
        restore(embedded(tmp_path), tmp_path / "backup")
    assert (data / "access.db").read_bytes() == b"the old database"

    restore(embedded(tmp_path), tmp_path / "backup", force=True)
    assert not (data / "access.db-wal").exists()
    with sqlite3.connect(data / "access.db") as connection:
        assert connection.execute("SELECT v FROM t").fetchall() == [("from the backup",)]
    connection.close()
    assert (data / "access.db").stat().st_mode & 0o777 == 0o600


def test_a_backup_of_embedded_mode_is_not_restored_into_postgresql(tmp_path):
    a_backup(tmp_path / "backup")
    config = platform_config(environ={"DATABASE_URL": "postgresql+psycopg2://nobody@127.0.0.1:1/x_{service}",
                                      "AMQP_URI": "amqp://nobody@127.0.0.1:1/"})
    with pytest.raises(BackupError, match="a backup of embedded mode; this platform is set up for distributed"):
        restore(config, tmp_path / "backup")


def test_a_backup_into_a_folder_that_is_not_empty_is_refused_and_the_folder_left_alone(tmp_path):
    (tmp_path / "backup").mkdir()
    (tmp_path / "backup" / "notes.txt").write_text("mine")
    with pytest.raises(BackupError, match="exists and is not an empty folder"):
        backup(embedded(tmp_path), tmp_path / "backup")
    assert [path.name for path in (tmp_path / "backup").iterdir()] == ["notes.txt"]


def test_a_backup_that_cannot_finish_leaves_no_half_backup_behind(tmp_path):
    data = tmp_path / "data"
    data.mkdir()
    first, second = SNAPSHOT_ORDER[:2]
    with sqlite3.connect(data / f"{first}.db") as connection:  # the first copied; the second is missing
        connection.execute("CREATE TABLE t (v TEXT)")
    connection.close()
    with pytest.raises(BackupError, match=f"{second}.db does not exist: is .* the platform's data folder"):
        backup(embedded(tmp_path), tmp_path / "backup")
    assert not (tmp_path / "backup").exists()


def test_without_pg_dump_a_distributed_backup_fails_naming_it(tmp_path, monkeypatch):
    monkeypatch.setenv("PATH", str(tmp_path))  # nothing there
    config = platform_config(environ={"DATABASE_URL": "postgresql+psycopg2://nobody@127.0.0.1:1/x_{service}",
                                      "AMQP_URI": "amqp://nobody@127.0.0.1:1/"})
    with pytest.raises(BackupError, match="pg_dump is not on PATH: install PostgreSQL's client programs"):
        backup(config, tmp_path / "backup")
    assert not (tmp_path / "backup").exists()


def test_the_command_line_fails_with_the_reason_and_a_non_zero_exit(tmp_path):
    with pytest.raises(SystemExit) as failed:
        main(["--data-dir", str(tmp_path / "data"), "restore", str(tmp_path / "nowhere")])
    assert str(failed.value.code).startswith("restore failed: ") and "manifest.json is missing" in str(
        failed.value.code)


def test_a_written_manifest_reads_back_as_it_was(tmp_path):
    manifest = a_backup(tmp_path / "backup")
    assert read_manifest(tmp_path / "backup") == manifest
    assert json.loads((tmp_path / "backup" / MANIFEST).read_text())["files"][0]["name"] == "access.db"
