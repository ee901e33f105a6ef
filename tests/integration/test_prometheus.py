"""A real Prometheus (Debian's package) scraping a running platform in distributed mode: every
service's metrics port is a target that is up, the alert rules load and evaluate without error on
real data, and every metric of ours the rules use is one the services really export."""
import re
import shutil
import subprocess
from pathlib import Path

import pytest
import requests
import yaml

from safecommunity.config import SERVICES
from safecommunity.testing import ServiceProcess, free_port, migrate, wait_until

pytestmark = pytest.mark.integration

RULES = Path(__file__).resolve().parents[2] / "deploy" / "alert-rules.yml"


@pytest.fixture
def platform(databases, vhost, tmp_path):
    migrate(databases.url, list(SERVICES))
    processes = []
    for name in SERVICES:
        env = {"AMQP_URI": vhost.uri, "DATABASE_URL": databases.url, "METRICS_ADDRESS": f"127.0.0.1:{free_port()}"}
        processes.append(ServiceProcess([name], free_port(), env, log_path=tmp_path / f"{name}.log").start(wait=False))
    try:
        for process in processes:
            process.wait_ready()
        yield processes
    finally:
        for process in processes:
            process.stop()


@pytest.fixture
def prometheus(platform, tmp_path):
    binary = shutil.which("prometheus")
    assert binary, "prometheus is missing: apt-get install prometheus (.ci/run does)"
    shutil.copy(RULES, tmp_path / "alert-rules.yml")
    targets = [{"targets": [p.env["METRICS_ADDRESS"]], "labels": {"service": p.services[0]}} for p in platform]
    config = {"global": {"scrape_interval": "1s", "evaluation_interval": "1s"}, "rule_files": ["alert-rules.yml"],
              "scrape_configs": [{"job_name": "safecommunity", "honor_labels": True, "static_configs": targets}]}
    (tmp_path / "prometheus.yml").write_text(yaml.safe_dump(config))
    address = f"127.0.0.1:{free_port()}"
    log = open(tmp_path / "prometheus.log", "wb")
    server = subprocess.Popen([binary, f"--config.file={tmp_path / 'prometheus.yml'}",
                               f"--web.listen-address={address}", f"--storage.tsdb.path={tmp_path / 'tsdb'}"],
                              stdout=log, stderr=subprocess.STDOUT)
    try:
        wait_until(lambda: requests.get(f"http://{address}/-/ready", timeout=2).ok, timeout=30, message="prometheus")
        yield f"http://{address}/api/v1"
    finally:
        server.terminate()
        server.wait(20)
        log.close()


def test_prometheus_scrapes_every_service_and_evaluates_the_alert_rules(platform, prometheus):
    def every_target_up():
        active = requests.get(f"{prometheus}/targets", timeout=5).json()["data"]["activeTargets"]
        return len(active) == len(SERVICES) and all(t["health"] == "up" for t in active) and active
    active = wait_until(every_target_up, timeout=30, message="every service's target up")
    assert {t["labels"]["service"] for t in active} == set(SERVICES)

    def rules_evaluated():
        groups = requests.get(f"{prometheus}/rules", timeout=5).json()["data"]["groups"]
        rules = [rule for group in groups for rule in group["rules"]]
        return rules if rules and all(rule.get("lastEvaluation", "").startswith("20") for rule in rules) else None
    rules = wait_until(rules_evaluated, timeout=30, message="every rule evaluated")
    assert [(r["name"], r["lastError"]) for r in rules if r["health"] != "ok"] == []
    firing = [r["name"] for r in rules for alert in r.get("alerts", []) if alert["state"] == "firing"]
    assert firing == [], "a healthy platform fires no alert"


def test_every_metric_of_ours_the_alert_rules_use_is_exported(platform):
    used = set(re.findall(r"\b(safecommunity_[a-z_]+)", RULES.read_text()))
    exported = set()
    for process in platform:
        text = requests.get(f"http://{process.env['METRICS_ADDRESS']}/metrics", timeout=5).text
        exported |= set(re.findall(r"^# TYPE (\S+)", text, re.M))
        exported |= {name.removesuffix("_total") for name in exported}  # a counter's TYPE line names it bare
        exported |= {f"{name}_total" for name in exported}
    assert used and used <= exported, f"used by the rules, exported by no service: {sorted(used - exported)}"
