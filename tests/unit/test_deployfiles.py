"""The deployment files' per-service lines are generated from the services found
(safecommunity/deployfiles.py): the committed files are what `safecommunity deployfiles` writes,
and a new service shows up in each of them, built and checked as the real ones are."""
import re
import shutil
import subprocess
from pathlib import Path
from types import SimpleNamespace

import pytest
import yaml

from safecommunity.catalogue import CATALOGUE
from safecommunity.cli import build_parser
from safecommunity.config import SERVICES
from safecommunity.deployfiles import RegionMissing, files, render, rendered, update

ROOT = Path(__file__).resolve().parents[2]
NEW = "dogbites"  # a made-up sixth service that consumes injury.reported


def new_service_files(consumes=True):
    catalogue = {**CATALOGUE, "dogbite.fake": SimpleNamespace(consumers=(NEW,) if consumes else ())}
    current = {path: (ROOT / path).read_text(encoding="utf-8") for path in files()}
    return rendered(current, (*SERVICES, NEW), catalogue)


def documents(text):
    return {(doc["kind"], doc["metadata"]["name"]): doc for doc in yaml.safe_load_all(text) if doc}


def copy_with(tmp_path, texts):
    """A copy of the repository's deployment files (and README) with `texts` (path: text) written over them."""
    shutil.copytree(ROOT / "deploy", tmp_path / "deploy")
    shutil.copy(ROOT / "docker-compose.yml", tmp_path)
    shutil.copy(ROOT / "README.md", tmp_path)
    for path, text in texts.items():
        (tmp_path / path).write_text(text, encoding="utf-8")
    return tmp_path


def test_the_committed_files_are_what_safecommunity_deployfiles_writes():
    assert update(ROOT, SERVICES, CATALOGUE, check=True) == [], "run `safecommunity deployfiles` and commit"


def test_check_lists_a_file_that_differs_and_exits_1_and_writing_puts_it_back(tmp_path, capsys):
    root = copy_with(tmp_path, {})
    sql = root / "deploy" / "postgres-init.sql"
    sql.write_text(sql.read_text().replace("CREATE DATABASE safecommunity_projects;\n", ""))
    check = build_parser().parse_args(["deployfiles", "--check", "--root", str(root)])
    assert check.command(check) == 1
    assert "deploy/postgres-init.sql differs" in capsys.readouterr().out
    write = build_parser().parse_args(["deployfiles", "--root", str(root)])
    assert write.command(write) == 0
    assert sql.read_text() == (ROOT / "deploy" / "postgres-init.sql").read_text()
    assert update(root, SERVICES, CATALOGUE, check=True) == []


def test_a_file_that_lost_its_marker_lines_is_refused_not_left_as_it_is():
    text = (ROOT / "deploy" / "prometheus.yml").read_text().replace("# END generated: services", "# the end")
    with pytest.raises(RegionMissing, match="prometheus.yml"):
        render("deploy/prometheus.yml", text, SERVICES, CATALOGUE)


def test_a_new_service_gets_its_compose_service_database_scrape_target_and_alert():
    texts = new_service_files()
    compose = yaml.safe_load(texts["docker-compose.yml"])["services"]
    assert compose[NEW]["command"] == ["safecommunity", "run", "--service", NEW, "--port", "8080", "--no-migrate"]
    assert compose[NEW]["healthcheck"] == compose["projects"]["healthcheck"]  # the shared x-service anchor
    assert f"CREATE DATABASE safecommunity_{NEW};" in texts["deploy/postgres-init.sql"].splitlines()
    jobs = yaml.safe_load(texts["deploy/prometheus.yml"])["scrape_configs"]
    (job,) = [j for j in jobs if j["job_name"] == "safecommunity"]
    assert job["dns_sd_configs"][0]["names"] == [*SERVICES, NEW]
    rules = yaml.safe_load(texts["deploy/alert-rules.yml"])["groups"][0]["rules"]
    (down,) = [rule for rule in rules if rule["alert"] == "SafeCommunityServiceDown"]
    assert f'absent(up{{job="safecommunity", service="{NEW}"}})' in down["expr"]


def test_with_a_new_service_the_alert_rules_still_pass_their_unit_tests(tmp_path):
    root = copy_with(tmp_path, new_service_files())
    promtool = shutil.which("promtool")
    assert promtool, "promtool is missing: apt-get install prometheus (.ci/run does)"
    done = subprocess.run([promtool, "test", "rules", "alert-rules.test.yml"], cwd=root / "deploy",
                          capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stdout + done.stderr
    assert NEW in (root / "deploy" / "alert-rules.test.yml").read_text()


@pytest.mark.parametrize("consumes", [True, False])
def test_a_new_service_is_deployed_routed_scaled_and_protected_on_kubernetes(tmp_path, consumes):
    kubectl = shutil.which("kubectl")
    assert kubectl, "kubectl not found (Debian: kubernetes-client)"
    root = copy_with(tmp_path, new_service_files(consumes))
    built = subprocess.run([kubectl, "kustomize", str(root / "deploy/k8s/overlays/production")],
                           capture_output=True, text=True, timeout=120)
    assert built.returncode == 0, built.stderr
    objects = documents(built.stdout)
    app = objects["Deployment", NEW]["spec"]["template"]["spec"]["containers"][0]
    assert app["command"][:4] == ["safecommunity", "run", "--service", NEW]
    assert app["resources"]["limits"]["memory"] == "256Mi"  # the defaults for a service not in the table
    assert objects["Service", NEW]["spec"]["selector"]["app.kubernetes.io/name"] == NEW
    (rule,) = objects["Ingress", "safecommunity"]["spec"]["rules"]
    routes = {path["path"]: path["backend"]["service"]["name"] for path in rule["http"]["paths"]}
    assert routes[f"/api/{NEW}"] == NEW and routes["/"] == "reports"
    assert objects["Database", f"safecommunity-{NEW}"]["spec"]["name"] == f"safecommunity_{NEW}"
    assert ("PodDisruptionBudget", NEW) in objects
    if consumes:
        triggers = objects["ScaledObject", NEW]["spec"]["triggers"]
        assert [t["metadata"].get("queueName") for t in triggers] == [None, f"{NEW}.events"]
        assert ("HorizontalPodAutoscaler", NEW) not in objects
    else:
        assert objects["HorizontalPodAutoscaler", NEW]["spec"]["scaleTargetRef"]["name"] == NEW
        assert ("ScaledObject", NEW) not in objects


def test_the_gateway_routes_a_new_service_by_its_name_with_no_line_for_it():
    conf = (ROOT / "deploy" / "nginx.conf").read_text()
    assert NEW not in conf and "incidents|" not in conf
    patterns = re.findall(r"location ~ (\S+) \{\s+set \$upstream_service \$1;", conf)
    assert patterns and all(re.match(pattern, f"/api/{NEW}/bites?grid=1") for pattern in patterns)
    assert not any(re.match(pattern, "/api/evil.example.com/") for pattern in patterns)
