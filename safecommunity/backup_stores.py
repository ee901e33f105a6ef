"""Where `backup` copies databases from and `restore` writes them to: embedded mode's SQLite files
(SQLite's online backup API) or distributed mode's PostgreSQL databases (pg_dump / pg_restore)."""
import os
import shutil
import sqlite3
import subprocess
from pathlib import Path

from sqlalchemy import create_engine, inspect, text
from sqlalchemy.engine import make_url
from sqlalchemy.exc import OperationalError

from .config import database_url
from .migrate import create_database_if_missing
from .tokens import ADMIN_TOKEN_FILE


class BackupError(Exception):
    """Anything that stops a backup or restore; the message says what and where."""


class SqliteFiles:
    """Embedded mode: one SQLite file per database, and the files beside them that the data needs."""

    mode, suffix = "embedded", ".db"

    def __init__(self, config):
        self.config = config

    def path(self, name):
        return Path(database_url(self.config, name).split("///", 1)[1])

    def beside(self):
        """{file name in the backup: where it lives}: the key files the services' manifests name
        (the registry's personal-data keys, notifications' contacts key: without them what they
        sealed cannot be read) and the admin token, when there are any."""
        from .discovery import discover
        kept = {key_file: self.path(manifest.name).parent / key_file
                for manifest in discover() for key_file in manifest.key_files}
        return {**kept, ADMIN_TOKEN_FILE: Path(self.config["DATA_DIR"]) / ADMIN_TOKEN_FILE}

    def save(self, name, target):
        """Copies a live database, and returns its Alembic revision. Run in a process of its own
        (the CLI): closing a connection to a file drops every POSIX lock this process holds on it,
        the serving platform's too if it were this process (database.keep_private)."""
        source = self.path(name)
        if not source.exists():
            raise BackupError(f"{source} does not exist: is {source.parent} the platform's data folder?")
        reading = sqlite3.connect(f"file:{source}?mode=ro", uri=True, timeout=30)
        copy = sqlite3.connect(target)
        try:
            # pages=-1: the whole file in one step, under one read transaction, so one snapshot; in WAL
            # mode that blocks no writer (copied page by page, another process's commit restarts it).
            reading.backup(copy, pages=-1)
            problem = copy.execute("PRAGMA quick_check").fetchone()[0]
            if problem != "ok":
                raise BackupError(f"the copy of {source} fails SQLite's check: {problem}")
            copy.execute("PRAGMA journal_mode=DELETE")  # one self-contained file, no -wal beside it
            return sqlite_revision(copy)
        finally:
            copy.close()
            reading.close()

    def folders(self, names):
        return sorted({self.path(name).parent for name in names} | {Path(self.config["DATA_DIR"])})

    def occupied(self, names):
        """The target folders that already hold something (a data folder is restored only when fresh)."""
        return [str(folder) for folder in self.folders(names) if folder.exists() and any(folder.iterdir())]

    def load(self, name, source):
        self.place(source, self.path(name))

    def place(self, source, target):
        """The file in place in one rename, after removing what a database there before left beside it:
        SQLite would otherwise replay an old -wal into the restored file."""
        target.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
        staged = target.with_name(f".{target.name}.restoring")
        shutil.copyfile(source, staged)
        with open(staged, "rb+") as file:
            os.fsync(file.fileno())
        for leftover in ("-wal", "-shm", "-journal"):
            Path(f"{target}{leftover}").unlink(missing_ok=True)
        os.replace(staged, target)

    def url(self, name):
        return database_url(self.config, name)


def sqlite_revision(connection):
    found = connection.execute("SELECT name FROM sqlite_master WHERE name = 'alembic_version'").fetchone()
    return connection.execute("SELECT version_num FROM alembic_version").fetchone()[0] if found else None


class PostgresDatabases:
    """Distributed mode: one PostgreSQL database per service (DATABASE_URL with {service})."""

    mode, suffix = "distributed", ".dump"

    def __init__(self, config):
        self.config = config

    def url(self, name):
        return database_url(self.config, name)

    def beside(self):
        return {}  # the personal-data keys are the deployment's secrets (PII_KEY, PII_HASH_KEY), not files

    def save(self, name, target):
        self._run("pg_dump", name, "--format=custom", f"--file={target}")
        return self._revision(name)  # a migration between the two would be one run during a backup

    def occupied(self, names):
        return [name for name in names if self._tables(name)]

    def load(self, name, source):
        create_database_if_missing(self.url(name))
        # --clean --if-exists: drop what the dump holds, if there, before making it again; one
        # transaction, so a restore that fails leaves the database as it was
        self._run("pg_restore", name, "--clean", "--if-exists", "--no-owner", "--single-transaction",
                  "--exit-on-error", str(source))

    def _run(self, program, name, *arguments):
        if shutil.which(program) is None:
            raise BackupError(f"{program} is not on PATH: install PostgreSQL's client programs "
                              f"(postgresql-client, the server's major version or newer)")
        url = make_url(self.url(name))
        # the password in the environment, not on a command line every user of the host can read
        env = {**os.environ, **({"PGPASSWORD": url.password} if url.password else {})}
        libpq = url.set(drivername="postgresql", password=None).render_as_string(hide_password=False)
        done = subprocess.run([program, *arguments, f"--dbname={libpq}"], env=env, capture_output=True, text=True)
        if done.returncode != 0:
            raise BackupError(f"{program} of {name}'s database failed: {done.stderr.strip()[-2000:]}")

    def _revision(self, name):
        engine = create_engine(self.url(name))
        try:
            with engine.connect() as connection:
                if not inspect(connection).has_table("alembic_version"):
                    return None
                return connection.scalar(text("SELECT version_num FROM alembic_version"))
        except OperationalError as exc:
            raise BackupError(f"{name}'s database cannot be reached: {str(exc.orig).strip()}") from None
        finally:
            engine.dispose()

    def _tables(self, name):
        engine = create_engine(self.url(name))
        try:
            with engine.connect() as connection:
                return connection.scalar(text(
                    "SELECT count(*) FROM pg_tables WHERE schemaname NOT IN ('pg_catalog', 'information_schema')"))
        except OperationalError as exc:
            if "does not exist" in str(exc.orig):
                return 0  # made by load()
            raise BackupError(f"{name}'s database cannot be reached: {str(exc.orig).strip()}") from None
        finally:
            engine.dispose()


def stores_for(config, names):
    """The databases' kind, from DATABASE_URL (one kind for every service)."""
    kinds = {make_url(database_url(config, name)).get_backend_name() for name in names}
    if kinds == {"sqlite"}:
        return SqliteFiles(config)
    if kinds == {"postgresql"}:
        return PostgresDatabases(config)
    raise BackupError(f"backup knows SQLite (embedded mode) and PostgreSQL, not {', '.join(sorted(kinds))}")
