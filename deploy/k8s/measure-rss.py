"""Measures each service's resident memory (VmRSS) in distributed mode, where the Kubernetes
requests and limits in base/deployments.yaml come from.

    .venv/bin/python deploy/k8s/measure-rss.py [--residents 1000] [--injuries 1000] [--reports 20]

Needs the local RabbitMQ (guest/guest, management plugin) and PostgreSQL (user postgres, trust)
that the integration tests use (safecommunity/testing.py): a fresh vhost and fresh databases,
dropped afterwards. It migrates, starts the five services as five processes, as the Deployments
do, and prints, per service, VmRSS when idle after start-up, VmRSS after a demo district and
its reports went through all of them (and a CSV import of 100,000 residents), and VmHWM (the peak RSS).
"""
import argparse
import os
import sys
import threading
import time
from datetime import date
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import requests
from cryptography.fernet import Fernet

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", ".."))

from safecommunity import testing  # noqa: E402
from safecommunity.config import SERVICES  # noqa: E402
from safecommunity.seed import GRIDS, seed_demo_district  # noqa: E402
from services.registry.codes import id_check_char  # noqa: E402


def memory(pid):
    """(VmRSS, VmHWM) of the process in MiB."""
    with open(f"/proc/{pid}/status") as status:
        fields = dict(line.split(":", 1) for line in status)
    return tuple(int(fields[name].split()[0]) / 1024 for name in ("VmRSS", "VmHWM"))


def gateway(ports):
    """The Ingress's routing (/api/<service>/ to that service, the rest to reports) on a free port."""
    class Route(BaseHTTPRequestHandler):
        def _relay(self):
            parts = self.path.split("/")
            service = parts[2] if len(parts) > 2 and parts[1] == "api" and parts[2] in ports else "reports"
            body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
            headers = {k: v for k, v in self.headers.items() if k.lower() not in ("host", "content-length")}
            answer = requests.request(self.command, f"http://127.0.0.1:{ports[service]}{self.path}",
                                      data=body, headers=headers, timeout=600)
            self.send_response(answer.status_code)
            for key in ("Content-Type", "Location"):
                if key in answer.headers:
                    self.send_header(key, answer.headers[key])
            self.send_header("Content-Length", str(len(answer.content)))
            self.end_headers()
            self.wfile.write(answer.content)

        do_GET = do_POST = do_PUT = do_PATCH = do_DELETE = _relay

        def log_message(self, *args):
            pass

    server = ThreadingHTTPServer(("127.0.0.1", testing.free_port()), Route)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return f"http://127.0.0.1:{server.server_port}"


def residents_csv(count):
    """A registry import file: the whole upload is held in memory while it is imported."""
    lines = ["id_number,name,residence_type,grid_code,phone,tags"]
    for n in range(count):
        first17 = f"{320000 + n // 1000:06d}19{50 + n % 50:02d}0101{n % 1000:03d}"
        lines.append(f"{first17}{id_check_char(first17)},Resident {n},permanent,{GRIDS[n % len(GRIDS)][0]},"
                     f"139{n:08d},")
    return ("\n".join(lines) + "\n").encode()


def load(url, token, args):
    """A demo district through every service, then the reports an office would read."""
    seed_demo_district(url, out=sys.stderr, token=token, residents=args.residents, injuries=args.injuries)
    http = requests.Session()
    http.headers["Authorization"] = f"Bearer {token}"
    testing.wait_until(lambda: http.get(f"{url}/api/reports/summary").json()["injuries"] >= args.injuries, 120,
               message="reports to count every injury")
    year = date.today().year
    for _ in range(args.reports):
        http.get(f"{url}/api/reports/dashboard", params={"year": year}).raise_for_status()
        http.get(f"{url}/api/registry/residents").raise_for_status()
        http.get(f"{url}/api/incidents/injuries").raise_for_status()
    imported = http.post(f"{url}/api/registry/imports/residents", data=residents_csv(args.import_rows),
                         headers={"Content-Type": "text/csv"}, timeout=600)
    imported.raise_for_status()
    print(f"imported: {imported.json()}", file=sys.stderr)
    issued = http.post(f"{url}/api/reports/periodic", json={"kind": "annual", "year": year})
    issued.raise_for_status()
    for fmt in ("html", "pdf", "xlsx"):  # the PDF is the heaviest thing reports does
        http.get(url + issued.json()["links"][fmt]).raise_for_status()


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--residents", type=int, default=1000)
    parser.add_argument("--injuries", type=int, default=1000)
    parser.add_argument("--import-rows", type=int, default=100_000, help="residents in one CSV import")
    parser.add_argument("--reports", type=int, default=20, help="rounds of dashboard and list reads")
    parser.add_argument("--settle", type=float, default=15.0, help="seconds idle before each reading")
    args = parser.parse_args()
    with testing.RabbitVhost() as vhost, testing.PostgresDatabases() as databases:
        env = {"AMQP_URI": vhost.uri, "DATABASE_URL": databases.url, "LOG_LEVEL": "WARNING",
               "PII_KEY": Fernet.generate_key().decode(), "PII_HASH_KEY": os.urandom(24).hex()}
        testing.migrate(databases.url, SERVICES)
        metrics = {name: f"127.0.0.1:{testing.free_port()}" for name in SERVICES}
        processes = {name: testing.ServiceProcess([name], testing.free_port(),
                                                  {**env, "METRICS_ADDRESS": metrics[name]})
                     for name in SERVICES}
        try:
            for process in processes.values():
                process.start()
            time.sleep(args.settle)
            idle = {name: memory(p.process.pid)[0] for name, p in processes.items()}
            url = gateway({name: p.port for name, p in processes.items()})
            load(url, testing.admin_token(env), args)
            time.sleep(args.settle)
            after = {name: memory(p.process.pid) for name, p in processes.items()}
        finally:
            for process in processes.values():
                process.stop()
    print(f"{'service':<15}{'idle MiB':>10}{'loaded MiB':>12}{'peak MiB':>10}")
    for name in SERVICES:
        print(f"{name:<15}{idle[name]:>10.0f}{after[name][0]:>12.0f}{after[name][1]:>10.0f}")


if __name__ == "__main__":
    main()
