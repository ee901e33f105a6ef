import time
import uuid

from safecommunity.ids import new_id


def test_ids_are_version_7_uuids_unique_and_in_the_order_they_were_made():
    first = [new_id() for _ in range(1000)]
    time.sleep(0.002)
    later = new_id()
    parsed = [uuid.UUID(id_) for id_ in first + [later]]
    assert {(u.version, u.variant) for u in parsed} == {(7, uuid.RFC_4122)}
    assert len(set(first)) == 1000
    assert all(id_ < later for id_ in first)  # as text too: that is how the keys are indexed
    made_at = int(later.replace("-", "")[:12], 16) / 1000
    assert abs(made_at - time.time()) < 1
