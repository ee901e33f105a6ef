"""AMQP_QUEUE_TYPE=quorum: every queue the services declare is a quorum queue (replicated over a
RabbitMQ cluster's nodes), and events flow end to end through them as through classic ones: cards
posted to incidents are counted by reports and the severe ones noticed, each once."""
import pytest
import requests

from safecommunity.testing import RABBIT_MANAGEMENT, ServiceProcess, free_port, migrate, wait_until
from tests.support import injury_card

pytestmark = pytest.mark.integration

SERVICES = ("incidents", "reports", "notifications")


def test_with_quorum_queues_set_every_queue_is_one_and_events_flow_end_to_end(vhost, databases, tmp_path):
    migrate(databases.url, list(SERVICES))
    env = {"AMQP_URI": vhost.uri, "DATABASE_URL": databases.url, "AMQP_QUEUE_TYPE": "quorum"}
    processes = {name: ServiceProcess([name], free_port(), env, log_path=tmp_path / f"{name}.log").start(wait=False)
                 for name in SERVICES}
    try:
        for process in processes.values():
            process.wait_ready()
        session = requests.Session()
        session.headers["Authorization"] = f"Bearer {processes['incidents'].admin_token()}"
        cards = [injury_card(severity="severe" if n % 5 == 0 else "mild") for n in range(20)]
        for card in cards:
            assert session.post(f"{processes['incidents'].url}/api/incidents/injuries", json=card,
                                timeout=10).status_code == 201
        reports, notifications = processes["reports"].url, processes["notifications"].url
        wait_until(lambda: session.get(f"{reports}/api/reports/summary", timeout=5).json()["injuries"] == 20,
                   message="reports to count every card")
        wait_until(lambda: len(session.get(f"{notifications}/api/notifications/deliveries", timeout=5)
                               .json()["deliveries"]) == 4, message="a notice for each severe card")

        queues = requests.get(f"{RABBIT_MANAGEMENT}/api/queues/{vhost.name}", auth=vhost.auth, timeout=10).json()
        kinds = {queue["name"]: queue["type"] for queue in queues}
        assert {"reports.events", "notifications.events", "incidents.events"} <= set(kinds), kinds
        assert set(kinds.values()) == {"quorum"}, kinds
    finally:
        for process in processes.values():
            process.stop()
