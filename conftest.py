# First, before anything imports socket or psycopg2: nameko and our consumers run on eventlet,
# and the tests drive them from the same process.
import eventlet

eventlet.monkey_patch()

import pytest  # noqa: E402 (after the monkey-patching above)

INTEGRATION_DIRS = ("tests/integration/", "tests/e2e/")
REAL_PARTS = {"infrastructure", "vhost", "databases", "distributed_config", "start_services"}


def pytest_collection_modifyitems(config, items):
    """The rings: a test under tests/integration or tests/e2e, or one using a fixture of real
    RabbitMQ, PostgreSQL or running services, is `integration`; the rest (`-m "not integration"`)
    is the fast loop and needs neither."""
    for item in items:
        path = item.path.as_posix()
        if any(part in path for part in INTEGRATION_DIRS) or REAL_PARTS & set(getattr(item, "fixturenames", ())):
            item.add_marker(pytest.mark.integration)
