"""`safecommunity makemigration`: each service's history (its first migration making the backbone's
tables through safecommunity.backbone_migration) gives exactly its tables, so its next migration
has nothing to do; and one is numbered after the last."""
import pytest

from safecommunity.config import SERVICES
from safecommunity.migrate import make_migration


@pytest.mark.parametrize("service", SERVICES)
def test_a_services_history_makes_its_tables_so_its_next_migration_is_empty(service, tmp_path):
    written = make_migration(service, "nothing yet", into=tmp_path)
    text = written.read_text()
    assert written.parent == tmp_path and written.name.endswith("_nothing_yet.py")
    upgrade = text[text.index("def upgrade"):text.index("def downgrade")]
    assert "op." not in upgrade, upgrade   # nothing the history does not make already
    assert f"down_revision: Union[str, Sequence[str], None] = '{int(written.name[:4]) - 1:04d}'" in text
