"""Notifications' view of the registry on SQLite through the real migrations: who holds a role in a
grid, read for a batch's grids and the grids above them in one go, found the same whether or not
the batch's grids were read first, and read again once an assignment changes."""
from datetime import date

import pytest
from sqlalchemy import event

from safecommunity.database import make_engine
from safecommunity.migrate import upgrade
from services.notifications.recipients import holders_at_or_above
from services.notifications.storage import NotificationsUnitOfWork

pytestmark = pytest.mark.integration

DAY = date(2026, 12, 3)
GRIDS = [("D1", "district", None), ("S1", "street", "D1"), ("C1", "community", "S1"), ("G1", "grid", "C1"),
         ("G2", "grid", "C1")]


@pytest.fixture
def uow(tmp_path):
    url = f"sqlite:///{tmp_path}/notifications.db"
    upgrade("notifications", url)
    engine = make_engine(url)
    with engine.connect() as connection:
        store = NotificationsUnitOfWork(connection, "notifications")
        for code, level, parent in GRIDS:
            store.directory.grid_created({"code": code, "name": code, "level": level, "parent_code": parent})
        for assignment, grid in (("a-1", "G1"), ("a-2", "S1")):
            store.directory.assignment_changed({"assignment_id": assignment, "person_key": f"p-{grid}",
                                                "role": "grid_head", "grid_code": grid, "term_from": "2026-01-01"})
        store.commit()
        yield NotificationsUnitOfWork(connection, "notifications"), connection
    engine.dispose()


def queries(connection):
    seen = []
    event.listen(connection, "before_cursor_execute", lambda *args: seen.append(args[2]))
    return seen


def test_a_batchs_grids_and_those_above_are_read_once_and_walking_up_reads_nothing_more(uow):
    store, connection = uow
    store.directory.parent_of("G1")  # the grid tree, read once per unit of work anyway
    seen = queries(connection)
    store.directory.read_holders([{"grid_code": "G1"}, {"grid_codes": ["G2"]}])
    assert len(seen) == 1
    assert [h.person_key for h in holders_at_or_above(store.directory, "grid_head", "G2", DAY)[1]] == ["p-S1"]
    assert [h.person_key for h in holders_at_or_above(store.directory, "grid_head", "G1", DAY)[1]] == ["p-G1"]
    assert len(seen) == 1


def test_a_grid_not_read_for_the_batch_is_read_when_asked_and_a_new_assignment_is_seen_at_once(uow):
    store, _ = uow
    assert [h.person_key for h in store.directory.holders("grid_head", "S1")] == ["p-S1"]
    assert store.directory.holders("grid_head", "G2") == []
    store.directory.assignment_changed({"assignment_id": "a-3", "person_key": "p-G2", "role": "grid_head",
                                        "grid_code": "G2", "term_from": "2026-01-01"})
    assert [h.person_key for h in store.directory.holders("grid_head", "G2")] == ["p-G2"]
    assert sorted(h.person_key for h in store.directory.holders("grid_head")) == ["p-G1", "p-G2", "p-S1"]
