"""Embedded mode's SQLite files are shared by processes (the platform, the CLI): what one process
commits, the others read, however many engines a process makes on the same file. Opening and
closing a file by hand drops the POSIX locks SQLite holds on it, and once let another process
delete the WAL under a running platform, which then read a stale snapshot (a revoked token kept
working)."""
import os
import subprocess
import sys

from sqlalchemy import text

from safecommunity.database import make_engine
from safecommunity.tokenstore import FileChangeFeed

WRITE = """
import sys
from sqlalchemy import text
from safecommunity.database import make_engine
engine = make_engine("sqlite:///" + sys.argv[1])
with engine.begin() as connection:
    connection.execute(text("UPDATE t SET v = v + 1"))
engine.dispose()
"""


def another_process_adds_one(path):
    subprocess.run([sys.executable, "-c", WRITE, path], check=True, env={**os.environ, "PYTHONWARNINGS": "ignore"})


def test_a_commit_by_another_process_is_read_after_this_process_made_a_second_engine_on_the_file(tmp_path):
    path = str(tmp_path / "shared.db")
    serving = make_engine(f"sqlite:///{path}")
    with serving.begin() as connection:
        connection.execute(text("CREATE TABLE t (v INTEGER)"))
        connection.execute(text("INSERT INTO t VALUES (0)"))
    feed = FileChangeFeed(serving)
    feed.cache()["kept"] = "a token"
    for expected in (1, 2, 3):
        make_engine(f"sqlite:///{path}").dispose()  # what another container's setup, or a helper, does
        another_process_adds_one(path)
        with serving.connect() as connection:
            assert connection.execute(text("SELECT v FROM t")).scalar() == expected
        assert feed.cache() == {}, "the kept tokens outlived another process's commit"
        feed.cache()["kept"] = "a token"
    assert feed.cache() == {"kept": "a token"}, "nothing changed since: the tokens stay kept"
    serving.dispose()
