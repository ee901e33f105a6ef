"""Fixtures: real RabbitMQ vhosts and PostgreSQL databases, and services run in this process."""
import warnings

import pytest
import requests
from kombu.transport.memory import Channel as MemoryChannel
from kombu.transport.memory import Transport as MemoryTransport
from nameko.runners import ServiceRunner
from sqlalchemy import create_engine, text

from safecommunity.runner import migrate_all, platform_config, service_class
from safecommunity.testing import (
    POSTGRES,
    RABBIT_MANAGEMENT,
    PostgresDatabases,
    RabbitVhost,
    admin_token,
    free_port,
    wait_until,
)
from tests.greenlet_timeout import pytest_timeout_set_timer  # noqa: F401 (a hook: a hung test fails alone)
from tests.support import log_in, log_out

warnings.filterwarnings("ignore", category=DeprecationWarning)

FAST_RETRIES = {"EVENT_RETRY_ATTEMPTS": 3, "EVENT_RETRY_BACKOFF": 0.05, "OUTBOX_POLL_INTERVAL": 0.2}


@pytest.fixture(scope="session")
def infrastructure():
    """Fails (never skips) when RabbitMQ or PostgreSQL is not there: .ci/run must provide them."""
    requests.get(f"{RABBIT_MANAGEMENT}/api/overview", auth=("guest", "guest"), timeout=5).raise_for_status()
    engine = create_engine(f"{POSTGRES}/postgres")
    with engine.connect() as connection:
        connection.execute(text("SELECT 1"))
    engine.dispose()


@pytest.fixture
def vhost(infrastructure):
    with RabbitVhost() as fresh:
        yield fresh


@pytest.fixture
def databases(infrastructure):
    with PostgresDatabases() as fresh:
        yield fresh


@pytest.fixture(autouse=True)
def logged_out():
    """Each test starts anonymous; start_services (or the test) logs in with a token."""
    log_out()
    yield
    log_out()


@pytest.fixture
def start_services():
    """start_services(config, names) runs services in this process, and logs tests.support's client
    in with an admin token of their access store; all are stopped afterwards."""
    runners = []

    def start(config, names, extra_classes=()):
        migrate_all(config, names)
        runner = ServiceRunner(config)
        for cls in [service_class(name) for name in names] + list(extra_classes):
            runner.add_service(cls)
        runner.start()
        runners.append(runner)
        for container in runner.containers:  # connected to broker and database, queues declared
            for extension in set(container.shared_extensions.values()):
                if hasattr(extension, "check_ready"):
                    wait_until(extension.check_ready, timeout=30, message=f"{extension} to be ready")
        log_in(admin_token(config))
        return runner

    yield start
    for runner in runners:
        runner.kill()


@pytest.fixture
def distributed_config(vhost, databases):
    """Real RabbitMQ and PostgreSQL, as in production."""
    return platform_config(port=free_port(), environ={"AMQP_URI": vhost.uri, "DATABASE_URL": databases.url},
                           **FAST_RETRIES)


@pytest.fixture
def embedded_config(tmp_path):
    """The in-process broker and SQLite files, as `safecommunity run` with nothing configured."""
    MemoryTransport.global_state.clear()
    MemoryChannel.queues.clear()  # its messages: kept by the class, not by global_state (a test that
    # published to a queue nobody of its own consumed left them for the next test's consumer)
    return platform_config(port=free_port(), data_dir=str(tmp_path / "data"), environ={}, **FAST_RETRIES)


def base_url(config):
    return "http://127.0.0.1:" + config["WEB_SERVER_ADDRESS"].rsplit(":", 1)[1]
