"""Published outbox rows past their retention are deleted, oldest first; nothing unpublished or
recent is, and a pass looks only at the oldest rows, not the whole table."""
from datetime import datetime, timedelta, timezone

from sqlalchemy import create_engine, insert, select

from safecommunity.outbox import prune
from safecommunity.tables import metadata, outbox

NOW = datetime(2026, 12, 2, 8, 0, tzinfo=timezone.utc)
WEEK = timedelta(days=7)


def table(rows):
    """An outbox of (published_at or None) in id order, created an hour before it was published."""
    engine = create_engine("sqlite://")
    metadata.create_all(engine, tables=[outbox])
    with engine.begin() as connection:
        connection.execute(insert(outbox), [
            {"event_id": f"e{n}", "type": "t", "envelope": "{}", "published_at": published,
             "created_at": (published or NOW) - timedelta(hours=1)} for n, published in enumerate(rows)])
    return engine


def kept(engine):
    with engine.connect() as connection:
        return list(connection.scalars(select(outbox.c.event_id).order_by(outbox.c.id)))


def test_published_rows_past_the_retention_go_and_unpublished_or_recent_ones_stay():
    engine = table([NOW - 9 * WEEK, None, NOW - 2 * WEEK, NOW - timedelta(hours=2), None])
    with engine.begin() as connection:
        assert prune(connection, NOW - WEEK) == 2
    assert kept(engine) == ["e1", "e3", "e4"]  # the stuck unpublished one, the recent, the new


def test_a_pass_looks_at_the_oldest_rows_only_and_the_next_passes_go_on_from_there():
    engine = table([NOW - 2 * WEEK] * 7 + [NOW])
    with engine.begin() as connection:
        assert prune(connection, NOW - WEEK, batch=3) == 3
        assert prune(connection, NOW - WEEK, batch=3) == 3
        assert prune(connection, NOW - WEEK, batch=3) == 1  # fewer than a batch: done for this turn
        assert prune(connection, NOW - WEEK, batch=3) == 0
    assert kept(engine) == ["e7"]
