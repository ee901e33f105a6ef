"""Business gauges (metrics.ScrapedGauge) read from a service's own database when Prometheus scrapes.

Read at the scrape rather than kept up to date by the code that changes them: a hazard becomes
overdue and "today" turns over with nobody writing anything, replicas would each know only their
own share, and a value read when asked is never stale. The price is a few indexed counts per
scrape and replica.

A scrape must never fail or hang on them. Each service's reading has BUDGET seconds (PostgreSQL is
told too, so the server stops working on it); one that fails or runs out is left out of that
scrape, logged when it starts failing and when it reads again (not at every scrape), and the rest
of /metrics is served as usual.
"""
import logging

import eventlet
from nameko.extensions import DependencyProvider
from prometheus_client.core import REGISTRY, GaugeMetricFamily

from . import metrics
from .database import Database, utcnow

log = logging.getLogger(__name__)

BUDGET = 2.0  # seconds per service; Prometheus gives a whole scrape 10 by default


def family(gauge):
    return GaugeMetricFamily(gauge.name, gauge.documentation, labels=["service", *gauge.labels])


class Reading:
    """One service's gauges from its engine: read(connection, now) yields (gauge, label values, value)."""

    def __init__(self, service, engine, read, gauges):
        self.service, self.engine, self._read, self.gauges = service, engine, read, gauges
        self.failing = False

    def samples(self):
        timeout = eventlet.Timeout(BUDGET)  # also bounds the connect and a wait for a pooled connection
        try:
            with self.engine.connect() as connection:
                if connection.dialect.name == "postgresql":  # before the budget: the server stops the
                    # query itself, and the connection stays usable (a timeout here would have to drop it)
                    connection.exec_driver_sql(f"SET LOCAL statement_timeout = {int(BUDGET * 750)}")
                samples = list(self._read(connection, utcnow()))
        except eventlet.Timeout as exc:
            if exc is not timeout:
                raise
            return self._failed(f"no answer within {BUDGET}s")
        except Exception as exc:  # the database away, or a bug: the scrape goes on without these samples
            return self._failed(f"{type(exc).__name__}: {str(exc)[:200]}")
        finally:
            timeout.cancel()
        if self.failing:
            self.failing = False
            log.info("%s's business gauges are read again", self.service)
        return samples

    def _failed(self, why):
        if not self.failing:
            self.failing = True
            log.warning("%s's business gauges are left out of scrapes until they can be read: %s", self.service, why)
        return []


class BusinessCollector:
    """The process's one collector of business gauges. In embedded mode every service runs in this
    process, each with its own database, and each adds its reading here."""

    def __init__(self):
        self.readings = {}

    def add(self, reading):
        self.readings[reading.service] = reading

    def remove(self, reading):
        if self.readings.get(reading.service) is reading:  # not one a restarted container has put in its place
            del self.readings[reading.service]

    def describe(self):  # claims the names at registration without reading any database
        return [family(gauge) for gauge in metrics.SCRAPED_GAUGES]

    def collect(self):
        readings = list(self.readings.values())
        families = {gauge: family(gauge) for reading in readings for gauge in reading.gauges}
        for reading in readings:
            for gauge, labels, value in reading.samples():
                families[gauge].add_metric([reading.service, *labels], value)
        return list(families.values())


_collector = None


def collector():
    """Registered with the process's registry (what /metrics serves) on first use, not at import."""
    global _collector
    if _collector is None:
        _collector = BusinessCollector()
        REGISTRY.register(_collector)
    return _collector


class BusinessGauges(DependencyProvider):
    """On a service class: `gauges = BusinessGauges(read, metrics.HAZARDS_OPEN, ...)`. It reads through
    the container's Database, the Store's engine: the service's SQLite file in embedded mode, its
    PostgreSQL database in distributed mode. Workers get nothing from it."""

    database = Database()

    def __init__(self, read, *gauges):
        self.read, self.gauges = read, gauges
        self.reading = None

    def start(self):
        self.reading = Reading(self.container.service_name, self.database.engine, self.read, self.gauges)
        collector().add(self.reading)

    def stop(self):
        if self.reading is not None:
            collector().remove(self.reading)

    kill = stop
