"""Project progress on the dashboard in a real Chromium: each project with its life cycle, its
activities done and missed, and its indicators against target (green on target, red off it, grey
with no value), labelled in Chinese and English; the public sees the same programme figures."""
import uuid
from contextlib import ExitStack

import pytest
import requests

from safecommunity import sitetime
from safecommunity.envelope import new_event
from safecommunity.testing import PostgresDatabases, RabbitVhost, ServiceProcess, free_port, wait_until
from tests.e2e.test_dashboard import render
from tests.support import get, log_in, publish

PROJECTS = "/safecommunity/projects"
FALLS, ALARMS, EMPTY = (str(uuid.uuid4()) for _ in range(3))


def indicator(indicator_id, project_id, code, month, value, target, direction, on_target):
    return new_event("indicator.updated", {
        "indicator_id": indicator_id, "project_id": project_id, "code": code, "month": month,
        "numerator": value or 0.0, "denominator": None if value is None else 1000.0, "value": value,
        "target": target, "direction": direction, "on_target": on_target}, source=PROJECTS)


@pytest.fixture(scope="module")
def platform(tmp_path_factory, infrastructure):
    """Reports on RabbitMQ and PostgreSQL (the bus a test can publish on), fed one project with three
    indicators of this site month: one on target, one off, one with no value yet."""
    folder = tmp_path_factory.mktemp("projects-dashboard")
    with ExitStack() as stack:
        vhost, databases = stack.enter_context(RabbitVhost()), stack.enter_context(PostgresDatabases())
        env = {"SAFECOMMUNITY_DATA": str(folder / "data"), "AMQP_URI": vhost.uri, "DATABASE_URL": databases.url}
        running = ServiceProcess(["reports"], free_port(), env, log_path=folder / "platform.log")
        stack.callback(running.stop)
        running.start(migrate=True)
        reader = running.admin_token(subject="committee-office", scopes=["reports:read"])
        log_in(reader)
        project_id, month = str(uuid.uuid4()), sitetime.month_of(sitetime.today())
        publish(vhost.uri, [
            new_event("project.created", {"project_id": project_id, "name": "Elderly falls 老年人跌倒预防",
                                          "intervention_area": "elderly", "status": "continuing",
                                          "lifecycle": "active"}, source=PROJECTS),
            indicator(FALLS, project_id, "falls_home_60", month, 7.5, 8.5, "at_most", True),
            indicator(ALARMS, project_id, "gas_alarms_working", month, 62.0, 95.0, "at_least", False),
            indicator(EMPTY, project_id, "home_checks", month, None, 80.0, "at_least", None)])
        wait_until(lambda: indicators_shown(running.url) == 3, message="the indicators in reports")
        yield running, reader


def indicators_shown(url):
    return sum(len(project["indicators"]) for project in get(f"{url}/api/reports/dashboard")["projects"])


def test_the_projects_panel_shows_each_indicator_against_its_target_in_chinese_and_english(platform, tmp_path):
    running, token = platform
    page, html = render(f"{running.url}/#token={token}", tmp_path / "zh")
    assert "安全促进项目" in html and "Elderly falls 老年人跌倒预防" in html and "实施中" in html and "持续改进" in html
    assert "指标" in html and page.by_id[f"indicator-value-{FALLS}"] == "7.5"
    assert page.by_id[f"indicator-target-{FALLS}"].split() == ["目标", "≤", "8.5"]
    assert page.by_id[f"indicator-verdict-{FALLS}"] == "达标"
    assert page.attrs_by_id[f"indicator-{FALLS}"]["data-on-target"] == "green"
    assert page.by_id[f"indicator-verdict-{ALARMS}"] == "未达标"
    assert page.attrs_by_id[f"indicator-{ALARMS}"]["data-on-target"] == "red"
    assert page.by_id[f"indicator-target-{ALARMS}"].split() == ["目标", "≥", "95"]
    assert page.by_id[f"indicator-verdict-{EMPTY}"] == "暂无数值"
    assert page.attrs_by_id[f"indicator-{EMPTY}"]["data-on-target"] == "grey"
    assert "falls_home_60" in page.by_id[f"indicator-{FALLS}"] and "<path" in html

    page, html = render(f"{running.url}/?lang=en#token={token}", tmp_path / "en")
    assert "Safety-promotion projects" in html and "Indicator · target · on target" in html
    assert page.by_id[f"indicator-verdict-{FALLS}"] == "On target"
    assert page.by_id[f"indicator-verdict-{ALARMS}"] == "Off target"
    assert page.by_id[f"indicator-target-{FALLS}"].split() == ["target", "≤", "8.5"]
    assert "active" in html and "continuing" in html


def test_the_public_sees_the_same_indicators_as_the_committee(platform, tmp_path):
    running, _ = platform
    public = requests.get(f"{running.url}/api/reports/dashboard", timeout=10).json()
    assert public["suppressed_below"] == 5
    assert public["projects"] == get(f"{running.url}/api/reports/dashboard")["projects"]
    page, _ = render(f"{running.url}/?lang=en", tmp_path / "public")
    assert page.by_id[f"indicator-value-{FALLS}"] == "7.5" and page.by_id[f"indicator-verdict-{FALLS}"] == "On target"
