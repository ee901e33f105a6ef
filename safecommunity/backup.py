"""`safecommunity backup DIR` and `safecommunity restore DIR`: every service's database, the access
store and embedded mode's key file, incidents' attachments and projects' evidence files, with a
manifest (versions, time, sizes, SHA-256 sums).

Each database is copied consistently on its own (SQLite's online backup API; pg_dump's snapshot),
one after another, while the platform keeps running. Across services: the copies are taken
consumers first, before the producers they hear from (SNAPSHOT_ORDER), so a consumer's copy never
holds the effect of an event its producer's copy lacks. The gap the other way, an event its
producer's copy shows as published that its consumer's copy had not handled yet (still in the
broker, or published meanwhile), is closed by restore: the outbox rows published from
`republish_minutes` before the backup began are marked unpublished, the relays send them again, and
each consumer's inbox drops those it had already handled. Messages in the broker are not backed up;
restore purges the services' event queues, which may hold events newer than the backup.
"""
import contextlib
import hashlib
import json
import os
import tarfile
from datetime import datetime, timedelta
from importlib import metadata
from pathlib import Path

from sqlalchemy import update

from .backup_stores import BackupError, stores_for
from .catalogue import CATALOGUE
from .config import SERVICES, database_url
from .database import make_engine, utcnow
from .discovery import consumers_first, discover, resolve
from .tables import outbox
from .tokenstore import ACCESS_STORE

__all__ = ["BackupError", "backup", "restore", "read_manifest", "verify"]

MANIFEST, FORMAT = "manifest.json", 1
# Consumers before the producers they hear from (worked out from the catalogue); the access store,
# on its own, last.
SNAPSHOT_ORDER = consumers_first(SERVICES, CATALOGUE.values()) + (ACCESS_STORE,)
REPUBLISH_MINUTES = 10.0  # must cover how far the slowest consumer lagged when the backup was taken


def backup(config, directory):
    """Copies into directory (new, or empty), the manifest last: a folder without one is a backup that
    did not finish. Returns the manifest."""
    directory, stores = Path(directory), stores_for(config, SNAPSHOT_ORDER)
    with private_files(), removed_on_failure(directory):
        started, databases = utcnow(), {}
        for name in SNAPSHOT_ORDER:
            file = name + stores.suffix
            databases[name] = {"file": file, "alembic_revision": stores.save(name, directory / file)}
        for file, source in stores.beside().items():
            if source.exists():
                (directory / file).write_bytes(source.read_bytes())
        save_attachments(config, directory)  # after the databases: every file their copies name
        manifest = {"format": FORMAT, "platform": {"name": "safecommunity", "version": platform_version()},
                    "mode": stores.mode, "started_at": started.isoformat(), "finished_at": utcnow().isoformat(),
                    "databases": databases, "files": [described(path) for path in sorted(directory.iterdir())]}
        write_manifest(directory, manifest)
    return manifest


def restore(config, directory, force=False, republish_minutes=REPUBLISH_MINUTES):
    """Checks the backup whole before writing anything, then restores it in the backup's order.
    Returns (manifest, outbox rows to be published again)."""
    directory = Path(directory)
    manifest = read_manifest(directory)
    verify(directory, manifest)
    names = list(manifest["databases"])
    stores = stores_for(config, names)
    if manifest["mode"] != stores.mode:
        raise BackupError(f"{directory} is a backup of {manifest['mode']} mode; this platform is set up for "
                          f"{stores.mode} mode (DATABASE_URL)")
    check_revisions(config, manifest)
    occupied = stores.occupied(names)
    if occupied and not force:
        raise BackupError(f"not empty: {', '.join(occupied)}; stop the platform, and restore into fresh "
                          f"{'folders' if stores.mode == 'embedded' else 'databases'} or with --force to replace them")
    listed = {entry["name"] for entry in manifest["files"]}  # checked by verify(); nothing else is taken
    with private_files():
        for name in names:
            stores.load(name, directory / manifest["databases"][name]["file"])
        for file, target in stores.beside().items():
            if file in listed:
                stores.place(directory / file, target)
        for archive in FILE_FOLDERS:
            if archive in listed:
                load_attachments(config, directory, archive)
    since = datetime.fromisoformat(manifest["started_at"]) - timedelta(minutes=republish_minutes)
    republished = republish(config, [name for name in names if name in SERVICES], since)
    if stores.mode == "distributed":
        purge_event_queues(config)
    return manifest, republished


