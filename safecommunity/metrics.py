"""Prometheus metrics of the backbone; every one carries the service it belongs to."""
from typing import NamedTuple

from prometheus_client import Counter, Gauge, Histogram

EVENTS_PUBLISHED = Counter("safecommunity_events_published_total",
                           "Events the outbox relay published with a broker confirm", ["service", "type"])
EVENTS_CONSUMED = Counter("safecommunity_events_consumed_total",
                          "Events handled (including redeliveries the inbox skipped)", ["service", "type"])
EVENTS_FAILED = Counter("safecommunity_events_failed_total",
                        "Handler failures, each attempt counted", ["service", "type"])
EVENTS_REJECTED = Counter("safecommunity_events_rejected_total",
                          "Messages rejected as unreadable (malformed envelope or payload)", ["service"])
HANDLER_SECONDS = Histogram("safecommunity_handler_seconds", "Time to handle one batch of events",
                            ["service", "consumer"])
OUTBOX_BACKLOG = Gauge("safecommunity_outbox_backlog", "Committed events not yet published", ["service"])
OUTBOX_OLDEST_AGE = Gauge("safecommunity_outbox_oldest_age_seconds",
                          "Age of the oldest unpublished event", ["service"])
DEAD_LETTERS = Gauge("safecommunity_dead_letters", "Dead-letter rows by status", ["service", "status"])
HTTP_REQUESTS = Counter("safecommunity_http_requests_total", "HTTP requests", ["service", "method", "status"])
HTTP_SECONDS = Histogram("safecommunity_http_request_seconds", "HTTP request duration", ["service", "method"])
SERVICE_RESTARTS = Counter("safecommunity_service_restarts_total",
                           "Service containers the runner started again after they died", ["service"])
DEPENDENCY_UP = Gauge("safecommunity_dependency_up",
                      "1 while the service reaches the dependency, 0 while it is away", ["service", "dependency"])


class ScrapedGauge(NamedTuple):
    """A gauge read from its owning service's database each time Prometheus scrapes (gauges.py), not
    kept in memory: it is never stale, and while that database is away it is absent, not frozen."""
    name: str
    documentation: str
    labels: tuple = ()  # beside `service`, which every sample carries


HAZARDS_OPEN = ScrapedGauge("safecommunity_hazards_open", "Hazards not closed yet (reported to verified)",
                            ("severity",))
HAZARDS_OVERDUE = ScrapedGauge("safecommunity_hazards_overdue",
                               "Hazards past their deadline and not rectified yet", ("severity",))
INJURIES_TODAY = ScrapedGauge("safecommunity_injuries_today",
                              "Injury cases whose injury time falls on today in the site's time zone")
NOTICES_UNACKNOWLEDGED = ScrapedGauge("safecommunity_notices_unacknowledged",
                                      "In-app notices delivered and not acknowledged yet")
NOTICES_AWAITING = ScrapedGauge("safecommunity_notices_awaiting_acknowledgement",
                                "Events whose notices ask for action and nobody has acknowledged, by the time since "
                                "the event (age: under_1h, 1h_to_24h, over_24h)", ("age",))
SCRAPED_GAUGES = (HAZARDS_OPEN, HAZARDS_OVERDUE, INJURIES_TODAY, NOTICES_UNACKNOWLEDGED, NOTICES_AWAITING)

# Notifications' sends on the outside channels (in-app counts too: it is a channel), one per attempt;
# status: sent, retrying or dead. Declared here, at import, so its TYPE line is exported before any send.
NOTIFICATIONS_SENT = Counter("safecommunity_notifications_sent_total",
                             "Notification send attempts by channel and outcome", ["service", "channel", "status"])
NOTIFICATION_LATENCY = Histogram("safecommunity_notification_latency_seconds",
                                 "From the triggering event's time to the notification sent", ["service", "channel"],
                                 buckets=(0.5, 1, 2.5, 5, 10, 30, 60, 300, 900, 3600, 21600))
