"""The business gauges' collector: each service's reading labelled with its service; a reading that
fails or hangs is left out of the scrape (logged once, not at every scrape), within its budget,
while everything else is still served."""
import logging
import time

import eventlet
import pytest
from prometheus_client import CollectorRegistry, generate_latest
from prometheus_client.parser import text_string_to_metric_families
from sqlalchemy import create_engine

from safecommunity import gauges, metrics
from safecommunity.gauges import BusinessCollector, Reading


@pytest.fixture
def engine():
    engine = create_engine("sqlite://")
    yield engine
    engine.dispose()


def hazards(connection, now):
    yield metrics.HAZARDS_OPEN, ("general",), 2
    yield metrics.HAZARDS_OPEN, ("major",), 0


def notices(connection, now):
    yield metrics.NOTICES_UNACKNOWLEDGED, (), 3


class Flaky:
    """A reading whose database is away until told it is back."""

    def __init__(self):
        self.away = True

    def __call__(self, connection, now):
        if self.away:
            raise ConnectionError("connection refused")
        yield metrics.NOTICES_UNACKNOWLEDGED, (), 1


def scrape(collector):
    registry = CollectorRegistry()
    registry.register(collector)
    return {(s.name, tuple(sorted(s.labels.items()))): s.value
            for family in text_string_to_metric_families(generate_latest(registry).decode())
            for s in family.samples}


def test_each_services_samples_carry_its_name(engine):
    collector = BusinessCollector()
    collector.add(Reading("incidents", engine, hazards, (metrics.HAZARDS_OPEN,)))
    collector.add(Reading("notifications", engine, notices, (metrics.NOTICES_UNACKNOWLEDGED,)))
    assert scrape(collector) == {
        ("safecommunity_hazards_open", (("service", "incidents"), ("severity", "general"))): 2,
        ("safecommunity_hazards_open", (("service", "incidents"), ("severity", "major"))): 0,
        ("safecommunity_notices_unacknowledged", (("service", "notifications"),)): 3}


def test_a_reading_that_fails_is_left_out_logged_once_and_back_when_it_reads_again(engine, caplog):
    flaky, collector = Flaky(), BusinessCollector()
    collector.add(Reading("incidents", engine, hazards, (metrics.HAZARDS_OPEN,)))
    collector.add(Reading("notifications", engine, flaky, (metrics.NOTICES_UNACKNOWLEDGED,)))
    with caplog.at_level(logging.INFO, logger="safecommunity.gauges"):
        for _ in range(3):
            assert {name for name, _ in scrape(collector)} == {"safecommunity_hazards_open"}
        flaky.away = False
        assert ("safecommunity_notices_unacknowledged", (("service", "notifications"),)) in scrape(collector)
    assert [(r.levelname, "connection refused" in r.getMessage()) for r in caplog.records] == [
        ("WARNING", True), ("INFO", False)]


def test_a_reading_that_hangs_is_cut_at_its_budget(engine, monkeypatch):
    monkeypatch.setattr(gauges, "BUDGET", 0.2)

    def hangs(connection, now):
        eventlet.sleep(30)
        yield metrics.NOTICES_UNACKNOWLEDGED, (), 1

    started = time.monotonic()
    assert Reading("notifications", engine, hangs, ()).samples() == []
    assert time.monotonic() - started < 1


def test_a_container_started_again_keeps_its_reading_when_the_old_one_stops(engine):
    collector = BusinessCollector()
    old, new = (Reading("incidents", engine, hazards, (metrics.HAZARDS_OPEN,)) for _ in range(2))
    collector.add(old)
    collector.add(new)
    collector.remove(old)
    assert collector.readings == {"incidents": new}
    collector.remove(new)
    assert scrape(collector) == {}


def test_registering_the_collector_reads_no_database(engine):
    reads = []

    def counted(connection, now):
        reads.append(now)
        yield from hazards(connection, now)

    collector = BusinessCollector()
    collector.add(Reading("incidents", engine, counted, (metrics.HAZARDS_OPEN,)))
    CollectorRegistry().register(collector)  # describe(), not collect(): the names, no samples
    assert reads == []
