"""A test that hangs under eventlet fails alone, with the greenlets' stacks, and the run goes on."""
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]

HANGING = '''
import eventlet

def test_waits_for_what_never_comes():
    eventlet.Event().wait()

def test_spins_without_yielding():
    while True:
        pass

def test_after_them():
    assert True
'''


def test_a_hung_test_fails_alone_with_the_greenlets_stacks_and_the_run_goes_on(tmp_path):
    (tmp_path / "conftest.py").write_text("import eventlet\neventlet.monkey_patch()\n"
                                          "from tests.greenlet_timeout import pytest_timeout_set_timer  # noqa\n")
    (tmp_path / "test_hanging.py").write_text(HANGING)
    run = subprocess.run([sys.executable, "-m", "pytest", "-p", "no:cacheprovider", "-o", "timeout=1", "-q",
                          str(tmp_path)], cwd=tmp_path, env={"PYTHONPATH": str(ROOT)},
                         capture_output=True, text=True, timeout=60)
    assert "2 failed, 1 passed" in run.stdout, run.stdout[-3000:]
    assert "where each greenlet is" in run.stdout
    assert "in test_waits_for_what_never_comes" in run.stdout  # the hung test's own frame
