"""The platform on a three-node RabbitMQ cluster with quorum queues loses the node that leads its
queues while 20,000 injury cases flow end to end: every case is counted once in reports and every
severe one told once, and the services find the surviving nodes by themselves (AMQP_URI lists all
three nodes, kombu's failover list)."""
import time

import eventlet
import pytest
import requests

from safecommunity.rabbit_cluster import RabbitCluster
from safecommunity.testing import PostgresDatabases, ServiceProcess, free_port, migrate, wait_until
from tests.support import injury_card

pytestmark = pytest.mark.integration

SERVICES = ("incidents", "reports", "notifications")
CASES, PER_BATCH, BATCHES_A_SECOND = 20_000, 200, 4  # 800 cases a second: the stop lands mid-flow
SEVERE_EVERY = 100
NODE_AWAY = 10.0  # seconds the leading node is stopped


@pytest.fixture
def platform(tmp_path, infrastructure):
    with RabbitCluster(3) as cluster, PostgresDatabases() as databases:
        migrate(databases.url, list(SERVICES))
        env = {"AMQP_URI": cluster.uri, "AMQP_QUEUE_TYPE": "quorum", "DATABASE_URL": databases.url,
               "OUTBOX_POLL_INTERVAL": "0.2"}
        processes = {name: ServiceProcess([name], free_port(), env, log_path=tmp_path / f"{name}.log").start()
                     for name in SERVICES}
        try:
            yield cluster, processes
        finally:
            for process in processes.values():
                process.stop()


def test_the_node_leading_the_queues_is_lost_mid_flow_and_every_case_counts_once(platform):
    cluster, processes = platform
    session = requests.Session()
    session.headers["Authorization"] = f"Bearer {processes['incidents'].admin_token()}"
    queues = {f"{name}.events" for name in ("reports", "notifications")}
    leader = cluster.leader_of("reports.events")
    assert {cluster.leader_of(queue) for queue in queues} == {leader}, "the queues were declared from one node"

    sender = Sender(session, f"{processes['incidents'].url}/api/incidents/injuries/batch")
    sending = eventlet.spawn(sender.run)
    wait_until(lambda: sender.accepted >= CASES // 5, timeout=60, message="cases to flow")
    leader.stop()
    stopped = time.monotonic()
    wait_until(lambda: all(cluster.leader_of(queue) is not leader for queue in queues), timeout=30,
               message="the queues to elect new leaders")
    elected_after = time.monotonic() - stopped
    eventlet.sleep(max(0.0, NODE_AWAY - elected_after))
    leader.start()
    sending.wait()
    assert sender.accepted == CASES
    assert sender.refused == [], f"answers other than 201/200/503: {sender.refused[:3]}"

    def counted():
        return session.get(f"{processes['reports'].url}/api/reports/summary", timeout=5).json()["injuries"]

    def notices():
        return session.get(f"{processes['notifications'].url}/api/notifications/deliveries",
                           params={"limit": 500}, timeout=5).json()["deliveries"]

    wait_until(lambda: counted() >= CASES, timeout=180, interval=0.5, message=f"reports to count {CASES} cases")
    wait_until(lambda: len(notices()) >= CASES // SEVERE_EVERY, timeout=60, message="a notice per severe case")
    eventlet.sleep(2)  # anything redelivered late would show up now
    assert counted() == CASES
    assert len(notices()) == CASES // SEVERE_EVERY
    assert {name: p.process.poll() for name, p in processes.items()} == dict.fromkeys(SERVICES), "a process exited"
    assert all(requests.get(f"{p.url}/ready", timeout=5).status_code == 200 for p in processes.values())
    print(f"new leaders {elected_after:.1f}s after the stop; {sender.unavailable} batches answered 503; "
          f"{CASES} cases in {sender.took:.1f}s")


class Sender:
    """Posts the cases in batches at a steady rate; a 503 is sent again after its Retry-After."""

    def __init__(self, session, url):
        self.session, self.url = session, url
        self.accepted, self.unavailable, self.refused, self.took = 0, 0, [], 0.0

    def run(self):
        began = time.monotonic()
        for number in range(CASES // PER_BATCH):
            cases = [injury_card(severity="severe" if (number * PER_BATCH + i) % SEVERE_EVERY == 0 else "mild")
                     for i in range(PER_BATCH)]
            self.send(cases)
            eventlet.sleep(max(0.0, began + (number + 1) / BATCHES_A_SECOND - time.monotonic()))
        self.took = time.monotonic() - began

    def send(self, cases):
        while True:
            answer = self.session.post(self.url, json={"cases": cases}, timeout=30)
            if answer.status_code == 503:
                self.unavailable += 1
                eventlet.sleep(float(answer.headers.get("Retry-After", 1)))
                continue
            if answer.status_code not in (200, 201):
                self.refused.append((answer.status_code, answer.text[:200]))
            else:
                self.accepted += len(cases)
            return
