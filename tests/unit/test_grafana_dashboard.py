"""The Grafana dashboard is one Grafana loads and draws as meant: every panel queries the provisioned
Prometheus data source (by its uid) with an expression, ids are unique, titles are in Chinese and
English, and compose mounts the files where the provisioning looks for them. The names its PromQL
uses are checked against a real scrape in tests/integration/test_metric_names.py."""
import json
import re
import shutil
import subprocess

import pytest
import yaml

from tests.promql import DASHBOARD, DEPLOY, dashboard_exprs, metric_names

GRAFANA = DEPLOY / "grafana"
COMPOSE = DEPLOY.parent / "docker-compose.yml"
CJK, LATIN = re.compile(r"[\u4e00-\u9fff]"), re.compile(r"[A-Za-z]")


def load(path):
    return json.loads(path.read_text(encoding="utf-8")) if path.suffix == ".json" else yaml.safe_load(path.read_text())


@pytest.fixture(scope="module")
def dashboard():
    return load(DASHBOARD)


def every_panel(panels):
    for panel in panels:
        yield panel
        yield from every_panel(panel.get("panels", []))


def datasource():
    [source] = load(GRAFANA / "provisioning" / "datasources" / "prometheus.yml")["datasources"]
    return source


def test_every_panel_and_target_queries_the_provisioned_prometheus_by_its_uid(dashboard):
    uid = datasource()["uid"]
    queried = [p for p in every_panel(dashboard["panels"]) if p["type"] != "row"]
    assert queried
    for panel in queried:
        assert panel["datasource"] == {"type": "prometheus", "uid": uid}, panel["title"]
        assert panel["targets"], f"{panel['title']} has no query"
        for target in panel["targets"]:
            assert target["datasource"] == panel["datasource"] and target["expr"].strip(), panel["title"]
            assert metric_names(target["expr"]), f"{panel['title']}: {target['expr']!r} selects no metric"
        ref_ids = [target["refId"] for target in panel["targets"]]
        assert len(set(ref_ids)) == len(ref_ids), panel["title"]
    for variable in dashboard["templating"]["list"]:
        assert variable["datasource"]["uid"] == uid, variable["name"]


def test_panel_ids_are_unique_and_panels_fit_the_grid(dashboard):
    panels = list(every_panel(dashboard["panels"]))
    ids = [panel["id"] for panel in panels]
    assert all(isinstance(i, int) for i in ids) and len(set(ids)) == len(ids)
    for panel in panels:
        place = panel["gridPos"]
        assert place["x"] + place["w"] <= 24 and place["h"] > 0, panel["title"]


# What Grafana puts in place of its variables before the query reaches Prometheus
GRAFANA_VARIABLES = {"$__rate_interval": "1m", "$__interval": "15s", "$__range": "6h", "$service": ".*"}


def test_every_expression_is_promql_that_prometheus_parses(dashboard, tmp_path):
    exprs = list(dashboard_exprs(dashboard))
    for variable, value in GRAFANA_VARIABLES.items():
        exprs = [expr.replace(variable, value) for expr in exprs]
    assert not [expr for expr in exprs if "$" in expr], "a Grafana variable this test does not know"
    rules = {"groups": [{"name": "dashboard", "rules": [
        {"record": f"dashboard:expr_{i}", "expr": expr} for i, expr in enumerate(exprs) if expr]}]}
    (tmp_path / "dashboard-rules.yml").write_text(yaml.safe_dump(rules, allow_unicode=True))
    tool = shutil.which("promtool")
    assert tool, "promtool is missing: apt-get install prometheus (.ci/run does)"
    done = subprocess.run([tool, "check", "rules", "dashboard-rules.yml"], cwd=tmp_path, capture_output=True,
                          text=True, timeout=60)
    assert done.returncode == 0, done.stdout + done.stderr


def test_the_dashboard_and_every_panel_are_titled_in_chinese_and_english(dashboard):
    titles = [dashboard["title"]] + [panel["title"] for panel in every_panel(dashboard["panels"])]
    assert [t for t in titles if not (CJK.search(t) and LATIN.search(t))] == []
    assert dashboard["uid"] and dashboard["schemaVersion"] >= 36


def test_the_data_source_points_at_composes_prometheus():
    source = datasource()
    assert (source["type"], source["access"], source["url"]) == ("prometheus", "proxy", "http://prometheus:9090")
    assert "prometheus" in load(COMPOSE)["services"]


def test_compose_mounts_the_provisioning_and_the_dashboards_where_grafana_looks():
    grafana = load(COMPOSE)["services"]["grafana"]
    assert re.fullmatch(r"grafana/grafana-oss:\d+\.\d+\.\d+", grafana["image"]), "pin the image"
    mounts = dict(volume.split(":", 1) for volume in grafana["volumes"])
    assert mounts["./deploy/grafana/provisioning"] == "/etc/grafana/provisioning:ro"
    [provider] = load(GRAFANA / "provisioning" / "dashboards" / "safecommunity.yml")["providers"]
    assert mounts["./deploy/grafana/dashboards"] == f"{provider['options']['path']}:ro"
    home = grafana["environment"]["GF_DASHBOARDS_DEFAULT_HOME_DASHBOARD_PATH"]
    assert home == f"{provider['options']['path']}/{DASHBOARD.name}"
    assert grafana["ports"] == ["127.0.0.1:${GRAFANA_PORT:-3000}:3000"]
    assert mounts["grafana-data"] == "/var/lib/grafana" and "grafana-data" in load(COMPOSE)["volumes"]


@pytest.mark.parametrize("expr, names", [
    ('sum by (service, type) (rate(safecommunity_events_published_total{service=~"$service"}[$__rate_interval]))',
     {"safecommunity_events_published_total"}),
    ('histogram_quantile(0.99, sum by (service, le) (rate(http_seconds_bucket{status=~"5.."}[5m])))',
     {"http_seconds_bucket"}),
    ('up{job="safecommunity"} == 0 unless on (service) (sum by (service) (up) == 0)', {"up"}),
    ("max(a) > 1e-3 or absent(b offset 5m) and on(instance) c:recorded", {"a", "b", "c:recorded"}),
    ("sum(rate(x_total[5m])) by (le) / ignoring(code) group_left(team) y", {"x_total", "y"}),
])
def test_metric_names_are_read_out_of_promql(expr, names):
    assert metric_names(expr) == names


def test_a_label_values_variable_yields_its_selector():
    variables = {"panels": [], "templating": {"list": [
        {"query": {"query": 'label_values(up{job="safecommunity"}, service)'}}, {"query": "label_values(job)"}]}}
    assert list(dashboard_exprs(variables)) == ['up{job="safecommunity"}', ""]
