"""What every service's domain model shares: aggregates record the events they cause."""


class Aggregate:
    """Records events as (type, data); the unit of work publishes them when it commits."""

    id: str

    def record(self, type_, **data):
        self.__dict__.setdefault("_events", []).append((type_, data))

    def collect_events(self):
        return self.__dict__.pop("_events", [])
