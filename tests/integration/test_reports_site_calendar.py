"""Through RabbitMQ, PostgreSQL and the reports API: events count in the site's month and year
(Asia/Shanghai), not in the UTC date of their instant; a rebuild of the journal says the same."""
import uuid
from datetime import datetime

from safecommunity import sitetime
from safecommunity.config import database_url
from safecommunity.database import make_engine
from safecommunity.envelope import new_event
from safecommunity.testing import wait_until
from services.reports.storage import rebuild_read_models
from tests.conftest import base_url
from tests.support import get, publish

INCIDENTS = "/safecommunity/incidents"
CARD = {"source": "city-hospital", "grid_code": None, "sex": "female", "age": 70, "residence_type": "permanent",
        "cause": "fall", "intent": "unintentional", "place": "home", "activity": "housework",
        "nature": "fracture", "body_part": "lower_limb", "severity": "mild", "outcome": "treated_and_left"}


def injury(at):
    at = datetime.fromisoformat(at)
    return new_event("injury.reported", {**CARD, "case_id": str(uuid.uuid4()), "injury_time": at, "visit_time": at},
                     source=INCIDENTS)


def accident(at):
    at = datetime.fromisoformat(at)
    return new_event("accident.reported", {"accident_id": str(uuid.uuid4()), "source": "fire-brigade", "kind": "fire",
                                           "occurred_at": at, "deaths": 0, "injuries": 1, "mass_casualty": False},
                     source=INCIDENTS)


def disorder(at, kind):
    at = datetime.fromisoformat(at)
    return new_event("public_order.reported", {"public_order_id": str(uuid.uuid4()), "source": "police",
                                               "kind": kind, "occurred_at": at}, source=INCIDENTS)


EVENTS = [
    injury("2026-02-01T07:00:00+08:00"),          # 31 January 23:00 UTC: a February case in Shanghai
    injury("2026-01-31T15:30:00+00:00"),          # 23:30 on 31 January in Shanghai: January
    accident("2026-01-31T23:00:00+00:00"),
    disorder("2026-01-31T23:00:00+00:00", "burglary"),
    injury("2026-12-31T16:30:00+00:00"),          # 00:30 on 1 January 2027 in Shanghai
    disorder("2026-12-31T16:30:00+00:00", "dispute"),
]


def figures(url, **query):
    return get(f"{url}/api/reports/dashboard", **query)


def month_figures(url):
    """{(year, month): (injuries, accidents, public-order events)}, as the API says."""
    found = {}
    for year, month in ((2026, 1), (2026, 2), (2026, 12), (2027, 1)):
        answer = figures(url, year=year, month=month)
        found[(year, month)] = (answer["totals"]["injuries"], answer["accidents"]["accidents"],
                                answer["public_order"]["total"])
    return found


EXPECTED = {(2026, 1): (1, 0, 0), (2026, 2): (1, 1, 1), (2026, 12): (0, 0, 0), (2027, 1): (1, 0, 1)}


def test_events_count_in_the_sites_month_and_year_on_the_api_and_after_a_rebuild(distributed_config, vhost,
                                                                                 start_services):
    assert sitetime.zone().key == "Asia/Shanghai"
    start_services(distributed_config, ["reports"])
    url = base_url(distributed_config)
    publish(vhost.uri, EVENTS)
    wait_until(lambda: get(f"{url}/api/reports/summary")["events_kept"] == len(EVENTS), message="every event kept")

    assert month_figures(url) == EXPECTED
    year_2027 = figures(url, year=2027)
    assert year_2027["totals"]["injuries"] == 1 and year_2027["public_order"]["by_kind"] == {"dispute": 1}
    assert year_2027["public_order"]["disputes"]["by_stage"]["warned"] == 1
    assert figures(url, year=2026)["totals"]["injuries"] == 2
    order = get(f"{url}/api/reports/public-order", year=2026, month=2)["public_order"]
    assert order["by_kind"] == {"burglary": 1} and order["by_month"] == {"2026-02": 1}

    engine = make_engine(database_url(distributed_config, "reports"))  # as `safecommunity rebuild` does
    try:
        assert rebuild_read_models(engine) == len(EVENTS)
    finally:
        engine.dispose()
    assert month_figures(url) == EXPECTED
