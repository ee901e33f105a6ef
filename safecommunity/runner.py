"""Runs services: all five in one process, or any one of them, with the same code.

With no AMQP_URI and DATABASE_URL in the environment this is the embedded mode: the in-process
broker (kombu memory://) and one SQLite file per service under the data folder. With them, each
service talks to RabbitMQ and its own PostgreSQL database, and can run as many replicas as needed.
"""
import errno
import gc
import importlib
import logging
import os
import signal

import eventlet

from . import broker, migrate, sitetime
from .config import SERVICES, database_url, from_environ
from .supervisor import Supervisor
from .tokenstore import ACCESS_STORE, token_store

log = logging.getLogger(__name__)


def service_class(name):
    if name not in SERVICES:
        raise SystemExit(f"unknown service {name!r}; choose from {', '.join(SERVICES)}")
    module = importlib.import_module(f"services.{name}.service")
    return module.SERVICE


def platform_config(port=None, data_dir=None, environ=None, host=None, **overrides):
    """Embedded mode (no AMQP_URI, no DATABASE_URL) listens on 127.0.0.1 unless told otherwise."""
    environ = os.environ if environ is None else environ
    data_dir = os.path.abspath(data_dir or environ.get("SAFECOMMUNITY_DATA", "data"))
    embedded = {"AMQP_URI": "memory://", "DATABASE_URL": f"sqlite:///{data_dir}/{{service}}.db"}
    config = from_environ({**embedded, **environ}, **overrides)
    config["DATA_DIR"] = data_dir
    if host is None and "WEB_SERVER_ADDRESS" not in environ:
        host = "127.0.0.1" if is_embedded(config) else "0.0.0.0"
    if host is not None or port is not None:
        default_host, default_port = config["WEB_SERVER_ADDRESS"].rsplit(":", 1)
        config["WEB_SERVER_ADDRESS"] = f"{host or default_host}:{port or default_port}"
    return config


def is_embedded(config):
    return config["AMQP_URI"].startswith("memory")


def migrate_all(config, names):
    """Each service's database, and the access store every service checks tokens in."""
    migrate.create_database_if_missing(database_url(config, ACCESS_STORE))
    tokens = token_store(config)
    try:
        tokens.create()
    finally:
        tokens.engine.dispose()
    for name in names:
        migrate.upgrade(name, database_url(config, name))


def declare_broker(config, names):
    """Exchanges and queues before any service first starts (the migrate step): every consumer's
    queue from the catalogue, and what a service lists in its class's `broker_topology` (incidents:
    the intake from departments), so nothing published meanwhile is lost. Idempotent. Nothing
    for memory://, which lives only inside one process."""
    from .broker import connect, declare_topology

    if config["AMQP_URI"].startswith("memory"):
        return
    broker.configure(config)
    with connect(config["AMQP_URI"]) as connection:
        connection.ensure_connection(max_retries=10, interval_start=1, interval_step=1)
        declare_topology(connection)
        for name in names:
            for declare in getattr(service_class(name), "broker_topology", ()):
                declare(connection.default_channel)
    log.info("declared the broker's exchanges and queues for %s", ", ".join(names))


def announce_admin_token(config):
    """Embedded mode is for trying the platform: its first run makes an admin token and says how to use it."""
    from .tokens import ensure_admin_token

    token, new = ensure_admin_token(config, config["DATA_DIR"])
    host, port = config["WEB_SERVER_ADDRESS"].rsplit(":", 1)
    where = f"http://{'127.0.0.1' if host in ('0.0.0.0', '') else host}:{port}"
    if new:
        print(f"\nAn admin token for this platform (kept in {config['DATA_DIR']}/admin-token, shown once):\n"
              f"    {token}\nThe dashboard, logged in: {where}/#token={token}\n"
              f"The API: curl -H 'Authorization: Bearer {token}' {where}/api/access/whoami\n", flush=True)
    else:
        print(f"\nThe admin token is in {config['DATA_DIR']}/admin-token; the dashboard: {where}/\n", flush=True)


def serve_metrics(address):
    """Metrics off the public port: Prometheus scrapes them there, on a network the public does not reach."""
    if address:
        from prometheus_client import start_http_server
        host, port = address.rsplit(":", 1)
        start_http_server(int(port), host)
        log.info("metrics on http://%s/metrics", address)


def run(config, names, run_migrations=True):
    if config["AMQP_URI"].startswith("memory") and len(names) < len(SERVICES):
        log.warning("memory:// is private to this process: services elsewhere will not hear these")
    sitetime.configure(config)
    broker.configure(config)
    if run_migrations:
        migrate_all(config, names)
    if is_embedded(config):
        announce_admin_token(config)
    runner = Supervisor(config, [service_class(name) for name in names])
    signal.signal(signal.SIGTERM, lambda *_: eventlet.spawn_n(runner.stop))
    runner.start()
    serve_metrics(config.get("METRICS_ADDRESS"))
    # What start-up built (modules, nameko, SQLAlchemy, schemas) lives as long as the process; frozen,
    # it is left out of full collections, which otherwise paused a serving process 70-85 ms.
    gc.freeze()
    log.info("serving %s on %s (broker %s)", ", ".join(names), config["WEB_SERVER_ADDRESS"],
             config["AMQP_URI"].split("@")[-1])
    waiter = eventlet.spawn(runner.wait)
    while True:
        try:
            waiter.wait()
        except OSError as exc:
            if exc.errno == errno.EINTR:
                continue
            raise
        except KeyboardInterrupt:
            try:
                runner.stop()
            except KeyboardInterrupt:
                runner.kill()
        else:
            break
