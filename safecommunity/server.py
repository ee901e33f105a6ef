"""The HTTP server every service of a process shares (so embedded mode serves all of them on one
port), and what keeps it standing when clients misbehave: a deadline for each request's head, a
bound on the connections it holds, and the bodies guarded (bodies.py)."""
import errno
import json
import logging
import socket

import eventlet
from nameko.constants import WEB_SERVER_CONFIG_KEY
from nameko.web.server import HttpOnlyProtocol, WebServer

from . import metrics
from .bodies import CLOSE_KEY, READ_CHUNK, BodyGuard, setting

log = logging.getLogger(__name__)

LINGER_SECONDS, LINGER_BYTES = 1.0, 1024 * 1024  # what a refused client may still send before the socket closes
REFUSERS = 50  # greenthreads answering 503 at once; past them a connection is closed unanswered
# accept() failures that pass: out of descriptors or memory for a moment, or a client gone already
ACCEPT_CAN_WAIT = {errno.EMFILE, errno.ENFILE, errno.ENOBUFS, errno.ENOMEM}
ACCEPT_CAN_SKIP = {errno.ECONNABORTED, errno.EPROTO, errno.EPERM}


def busy_answer():
    """What a connection past the bound is sent, whole, without reading its request."""
    body = json.dumps({"error": "unavailable",
                       "message": "this server holds as many connections as it may; retry in a second"}).encode()
    return (b"HTTP/1.1 503 Service Unavailable\r\nContent-Type: application/json\r\nRetry-After: 1\r\n"
            b"Connection: close\r\nContent-Length: %d\r\n\r\n%s" % (len(body), body))


BUSY = busy_answer()


class HeadTimedOut(TimeoutError):
    """A subclass of socket.timeout, which eventlet's server answers by closing the connection."""


class EdgeProtocol(HttpOnlyProtocol):
    """eventlet's HTTP/1.1 protocol with a deadline for the head of every request (request line and
    headers, waiting for it on a kept-alive connection included): a per-read timeout alone lets a
    client that trickles a byte at a time hold its connection for ever."""

    def handle_one_request(self):
        self.head_deadline = eventlet.Timeout(self.server.head_timeout, HeadTimedOut("no request head in time"))
        try:
            super().handle_one_request()
        finally:
            self.head_deadline.cancel()

    def get_environ(self):
        self.head_deadline.cancel()  # the head is in; from here each read and write has socket_timeout
        environ = super().get_environ()
        environ[CLOSE_KEY] = self.close_after_answer
        return environ

    def close_after_answer(self):
        # eventlet keeps a connection open only while close_connection is 0, and then reads and
        # discards the rest of an unread body; set now, it neither reads it nor keeps the connection.
        self.close_connection = 1
        self.lingering = True

    def finish(self):
        if getattr(self, "lingering", False):
            linger(self.connection)
        super().finish()


def linger(sock):
    """Half-close, then drop what the client still sends, for a moment only (RFC 9112 9.6): closing
    a socket with unread input sends a reset, which can make the client lose the answer it was sent."""
    try:
        sock.shutdown(socket.SHUT_WR)
        with eventlet.Timeout(LINGER_SECONDS, False):
            dropped = 0
            while dropped < LINGER_BYTES and (part := sock.recv(READ_CHUNK)):
                dropped += len(part)
    except OSError:
        pass


def refuse_connection(sock):
    try:
        sock.sendall(BUSY)
        linger(sock)
    except OSError:
        pass
    finally:
        sock.close()
    metrics.HTTP_REQUESTS.labels("-", "-", "503").inc()


class PlatformWebServer(WebServer):
    """nameko's WebServer, shared by every container of the process that binds the same address.

    The first container to bind it owns the socket; the last one to stop closes it.
    """

    _by_address = {}

    @property
    def sharing_key(self):
        return PlatformWebServer

    def bind(self, container):
        address = container.config.get(WEB_SERVER_CONFIG_KEY, "0.0.0.0:8000")
        server = self._by_address.get(address)
        if server is None:
            server = super().bind(container)
            server.address = address
            server.containers, server._users = {}, 0
            self._by_address[address] = server
        container.shared_extensions[self.sharing_key] = server
        server.containers[container.service_name] = container
        return server

    def start(self):
        self._users += 1
        if not self._starting:
            self._starting = True
            config = self.container.config
            # A connection holds a greenthread of the pool from accept to close; a full pool answers 503.
            self._pool = eventlet.GreenPool(setting(config, "HTTP_MAX_CONNECTIONS"))
            self._refusers = eventlet.GreenPool(REFUSERS)
            # A second process on a taken port fails, unless replicas are asked to share it: the
            # kernel then spreads new connections over them (SO_REUSEPORT).
            share = bool(int(config.get("HTTP_SHARE_PORT", 0)))
            self._sock = eventlet.listen(self.bind_addr, reuse_port=share, backlog=1024)
            self._sock.settimeout(None)
            self._serv = self.get_wsgi_server(self._sock, self.get_wsgi_app(), protocol=EdgeProtocol)
            self._serv.socket_timeout = self._serv.head_timeout = setting(config, "HTTP_IDLE_TIMEOUT")
            self._gt = eventlet.spawn(self.run)

    def run(self):
        while self._is_accepting:
            try:
                sock, address = self._sock.accept()
            except OSError as exc:
                self.wait_after(exc)
                continue
            sock.settimeout(self._serv.socket_timeout)
            if self._pool.free():
                self._pool.spawn_n(self.process_request, sock, address)
            elif self._refusers.free():
                self._refusers.spawn_n(refuse_connection, sock)
            else:
                sock.close()

    @staticmethod
    def wait_after(exc):
        """The accept loop must outlive a failed accept(), or the port stays open and answers nothing."""
        if exc.errno in ACCEPT_CAN_WAIT:
            log.warning("cannot accept a connection (%s); trying again in 0.1 s", exc)
            eventlet.sleep(0.1)
        elif exc.errno not in ACCEPT_CAN_SKIP:
            raise exc

    def stop(self):
        self._users -= 1
        if self._users > 0:
            return
        self._by_address.pop(self.address, None)
        if self._starting:
            self._is_accepting = False
            self._gt.kill()
            self._sock.close()

    kill = stop

    def get_wsgi_app(self):
        from .ops import PlatformApp  # web.py, which ops.py imports, imports this module for its Http entrypoint
        from .web import error_response

        return BodyGuard(PlatformApp(self), self.container.config, error_response)
