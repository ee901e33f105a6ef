"""Prometheus metrics of the backbone; every one carries the service it belongs to."""
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
