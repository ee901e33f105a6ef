"""Metric names in PromQL (the Grafana dashboard's, the alert rules'), and the series names a scrape
offers, for the check that every metric the dashboard and the alerts use is really exported."""
import json
import re
from pathlib import Path

import yaml
from prometheus_client.parser import text_string_to_metric_families

DEPLOY = Path(__file__).resolve().parents[1] / "deploy"
DASHBOARD = DEPLOY / "grafana" / "dashboards" / "safecommunity.json"
ALERT_RULES = DEPLOY / "alert-rules.yml"

# Series Prometheus makes itself, for each target or rule: no exporter sends them.
SYNTHETIC = {"up", "scrape_duration_seconds", "scrape_samples_scraped", "scrape_samples_post_metric_relabeling",
             "scrape_series_added", "ALERTS", "ALERTS_FOR_STATE"}
KEYWORDS = {"by", "without", "on", "ignoring", "group_left", "group_right", "bool", "and", "or", "unless",
            "offset", "inf", "nan"}
_STRING = r'"(?:\\.|[^"\\])*"|\'(?:\\.|[^\'\\])*\'|`[^`]*`'
_LABEL_LISTS = r"\b(?:by|without|on|ignoring|group_left|group_right)\s*\([^)]*\)"
_NAME = re.compile(r"[a-zA-Z_:][a-zA-Z0-9_:]*")
# The series names a family of each type can have (a counter's family is named without _total).
_SERIES_OF = {"counter": ("_total", "_created"), "histogram": ("_bucket", "_count", "_sum", "_created"),
              "summary": ("", "_count", "_sum", "_created"), "info": ("_info",)}


def metric_names(expr):
    """The metric names an expression selects: each token that is neither a label (inside {...} or
    a by/on/... list), a label value (strings), a duration ([...]), a number, a keyword, nor a
    function or aggregation (followed by "(")."""
    expr = re.sub(_STRING, '""', expr)
    expr = re.sub(r"#[^\n]*", " ", expr)
    expr = re.sub(r"\{[^}]*\}", "{}", expr)
    expr = re.sub(r"\[[^\]]*\]", "[]", expr)
    expr = re.sub(_LABEL_LISTS, " ", expr)
    expr = re.sub(r"\boffset\s+\S+", " ", expr)
    expr = re.sub(r"\$\{?\w+\}?", " ", expr)  # Grafana variables outside strings
    expr = re.sub(r"(?<![\w:])\d[\w.]*(?:[eE][+-]\d+)?", " ", expr)  # 0.99, 1e-3, 0x1f
    names = set()
    for match in _NAME.finditer(expr):
        followed_by = expr[match.end():].lstrip()[:1]
        if followed_by != "(" and match.group() not in KEYWORDS:
            names.add(match.group())
    return names


def dashboard_exprs(dashboard):
    """Every panel target's expr and every template variable's query (label_values unwrapped)."""
    def panels(items):
        for panel in items:
            yield panel
            yield from panels(panel.get("panels", []))  # a collapsed row holds its panels
    for panel in panels(dashboard["panels"]):
        for target in panel.get("targets", []):
            yield target["expr"]
    for variable in dashboard.get("templating", {}).get("list", []):
        query = variable.get("query")
        query = query.get("query", "") if isinstance(query, dict) else query or ""
        unwrapped = re.fullmatch(r"\s*label_values\((?:(.*),)?\s*[a-zA-Z_]\w*\s*\)\s*", query, re.S)
        yield (unwrapped.group(1) or "") if unwrapped else query


def rule_exprs(rules):
    return [rule["expr"] for group in rules["groups"] for rule in group["rules"]]


def names_used():
    """{metric name: where it is used} over the dashboard and the alert rules, Prometheus's own left out."""
    used = {}
    sources = [("dashboard", dashboard_exprs(json.loads(DASHBOARD.read_text(encoding="utf-8")))),
               ("alert-rules.yml", rule_exprs(yaml.safe_load(ALERT_RULES.read_text(encoding="utf-8"))))]
    for where, exprs in sources:
        for expr in exprs:
            for name in metric_names(expr) - SYNTHETIC:
                used.setdefault(name, set()).add(where)
    return used


def series_names(exposition):
    """Every series name a scrape's text has, and those its families could have with no sample yet
    (a labelled counter nothing has counted: its HELP and TYPE lines only)."""
    names = set()
    for family in text_string_to_metric_families(exposition):
        names |= {sample.name for sample in family.samples}
        names |= {family.name + suffix for suffix in _SERIES_OF.get(family.type, ("",))}
    return names
