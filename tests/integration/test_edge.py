"""The HTTP edge is hard to knock over: idle, trickling and oversized clients, and more connections
than the server holds, leave /health answering at once; the data files are their owner's only."""
import json
import resource
import socket
import stat
import time
from pathlib import Path
from urllib.parse import unquote

import eventlet
import pytest
import requests
from werkzeug.http import parse_options_header

from safecommunity.database import make_engine
from safecommunity.tokens import ensure_admin_token
from tests.conftest import base_url
from tests.support import hazard_report, http, injury_card, post

pytestmark = pytest.mark.integration

IDLE = 1000
BIG = 50 * 1024 * 1024
PIECE = 256 * 1024
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64


def serve(config, start_services, **settings):
    config.update(settings)
    start_services(config, ["registry", "incidents"])
    host, port = config["WEB_SERVER_ADDRESS"].rsplit(":", 1)
    requests.get(f"{base_url(config)}/health", timeout=5).raise_for_status()  # the first builds the routing table
    return base_url(config), (host, int(port))


def health_seconds(url):
    started = time.perf_counter()
    response = requests.get(f"{url}/health", timeout=5)
    assert response.status_code == 200, response.text
    return time.perf_counter() - started


def open_idle(address, count):
    """count connections that never send a byte."""
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    wanted = 2 * count + 500  # both ends live in this process
    if soft < wanted:
        resource.setrlimit(resource.RLIMIT_NOFILE, (min(wanted, hard), hard))
    return [socket.create_connection(address, timeout=5) for _ in range(count)]


def closed_by_server(sock, within):
    sock.settimeout(within)
    try:
        return sock.recv(1024) == b""
    except ConnectionResetError:
        return True
    except TimeoutError:
        return False


def post_big(address, path, content_type, body):
    """POST a 50 MB body, as a client on another machine would (a piece at a time, not one sendall
    of it all, which costs eventlet a copy of the rest per send): (answer, bytes it got to send)."""
    sock = socket.create_connection(address, timeout=10)
    sock.sendall(f"POST {path} HTTP/1.1\r\nHost: x\r\nContent-Type: {content_type}\r\nContent-Length: {BIG}\r\n"
                 f"Authorization: {http.headers['Authorization']}\r\n\r\n".encode())
    sent = 0
    try:
        while sent < BIG:
            sent += sock.send(body[sent:sent + PIECE])
    except OSError:  # the server closed its end: it will read no more
        pass
    answer = sock.makefile("rb").read()
    sock.close()
    return answer, sent


def trickle_a_body(address, stop):
    """A client that sends its body a byte every 0.2 s, for as long as the test looks."""
    sock = socket.create_connection(address)
    sock.sendall(b"POST /api/incidents/injuries HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
                 b"Content-Length: 1000\r\n\r\n")
    while not stop.ready():
        sock.sendall(b" ")
        eventlet.sleep(0.2)
    sock.close()


