"""The alert rules are valid and do what their unit tests say (promtool, from Debian's prometheus
package, which .ci/run installs): every alert fires when it should and stays quiet when it should
not. A missing promtool is a failure, never a skip."""
import re
import shutil
import subprocess
from pathlib import Path

DEPLOY = Path(__file__).resolve().parents[2] / "deploy"


def promtool(*args):
    tool = shutil.which("promtool")
    assert tool, "promtool is missing: apt-get install prometheus (.ci/run does)"
    return subprocess.run([tool, *args], cwd=DEPLOY, capture_output=True, text=True, timeout=120)


def test_the_alert_rules_are_valid():
    done = promtool("check", "rules", "alert-rules.yml")
    assert done.returncode == 0, done.stdout + done.stderr


def test_every_alert_fires_and_stays_quiet_as_its_unit_tests_say():
    done = promtool("test", "rules", "alert-rules.test.yml")
    assert done.returncode == 0, done.stdout + done.stderr


def test_every_alert_has_a_unit_test_that_sees_it_fire():
    alerts = set(re.findall(r"^\s*- alert: (\S+)", (DEPLOY / "alert-rules.yml").read_text(), re.M))
    tests = (DEPLOY / "alert-rules.test.yml").read_text()
    fired = set(re.findall(r"alertname: (\S+)\n\s+exp_alerts:\n\s+- exp_labels", tests))
    assert alerts and alerts == fired, f"alerts without a firing test: {sorted(alerts - fired)}"
