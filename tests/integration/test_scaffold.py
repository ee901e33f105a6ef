"""A new service is one folder: `safecommunity new-service` in a temporary copy of the repository
writes only services/<name>/, and with no other edit the service runs, in embedded mode and on
PostgreSQL and RabbitMQ, its event reaching reports (its own tests, run in the copy, say so); after
`safecommunity deployfiles` (the files that list the services: compose, Kubernetes, the README's
tables) every test that holds those files to the code passes with it too."""
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
NAME = "lifts"
HELD_TO_THE_CODE = ["tests/unit/test_deployfiles.py", "tests/unit/test_kubernetes.py", "tests/unit/test_auth.py",
                    "tests/unit/test_catalogue.py", "tests/unit/test_discovery.py", "tests/unit/test_make_migration.py"]


def in_copy(copy, *command):
    return subprocess.run([sys.executable, *command], cwd=copy, capture_output=True, text=True, timeout=600)


@pytest.fixture
def copy(tmp_path):
    """The repository's files as git has them (committed or not), in a folder of their own, under git."""
    listed = subprocess.run(["git", "ls-files", "-z", "--cached", "--others", "--exclude-standard"], cwd=ROOT,
                            capture_output=True, check=True).stdout.decode().split("\0")
    copy = tmp_path / "repo"
    for name in filter(None, listed):
        if (ROOT / name).is_file():
            (copy / name).parent.mkdir(parents=True, exist_ok=True)
            (copy / name).write_bytes((ROOT / name).read_bytes())
    committer = ["-c", "user.name=test", "-c", "user.email=test@example.invalid"]
    for command in (["init", "-q"], ["add", "-A"], [*committer, "commit", "-qm", "copy"]):
        subprocess.run(["git", *command], cwd=copy, check=True)
    return copy


def test_a_scaffolded_service_runs_and_is_heard_with_no_edit_outside_its_folder(copy):
    made = in_copy(copy, "-m", "safecommunity.cli", "new-service", NAME, "--summary", "lifts and their maintainers")
    assert made.returncode == 0, made.stderr
    changed = subprocess.run(["git", "status", "--porcelain", "--untracked-files=all"], cwd=copy,
                             capture_output=True, text=True, check=True).stdout.splitlines()
    assert changed and all(line.startswith(f"?? services/{NAME}/") for line in changed), changed

    own = in_copy(copy, "-m", "pytest", "-q", "-p", "no:cacheprovider", f"services/{NAME}")
    assert own.returncode == 0 and "4 passed" in own.stdout, own.stdout[-3000:] + own.stderr[-3000:]

    assert in_copy(copy, "-m", "safecommunity.cli", "deployfiles").returncode == 0
    held = in_copy(copy, "-m", "pytest", "-q", "-p", "no:cacheprovider", *HELD_TO_THE_CODE)
    assert held.returncode == 0, held.stdout[-3000:]
    assert NAME in (copy / "docker-compose.yml").read_text()
    assert f"`{NAME}.recorded`" in (copy / "README.md").read_text()


def test_a_name_that_is_taken_or_no_name_is_refused_and_nothing_is_written(copy):
    for name in ("projects", "Dog-Bites", "x", "class"):
        refused = in_copy(copy, "-m", "safecommunity.cli", "new-service", name)
        assert refused.returncode != 0 and "new-service:" in refused.stderr, (name, refused.stderr)
    status = subprocess.run(["git", "status", "--porcelain"], cwd=copy, capture_output=True, text=True).stdout
    assert status == ""