# -- the manifest -------------------------------------------------------------------------------------

def described(path):
    with open(path, "rb") as file:
        digest = hashlib.file_digest(file, "sha256").hexdigest()
    return {"name": path.name, "size": path.stat().st_size, "sha256": digest}


def write_manifest(directory, manifest):
    staged = directory / f".{MANIFEST}.writing"
    staged.write_text(json.dumps(manifest, indent=2) + "\n")
    os.replace(staged, directory / MANIFEST)


def read_manifest(directory):
    path = Path(directory) / MANIFEST
    try:
        manifest = json.loads(path.read_text())
    except FileNotFoundError:
        raise BackupError(f"{path} is missing: {directory} is not a backup, or one that did not finish") from None
    except (OSError, ValueError) as exc:  # UnicodeDecodeError and JSONDecodeError are ValueErrors
        raise BackupError(f"{path} is not a readable manifest: {exc}") from None
    problem = manifest_problem(manifest)
    if problem:
        raise BackupError(f"{path} is not a backup manifest this platform can read: {problem}")
    return manifest


def manifest_problem(manifest):
    """What is wrong with a manifest's shape, or None."""
    if not isinstance(manifest, dict):
        return "not a JSON object"
    if manifest.get("format") != FORMAT:
        return f"format {manifest.get('format')!r}, not {FORMAT}"
    missing = {"mode", "started_at", "databases", "files"} - set(manifest)
    if missing:
        return f"no {', '.join(sorted(missing))}"
    files, databases = manifest["files"], manifest["databases"]
    if not isinstance(files, list) or not all(
            isinstance(f, dict) and isinstance(f.get("name"), str) and isinstance(f.get("size"), int)
            and isinstance(f.get("sha256"), str) for f in files):
        return "files must be a list of {name, size, sha256}"
    if not isinstance(databases, dict) or not all(isinstance(d, dict) for d in databases.values()):
        return "databases must map each database to its file"
    unknown = sorted(set(databases) - set(SNAPSHOT_ORDER))
    if unknown:
        return f"databases this platform does not have: {', '.join(unknown)}"
    unlisted = sorted({d.get("file") for d in databases.values()} - {f["name"] for f in files}, key=str)
    if unlisted:
        return f"database files without a checksum: {', '.join(map(str, unlisted))}"
    try:
        started = datetime.fromisoformat(manifest["started_at"])
    except (TypeError, ValueError):
        return f"started_at {manifest['started_at']!r} is not an ISO 8601 time"
    return None if started.tzinfo else f"started_at {manifest['started_at']!r} has no UTC offset"


def verify(directory, manifest):
    """Every file the manifest lists is in the backup, of its size and SHA-256; the first that is not
    is named."""
    for entry in manifest["files"]:
        name, path = entry["name"], Path(directory) / entry["name"]
        if name in ("", ".", "..") or Path(name).name != name:
            raise BackupError(f"the manifest names {name!r}, which is not a file of the backup's own folder")
        if not path.is_file():
            raise BackupError(f"{name} is missing from the backup in {directory}")
        if described(path) != {"name": name, "size": entry["size"], "sha256": entry["sha256"]}:
            raise BackupError(f"{name} in {directory} does not match its size and SHA-256 in the manifest: "
                              f"it is damaged or was changed, so this backup is not restored")


