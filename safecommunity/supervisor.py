"""Runs the services' containers, and starts again one that dies.

nameko's ServiceRunner lets a container die with the first exception its threads do not catch, and
then the whole process; under plain `safecommunity run` nothing started it again, so one lost
database connection at the wrong moment left a service gone. Here a container that dies is logged,
counted (safecommunity_service_restarts_total) and started afresh after a back-off, while the
others go on serving.
"""
import logging
import time

import eventlet
from eventlet.event import Event
from nameko.containers import ServiceContainer

from . import metrics
from .outages import Backoff

log = logging.getLogger(__name__)

STAYED_UP = 60.0  # seconds after which a container that dies is a new failure, restarted at once


class Supervisor:
    def __init__(self, config, service_classes):
        self.config = config
        self.classes = {cls.name: cls for cls in service_classes}
        self.containers = {}
        self._stopping = False
        self._stopped = Event()

    def start(self):
        """All at once, as nameko's runner does: one started alone would serve (and say it is ready)
        while the others are still starting."""
        for starting in [eventlet.spawn(self._start, name) for name in self.classes]:
            starting.wait()  # a service that cannot start stops the process, with its reason

    def _start(self, name):
        container = self._new(name)
        container.start()
        eventlet.spawn(self._watch, name, container)

    def _new(self, name):
        container = ServiceContainer(self.classes[name], self.config)
        self.containers[name] = container
        return container

    def _watch(self, name, container):
        backoff = Backoff(first=0.5, cap=10.0)
        while True:
            started = time.monotonic()
            try:
                container.wait()
                return  # stopped on purpose
            except Exception as exc:  # the container died of it; nameko has killed it already
                if self._stopping:
                    return
                if time.monotonic() - started > STAYED_UP:
                    backoff.reset()
                log.error("service %s died (%s: %s); starting it again in up to %.1fs", name, type(exc).__name__,
                          exc, backoff.next)
            container = self._start_again(name, backoff)
            if container is None:
                return
            metrics.SERVICE_RESTARTS.labels(name).inc()
            log.info("service %s started again", name)

    def _start_again(self, name, backoff):
        """A new container of the service, after a back-off, tried until one starts; None once stopping."""
        while True:
            backoff.wait()
            if self._stopping:
                return None
            container = self._new(name)
            try:
                container.start()
                return container
            except Exception as exc:  # e.g. its port still closing: try again after the next wait
                log.error("service %s did not start again (%s); trying again in up to %.1fs", name, exc, backoff.next)
                container.kill()

    def wait(self):
        self._stopped.wait()

    def stop(self):
        self._stopping = True
        pool = eventlet.GreenPool()
        for container in list(self.containers.values()):
            pool.spawn(container.stop)
        pool.waitall()
        self._stopped.send(None)

    def kill(self):
        self._stopping = True
        for container in list(self.containers.values()):
            container.kill()
        if not self._stopped.ready():
            self._stopped.send(None)
