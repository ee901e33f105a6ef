"""indicator.updated published on the bus, embedded (in-process broker, SQLite) and through RabbitMQ
and PostgreSQL: the reports API shows each project's indicators, the latest event of a month by its
time even when an older one arrives after it, the same to the public, and the same after a rebuild."""
import dataclasses
import uuid
from datetime import datetime, timedelta, timezone

import pytest
import requests

from safecommunity import sitetime
from safecommunity.config import database_url
from safecommunity.database import make_engine
from safecommunity.envelope import new_event
from safecommunity.testing import wait_until
from services.reports.indicators import months_up_to
from services.reports.storage import rebuild_read_models
from tests.conftest import base_url
from tests.support import get, publish

PROJECTS = "/safecommunity/projects"


@pytest.fixture(params=["sqlite", "postgresql"])
def config(request):
    return request.getfixturevalue("embedded_config" if request.param == "sqlite" else "distributed_config")


def project_created(project_id):
    return new_event("project.created", {"project_id": project_id, "name": "Elderly falls 老年人跌倒预防",
                                         "intervention_area": "elderly", "status": "continuing",
                                         "lifecycle": "active"}, source=PROJECTS)


def indicator_updated(project_id, month, value, at, **overrides):
    event = new_event("indicator.updated", {
        "indicator_id": "i-falls", "project_id": project_id, "code": "falls_home_60", "month": month,
        "numerator": value * 2, "denominator": 2000.0, "value": value, "target": 8.5, "direction": "at_most",
        "on_target": value <= 8.5, **overrides}, source=PROJECTS)
    return dataclasses.replace(event, time=at.isoformat())


def indicators(url, anonymous=False):
    answer = requests.get(f"{url}/api/reports/dashboard", timeout=10).json() if anonymous else \
        get(f"{url}/api/reports/dashboard")
    return {p["project_id"]: p["indicators"] for p in answer["projects"]}


def test_an_indicator_published_on_the_bus_shows_in_the_reports_api_latest_first_and_after_a_rebuild(
        config, start_services):
    start_services(config, ["reports"])
    url, project_id = base_url(config), str(uuid.uuid4())
    this_month, now = sitetime.month_of(sitetime.today()), datetime.now(timezone.utc)
    last_month = months_up_to(this_month, 2)[0]
    events = [project_created(project_id), indicator_updated(project_id, last_month, 9.0, now - timedelta(days=20)),
              indicator_updated(project_id, this_month, 7.5, now - timedelta(minutes=1)),
              indicator_updated(project_id, this_month, 12.0, now - timedelta(minutes=5))]   # older, arrives last
    publish(config["AMQP_URI"], events)
    wait_until(lambda: get(f"{url}/api/reports/summary")["events_kept"] == len(events), message="every event kept")

    [shown] = indicators(url)[project_id]
    assert (shown["code"], shown["month"], shown["value"], shown["target"], shown["direction"], shown["on_target"]) \
        == ("falls_home_60", this_month, 7.5, 8.5, "at_most", True)
    assert [point["value"] for point in shown["series"]][-2:] == [9.0, 7.5] and len(shown["series"]) == 12
    assert shown["series"][-2]["on_target"] is False
    assert indicators(url, anonymous=True)[project_id] == [shown]   # programme figures: the same to the public

    engine = make_engine(database_url(config, "reports"))            # as `safecommunity rebuild` does
    try:
        assert rebuild_read_models(engine) == len(events)
    finally:
        engine.dispose()
    assert indicators(url)[project_id] == [shown]
