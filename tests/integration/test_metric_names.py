"""Every metric the Grafana dashboard and the alert rules query is one a real platform exports: all
five services in distributed mode (real RabbitMQ and PostgreSQL) with a little traffic, scraped as
deploy/prometheus.yml scrapes them, and RabbitMQ's exporter on the endpoints that file names. A
misspelt or renamed metric would otherwise draw an empty panel or an alert that can never fire."""
from urllib.parse import urlsplit

import pytest
import requests
import yaml
from prometheus_client.parser import text_string_to_metric_families

from safecommunity.config import SERVICES
from safecommunity.testing import RABBIT_HOST, ServiceProcess, free_port, migrate, wait_until
from tests.promql import DEPLOY, names_used, series_names
from tests.support import hazard_report, http, injury_card, log_in

pytestmark = pytest.mark.integration

SCRAPE_CONFIGS = yaml.safe_load((DEPLOY / "prometheus.yml").read_text())["scrape_configs"]


@pytest.fixture
def platform(databases, vhost, tmp_path):
    migrate(databases.url, list(SERVICES))
    processes = {}
    for name in SERVICES:
        env = {"AMQP_URI": vhost.uri, "DATABASE_URL": databases.url, "METRICS_ADDRESS": f"127.0.0.1:{free_port()}"}
        processes[name] = ServiceProcess([name], free_port(), env, log_path=tmp_path / f"{name}.log").start(wait=False)
    try:
        for process in processes.values():
            process.wait_ready()
        yield processes
    finally:
        for process in processes.values():
            process.stop()


def scrape(url, **params):
    response = requests.get(url, params=params, timeout=10)
    assert response.status_code == 200, (url, response.status_code)
    return response.text


def sample(text, name, **labels):
    found = [s.value for family in text_string_to_metric_families(text) for s in family.samples
             if s.name == name and labels.items() <= s.labels.items()]
    return found[0] if found else None


def send_traffic(platform):
    """A severe injury (incidents publishes, reports and notifications consume, a notice is sent), a
    hazard and a few reads, so that the labelled series exist."""
    log_in(platform["incidents"].admin_token())
    incidents = f"{platform['incidents'].url}/api/incidents"
    assert http.post(f"{incidents}/injuries", json=injury_card(severity="severe"), timeout=30).status_code == 201
    assert http.post(f"{incidents}/hazards", json=hazard_report(), timeout=30).status_code == 201
    for process in platform.values():
        http.get(f"{process.url}/ready", timeout=10)
    assert http.get(f"{incidents}/hazards", timeout=10).status_code == 200
    assert http.get(f"{incidents}/injuries/no-such-case", timeout=10).status_code == 404


def exported_by(platform):
    """Series names of every target deploy/prometheus.yml scrapes; Prometheus's own job left out."""
    exported, jobs = set(), set()
    for job in SCRAPE_CONFIGS:
        path, params = job.get("metrics_path", "/metrics"), job.get("params", {})
        if job["job_name"] == "safecommunity":
            urls = [f"http://{p.env['METRICS_ADDRESS']}{path}" for p in platform.values()]
        elif job["job_name"].startswith("rabbitmq"):
            urls = [f"http://{RABBIT_HOST}:{urlsplit('//' + target).port}{path}"
                    for config in job["static_configs"] for target in config["targets"]]
        else:
            continue
        jobs.add(job["job_name"])
        for url in urls:
            exported |= series_names(scrape(url, **params))
    assert {"safecommunity", "rabbitmq"} <= jobs, "prometheus.yml lost a job this check scrapes"
    return exported


def test_every_metric_the_dashboard_and_the_alert_rules_use_is_exported(platform):
    send_traffic(platform)
    reports = f"http://{platform['reports'].env['METRICS_ADDRESS']}/metrics"
    wait_until(lambda: sample(scrape(reports), "safecommunity_events_consumed_total", type="injury.reported"),
               timeout=30, message="reports to consume the injury")
    notifications = f"http://{platform['notifications'].env['METRICS_ADDRESS']}/metrics"
    wait_until(lambda: sample(scrape(notifications), "safecommunity_notices_unacknowledged") == 1, timeout=30,
               message="the severe injury's notice to be counted")
    used, exported = names_used(), exported_by(platform)
    missing = {name: sorted(where) for name, where in used.items() if name not in exported}
    assert len(used) > 15 and missing == {}, f"used, and exported by nothing scraped: {missing}"
    business_gauges_come_from_their_own_services(platform)


def business_gauges_come_from_their_own_services(platform):
    """Checked here, on the platform already running, rather than on five more processes."""
    incidents = scrape(f"http://{platform['incidents'].env['METRICS_ADDRESS']}/metrics")
    assert sample(incidents, "safecommunity_hazards_open", service="incidents", severity="general") == 1
    assert sample(incidents, "safecommunity_hazards_overdue", service="incidents", severity="general") == 0
    assert sample(incidents, "safecommunity_injuries_today", service="incidents") is not None
    assert sample(incidents, "safecommunity_notices_unacknowledged") is None, "notifications' gauge, not incidents'"
    assert "safecommunity_hazards_open" not in scrape(f"http://{platform['registry'].env['METRICS_ADDRESS']}/metrics")