def test_health_answers_within_100_ms_past_1000_idle_connections_a_refused_50_mb_body_and_a_trickled_one(
        embedded_config, start_services):
    url, address = serve(embedded_config, start_services, HTTP_IDLE_TIMEOUT=6.0, HTTP_MAX_CONNECTIONS=IDLE + 50,
                         MAX_IMPORT_BYTES=BIG // 2)
    opened = time.monotonic()
    idle = open_idle(address, IDLE)
    stop = eventlet.event.Event()
    trickler = eventlet.spawn(trickle_a_body, address, stop)
    body = memoryview(b"x" * BIG)
    big = [eventlet.spawn(post_big, address, "/api/incidents/injuries/batch", "application/json", body),
           eventlet.spawn(post_big, address, "/api/registry/imports/residents", "text/csv", body)]
    latencies = []
    while not all(thread.dead for thread in big) or len(latencies) < 20:
        latencies.append(health_seconds(url))
        eventlet.sleep(0.02)
    stop.send()
    trickler.wait()
    print(f"/health with {IDLE} idle connections, two 50 MB bodies refused and one trickled: "
          f"{len(latencies)} answers, slowest {max(latencies) * 1000:.1f} ms, "
          f"median {sorted(latencies)[len(latencies) // 2] * 1000:.1f} ms")
    assert max(latencies) < 0.1, latencies
    for thread in big:
        answer, sent = thread.wait()
        head, body = answer.split(b"\r\n\r\n", 1)
        assert head.startswith(b"HTTP/1.1 413") and b"Connection: close" in head, answer
        assert json.loads(body)["error"] == "too_large" and sent < BIG // 2  # refused, not read through
    assert time.monotonic() - opened < 6.0, "the idle connections were to be open all along"
    eventlet.sleep(max(0.0, opened + 6.0 - time.monotonic()))
    assert all(closed_by_server(sock, within=2.0) for sock in idle)
    for sock in idle:
        sock.close()


def test_past_the_connection_bound_a_new_connection_is_answered_503_at_once_and_closed(
        embedded_config, start_services):
    url, address = serve(embedded_config, start_services, HTTP_MAX_CONNECTIONS=20)
    idle = open_idle(address, 20)
    started = time.perf_counter()
    response = requests.get(f"{url}/health", timeout=5)
    assert time.perf_counter() - started < 0.5
    assert response.status_code == 503 and response.headers["Retry-After"] == "1"
    assert response.json()["error"] == "unavailable" and response.headers["Connection"] == "close"
    for sock in idle:
        sock.close()
    eventlet.sleep(0.1)
    assert health_seconds(url) < 0.1


def test_a_client_that_trickles_its_head_or_its_body_or_idles_after_a_request_is_cut_at_the_idle_timeout(
        embedded_config, start_services):
    url, address = serve(embedded_config, start_services, HTTP_IDLE_TIMEOUT=1.0)
    head = socket.create_connection(address)
    head.sendall(b"GET /health HTTP/1.1\r\n")
    body = socket.create_connection(address)  # 1,000 bytes at 4,096 a second are due in 1.25 s
    body.sendall(b"POST /api/incidents/injuries HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
                 b"Content-Length: 1000\r\nAuthorization: " + http.headers["Authorization"].encode() + b"\r\n\r\n")
    kept_alive = socket.create_connection(address)
    kept_alive.sendall(b"GET /health HTTP/1.1\r\nHost: x\r\n\r\n")
    assert kept_alive.recv(4096).startswith(b"HTTP/1.1 200")
    started, cut, heard = time.monotonic(), {}, {}
    while len(cut) < 2 and time.monotonic() - started < 5.0:
        for name, sock, line in (("head", head, b"X: y\r\n"), ("body", body, b" ")):
            said = None if name in cut else trickle(sock, line)
            if said is not None:
                cut[name], heard[name] = time.monotonic() - started, said
        eventlet.sleep(0.2)
    assert cut["head"] < 1.5 and cut["body"] < 1.75, cut
    assert heard["head"] == b"" and heard["body"].startswith(b"HTTP/1.1 408"), heard
    assert closed_by_server(kept_alive, within=0.5)


def trickle(sock, line):
    """Send a line; None while the server says nothing, else what it said (b"" for a close)."""
    try:
        sock.sendall(line)  # every 0.2 s: each read is quick, the whole never ends
        sock.setblocking(False)
        return sock.recv(4096)
    except BlockingIOError:
        return None
    except OSError:
        return b""


def test_a_chunked_body_is_read_only_up_to_its_cap_and_one_under_it_is_taken_whole(embedded_config, start_services):
    url, _ = serve(embedded_config, start_services, MAX_JSON_BYTES=1024 * 1024)

    def pieces(total, piece=b"x" * 65536):
        for _ in range(total // len(piece)):
            yield piece

    response = http.post(f"{url}/api/incidents/injuries/batch", data=pieces(BIG), timeout=30,
                         headers={"Content-Type": "application/json"})
    assert response.status_code == 413 and response.json()["error"] == "too_large"
    batch = b'{"cases": [%s]}' % json.dumps(injury_card()).encode()
    response = http.post(f"{url}/api/incidents/injuries/batch", data=iter([batch[:100], batch[100:]]), timeout=30,
                         headers={"Content-Type": "application/json"})
    assert response.status_code == 200 and response.json()["counts"]["created"] == 1, response.text


def test_an_attachment_downloads_under_its_own_name_whatever_it_holds(embedded_config, start_services):
    url, _ = serve(embedded_config, start_services)
    hazard = post(f"{url}/api/incidents/hazards", hazard_report(), expect=201)["hazard"]
    for filename in ("隐患照片.png", 'say "cheese".png', "two\r\nlines.png"):
        photo = http.post(f"{url}/api/incidents/hazards/{hazard['id']}/attachments", data=PNG, timeout=10,
                          params={"uploaded_by": "mall", "filename": filename}, headers={"Content-Type": "image/png"})
        assert photo.status_code == 201, photo.text
        download = http.get(f"{url}/api/incidents/attachments/{photo.json()['id']}", timeout=10)
        assert download.status_code == 200 and download.content == PNG
        disposition, options = parse_options_header(download.headers["Content-Disposition"])
        assert disposition == "attachment" and options["filename"] == filename.replace("\r\n", "__")
        assert unquote(download.headers["Content-Disposition"].split("UTF-8''")[1]) == options["filename"]


def test_embedded_modes_data_files_are_readable_by_their_owner_only(embedded_config, start_services):
    url, _ = serve(embedded_config, start_services)
    hazard = post(f"{url}/api/incidents/hazards", hazard_report(), expect=201)["hazard"]
    http.post(f"{url}/api/incidents/hazards/{hazard['id']}/attachments", data=PNG, timeout=10,
              params={"uploaded_by": "mall"}, headers={"Content-Type": "image/png"}).raise_for_status()
    ensure_admin_token(embedded_config, embedded_config["DATA_DIR"])  # as `safecommunity run` does
    data = Path(embedded_config["DATA_DIR"])
    files = [path for path in data.iterdir() if path.is_file()]
    assert {"registry.db", "incidents.db", "access.db", "incidents.db-wal", "incidents.db-shm", "admin-token",
            "registry-keys.json"} <= {path.name for path in files}
    assert {path.name: oct(stat.S_IMODE(path.stat().st_mode)) for path in files} == {
        path.name: oct(0o600) for path in files}
    assert any((data / "attachments").rglob("*"))
    assert stat.S_IMODE(data.stat().st_mode) == 0o700  # what lies inside, attachments included, is out of reach


def test_a_database_file_made_before_is_narrowed_to_its_owner_when_next_opened(tmp_path):
    path = tmp_path / "old.db"
    for name in ("old.db", "old.db-wal"):
        (tmp_path / name).touch(mode=0o644)
    make_engine(f"sqlite:///{path}").dispose()
    assert [stat.S_IMODE((tmp_path / name).stat().st_mode) for name in ("old.db", "old.db-wal")] == [0o600, 0o600]
