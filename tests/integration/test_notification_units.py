"""Subscriptions by unit type: notifications keeps the registry's units' types (unit.registered,
unit.updated), so a grid head subscribed to hazards at schools hears of one reported against a
school in their grid, not of one at a market, and hears of the market's once the registry says it
is a school now. Over the platform's own broker, both modes."""
import pytest
from sqlalchemy import select

from safecommunity.testing import wait_until
from services.notifications.storage.tables import units
from tests.integration.test_notification_channels import smtp  # noqa: F401 (the fixture)
from tests.integration.test_notification_recipients import deliveries, rows, start
from tests.support import hazard_report, http, post

pytestmark = pytest.mark.integration


def register_unit(url, name, type_):
    return post(f"{url}/api/registry/units", {"name": name, "type": type_, "grid_code": "G1", "scale": "small",
                                              "risk_grade": "low"}, expect=201)["id"]


def report_at(url, unit_id, category):
    """A hazard against the unit, once incidents knows the unit (its own view of the registry's)."""
    body = hazard_report(grid_code="G1", unit_id=unit_id, category=category)
    wait_until(lambda: http.post(f"{url}/api/incidents/hazards", json=body, timeout=10).status_code == 201,
               timeout=30, message=f"incidents to take a hazard at {unit_id}")


def known_as(config, unit_id, type_):
    """Once notifications' own view of the registry's units has the unit as that type."""
    wait_until(lambda: rows(config, select(units.c.type).where(units.c.unit_id == unit_id)) == [(type_,)],
               timeout=30, message=f"notifications to know {unit_id} as a {type_}")


def subjects(url, recipient):
    return sorted(d["subject"] for d in deliveries(url, recipient))


@pytest.mark.parametrize("mode", ["embedded_config", "distributed_config"])
def test_a_subscription_to_hazards_at_schools_hears_of_a_school_and_not_of_a_market_until_it_is_one(
        request, mode, start_services, smtp, tmp_path):  # noqa: F811
    config, url, head, _ = start(request, mode, start_services, smtp, tmp_path, after_minutes=[60])
    school = register_unit(url, "Elm Primary 榆树小学", "school")
    market = register_unit(url, "Lotus 莲花市场", "market")
    post(f"{url}/api/notifications/subscriptions", {"recipient": head, "event_type": "hazard.reported",
                                                    "filter": {"unit_type": ["school"]}, "channels": ["in_app"]},
         expect=201)

    known_as(config, school, "school")
    known_as(config, market, "market")
    report_at(url, market, "electrical")
    report_at(url, school, "fire")
    [told] = wait_until(lambda: deliveries(url, head), timeout=30, message="the school's hazard told")
    assert "消防" in told["subject"]

    answer = http.patch(f"{url}/api/registry/units/{market}", json={"type": "school"}, timeout=10)
    assert answer.status_code == 200, answer.text
    known_as(config, market, "school")
    report_at(url, market, "gas")
    wait_until(lambda: len(deliveries(url, head)) == 2, timeout=30, message="the market, now a school, told")
    assert any("燃气" in subject for subject in subjects(url, head))
    assert not any("用电" in subject for subject in subjects(url, head))  # the market's first, as a market
