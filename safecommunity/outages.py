"""A dependency that is away (the service's database, the broker) is waited out, never fatal.

`is_outage` tells an outage from a bug or bad input: an HTTP request then answers 503 with
Retry-After, a consumer leaves its messages on the queue and tries again, a timer skips its turn.
`Backoff` is how every loop that reconnects waits: jittered, starting small and capped low, so work
resumes within a second or two of the dependency's return rather than minutes later.
"""
import random

import eventlet
from kombu.exceptions import OperationalError as BrokerOperationalError
from sqlalchemy.exc import DBAPIError, DisconnectionError, InterfaceError, OperationalError
from sqlalchemy.exc import TimeoutError as PoolTimeout

RETRY_AFTER = 2  # seconds an HTTP client is asked to wait

# OperationalError: refused, reset or terminated connections, a database shutting down or (SQLite)
# locked; InterfaceError: a connection already closed; PoolTimeout: every connection busy too long.
OUTAGES = (OperationalError, InterfaceError, DisconnectionError, PoolTimeout, BrokerOperationalError,
           ConnectionError)


class DependencyDown(Exception):
    """A worker could not reach what it depends on; the work is to be tried again, not parked."""


def is_outage(exc):
    if isinstance(exc, (DependencyDown, *OUTAGES)):
        return True
    # psycopg2 may raise a plain DatabaseError for a connection the server closed mid-statement
    return isinstance(exc, DBAPIError) and bool(exc.connection_invalidated)


class Backoff:
    """Waits start at `first` seconds and double up to `cap`, each a random part of it ("full jitter"),
    so replicas that lost a dependency together do not all knock at once when it returns."""

    def __init__(self, first=0.1, cap=1.0):
        self.first, self.cap = first, cap
        self.next = first

    def wait(self):
        seconds = self.next * random.uniform(0.5, 1.0)
        self.next = min(self.next * 2, self.cap)
        eventlet.sleep(seconds)
        return seconds

    def reset(self):
        self.next = self.first
