"""deploy/nginx.conf, the compose gateway, run by a real nginx (Debian's nginx-light, which .ci/run
installs; missing is a failure, never a skip): it is valid (`nginx -t`), routes /api/<name>/ to the
container of that name with no list of services, answers 502 for a name no container has (and goes
on serving), and keeps metrics private. Docker's DNS is stood in for by a small one that knows two
names, each at its own loopback address where a backend says who it is."""
import shutil
import socket
import struct
import subprocess
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
import requests

from safecommunity.testing import free_port, wait_until

CONF = Path(__file__).resolve().parents[2] / "deploy" / "nginx.conf"
HOSTS = {"dogbites": "127.0.0.2", "reports": "127.0.0.3"}  # a service no file lists, and the dashboard's


def nginx():
    binary = shutil.which("nginx") or shutil.which("nginx", path="/usr/sbin:/usr/local/sbin")
    assert binary, "nginx is missing: apt-get install nginx-light (.ci/run does)"
    return binary


def answer(query):
    """A DNS answer to one A query: the address HOSTS gives the name, or NXDOMAIN."""
    labels, at = [], 12
    while query[at]:
        labels.append(query[at + 1:at + 1 + query[at]].decode())
        at += 1 + query[at]
    question = query[12:at + 5]
    address = HOSTS.get(".".join(labels))
    flags, count = (0x8180, 1) if address else (0x8183, 0)
    header = query[:2] + struct.pack(">HHHHH", flags, 1, count, 0, 0)
    record = struct.pack(">HHHIH", 0xC00C, 1, 1, 5, 4) + socket.inet_aton(address) if address else b""
    return header + question + record


def serve_dns(sock):
    while True:
        try:
            query, sender = sock.recvfrom(512)
        except (OSError, EOFError):  # closed at the end of the test (EOFError: eventlet's way)
            return
        sock.sendto(answer(query), sender)


class Backend(BaseHTTPRequestHandler):
    def do_GET(self):
        body = f"{self.server.server_address[0]} {self.path}".encode()
        self.send_response(200)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args):
        pass


def gateway_conf(tmp_path, port, dns_port, backend_port):
    """The real file, pointed at this test's ports, DNS and folders instead of compose's."""
    conf = (CONF.read_text()
            .replace("listen 8000;", f"listen 127.0.0.1:{port};")
            .replace("resolver 127.0.0.11 ", f"resolver 127.0.0.1:{dns_port} ")
            .replace(":8080;", f":{backend_port};")
            .replace("pid /tmp/nginx.pid;", f"pid {tmp_path}/nginx.pid;")
            .replace("http {", "http {\n" + "".join(f"    {kind}_temp_path {tmp_path}/{kind};\n" for kind in (
                "client_body", "proxy", "fastcgi", "uwsgi", "scgi")), 1))
    assert conf.count(str(tmp_path)) == 6 and f":{backend_port};" in conf and f"127.0.0.1:{dns_port}" in conf
    path = tmp_path / "nginx.conf"
    path.write_text(conf)
    return path


@pytest.fixture
def gateway(tmp_path):
    dns = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    dns.bind(("127.0.0.1", 0))
    threading.Thread(target=serve_dns, args=(dns,), daemon=True).start()
    backend_port, port = free_port(), free_port()
    backends = [ThreadingHTTPServer((address, backend_port), Backend) for address in HOSTS.values()]
    for backend in backends:
        threading.Thread(target=backend.serve_forever, daemon=True).start()
    conf = gateway_conf(tmp_path, port, dns.getsockname()[1], backend_port)
    server = subprocess.Popen([nginx(), "-p", str(tmp_path), "-c", str(conf), "-e", "stderr", "-g", "daemon off;"],
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    url = f"http://127.0.0.1:{port}"
    try:
        wait_until(lambda: requests.get(f"{url}/gateway/health", timeout=1).ok, timeout=10, message="nginx")
        yield url
    finally:
        server.terminate()
        server.wait(timeout=10)
        for backend in backends:
            backend.shutdown()
            backend.server_close()
        dns.close()


def test_the_gateway_config_is_valid_for_nginx(tmp_path):
    conf = gateway_conf(tmp_path, free_port(), free_port(), free_port())
    done = subprocess.run([nginx(), "-t", "-p", str(tmp_path), "-c", str(conf), "-e", "stderr"],
                          capture_output=True, text=True, timeout=30)
    assert done.returncode == 0, done.stderr


def test_a_service_is_reached_by_its_name_with_its_path_and_query_unchanged(gateway):
    got = requests.get(f"{gateway}/api/dogbites/bites?grid=1", timeout=10)
    assert (got.status_code, got.text) == (200, f"{HOSTS['dogbites']} /api/dogbites/bites?grid=1")


def test_a_name_no_container_has_is_a_502_and_the_gateway_goes_on(gateway):
    assert requests.get(f"{gateway}/api/nosuchservice/things", timeout=30).status_code == 502
    assert requests.get(f"{gateway}/api/dogbites/bites", timeout=10).status_code == 200


def test_the_dashboard_and_the_access_routes_go_to_reports(gateway):
    for path in ("/", "/api/access/whoami"):
        assert requests.get(f"{gateway}{path}", timeout=10).text == f"{HOSTS['reports']} {path}"


def test_metrics_and_paths_that_name_no_service_are_404_here(gateway):
    for path in ("/api/dogbites/metrics", "/metrics", "/api/", "/api/Not.A.Name/x"):
        assert requests.get(f"{gateway}{path}", timeout=10).status_code == 404, path