def check_revisions(config, manifest):
    """A database from a newer platform (a migration this one has not got) is not restored: its
    schema would be one this code does not know, and `migrate` could not bring it back."""
    from alembic.script import ScriptDirectory
    from alembic.util import CommandError

    from .migrate import alembic_config
    for name, entry in manifest["databases"].items():
        revision = entry.get("alembic_revision")
        if revision is None or name not in SERVICES:
            continue
        scripts = ScriptDirectory.from_config(alembic_config(name, database_url(config, name)))
        try:
            scripts.get_revision(revision)
        except CommandError:
            raise BackupError(f"{name}'s database in the backup is at migration {revision!r}, which this platform "
                              f"({platform_version()}) does not have: restore it with the version that made it "
                              f"({manifest.get('platform', {}).get('version', 'see the manifest')})") from None


# -- incidents' attachments and projects' evidence: files beside their databases -------------------

def save_attachments(config, directory):
    """Each service's files (hazard photos; projects' evidence) as one archive of its own. They are
    named by their content hash and never change, so files added while it is written are only
    extra, never half of one."""
    for name, folder_of in FILE_FOLDERS.items():
        folder = folder_of(config)
        if folder.is_dir() and any(folder.iterdir()):
            with tarfile.open(directory / name, "w") as archive:
                archive.add(folder, arcname=".")


def load_attachments(config, directory, name):
    folder = FILE_FOLDERS[name](config)
    folder.mkdir(parents=True, exist_ok=True, mode=0o700)
    with tarfile.open(directory / name) as archive:
        archive.extractall(folder, filter="data")  # refuses absolute paths, "..", links out and devices


# archive -> the function giving where its files are, as the services' manifests say (incidents'
# attachments.tar, projects' evidence.tar), each archive written only when its folder has files
FILE_FOLDERS = {archive: resolve(target) for manifest in discover() for archive, target in manifest.file_archives}


# -- after the databases are back ----------------------------------------------------------------

def republish(config, names, since):
    """Marks the outbox rows published since then unpublished, so the relays send them again."""
    count = 0
    for name in names:
        engine = make_engine(database_url(config, name))
        try:
            with engine.begin() as connection:
                count += connection.execute(update(outbox).where(outbox.c.published_at >= since)
                                            .values(published_at=None)).rowcount
        finally:
            engine.dispose()
    return count


def purge_event_queues(config):
    """The services' event queues emptied (declared first if missing): what they held may be newer
    than the backup; what was older is published again. The departments' intake queues are kept:
    their messages are new reports, which the intake takes once whatever the database holds."""
    from . import broker
    broker.configure(config)
    try:
        with broker.connect(config["AMQP_URI"]) as connection:
            connection.ensure_connection(max_retries=3, interval_start=1, interval_step=1)
            broker.declare_topology(connection)
            for queue in broker.catalogue_queues():
                queue(connection.default_channel).purge()
    except Exception as exc:  # any broker failure: the databases are back, the queues are not purged
        names = ", ".join(queue.name for queue in broker.catalogue_queues())
        raise BackupError(f"the databases are restored, but the broker could not be reached to purge {names} "
                          f"({type(exc).__name__}: {exc}); purge them before starting the services") from None


# -- files --------------------------------------------------------------------------------------------

@contextlib.contextmanager
def private_files():
    """Every file and folder made meanwhile readable by its owner only: personal data and keys."""
    previous = os.umask(0o077)
    try:
        yield
    finally:
        os.umask(previous)


@contextlib.contextmanager
def removed_on_failure(directory):
    """directory, new or empty, made for the backup; emptied again if the backup fails, so no half
    backup (personal data among it) is left behind."""
    if directory.exists() and (not directory.is_dir() or any(directory.iterdir())):
        raise BackupError(f"{directory} exists and is not an empty folder: back up into a new or empty one")
    made = not directory.exists()
    directory.mkdir(parents=True, exist_ok=True, mode=0o700)
    directory.chmod(0o700)
    try:
        yield
    except BaseException:
        for path in directory.iterdir():
            path.unlink()
        if made:
            directory.rmdir()
        raise


def platform_version():
    try:
        return metadata.version("safecommunity")
    except metadata.PackageNotFoundError:
        return "unknown"
