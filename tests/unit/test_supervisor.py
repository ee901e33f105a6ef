"""The runner starts again a service container that dies, and leaves its siblings alone."""
import eventlet
from nameko.extensions import DependencyProvider

from safecommunity import metrics
from safecommunity.supervisor import Supervisor
from safecommunity.testing import wait_until


class DiesOnce(DependencyProvider):
    """A thread of the container that fails the first time it runs: nameko then kills the container."""
    starts = 0

    def start(self):
        DiesOnce.starts += 1
        self.container.spawn_managed_thread(self._work, identifier="dies-once")

    def _work(self):
        if DiesOnce.starts == 1:
            raise RuntimeError("lost something nobody caught")
        eventlet.sleep(60)


class DiesThenFailsToStartOnce(DependencyProvider):
    """Dies at once the first time; the first try to start it again fails as well."""
    starts = 0

    def start(self):
        DiesThenFailsToStartOnce.starts += 1
        if DiesThenFailsToStartOnce.starts == 2:
            raise OSError("address already in use")
        self.container.spawn_managed_thread(self._work, identifier="dies-then-fails")

    def _work(self):
        if DiesThenFailsToStartOnce.starts == 1:
            raise RuntimeError("lost something nobody caught")
        eventlet.sleep(60)


class Stubborn:
    name = "stubborn"
    part = DiesThenFailsToStartOnce()


class Fragile:
    name = "fragile"
    part = DiesOnce()


class Steady:
    name = "steady"


def restarts(name):
    return metrics.SERVICE_RESTARTS.labels(name)._value.get()


def test_a_container_that_dies_is_started_again_and_its_sibling_is_untouched():
    before = restarts("fragile")
    supervisor = Supervisor({}, [Fragile, Steady])
    supervisor.start()
    steady = supervisor.containers["steady"]
    try:
        wait_until(lambda: DiesOnce.starts == 2, timeout=10, message="the fragile service started again")
        wait_until(lambda: restarts("fragile") == before + 1, timeout=5, message="the restart counted")
        assert supervisor.containers["steady"] is steady and not steady._died.ready()
        assert not supervisor.containers["fragile"]._died.ready()
    finally:
        supervisor.kill()


def test_a_container_that_fails_to_start_again_is_tried_again_until_it_starts():
    before = restarts("stubborn")
    supervisor = Supervisor({}, [Stubborn])
    supervisor.start()
    try:
        wait_until(lambda: DiesThenFailsToStartOnce.starts == 3, timeout=15, message="a third start")
        wait_until(lambda: restarts("stubborn") == before + 1, timeout=5, message="the restart counted")
        assert not supervisor.containers["stubborn"]._died.ready()
    finally:
        supervisor.kill()
