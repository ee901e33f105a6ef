"""deploy/k8s: every overlay builds with `kubectl kustomize`, every object it makes is valid offline
(core kinds against Kubernetes' own schemas, strict; the operators' kinds against cut-down copies of
their CRDs in k8s_crds/), and every service found in services/ is deployed, probed, scraped, sized,
scaled and (in production) protected from disruption."""
import copy
import re
import shutil
import subprocess
from functools import cache
from pathlib import Path

import jsonschema
import kubernetes_validate
import pytest
import yaml

from safecommunity.catalogue import CATALOGUE

ROOT = Path(__file__).resolve().parents[2]
K8S = ROOT / "deploy" / "k8s"
CRDS = Path(__file__).parent / "k8s_crds"
KUBERNETES = "1.32.0"  # the version the manifests are checked against: the kubectl CI builds them with
OVERLAYS = ("single-node", "production")
SERVICES = sorted(path.parent.name for path in (ROOT / "services").glob("*/service.py"))
BROKER, DATABASE = "safecommunity-broker", "safecommunity-db"  # the RabbitmqCluster's and the CNPG Cluster's names


def consumed_queues():
    """Queue names by consuming service: <service>.events from the catalogue, and incidents' intake."""
    from services.incidents.amqp_intake import QUEUE as INTAKE

    queues = {}
    for spec in CATALOGUE.values():
        for consumer in spec.consumers:
            queues.setdefault(consumer, {f"{consumer}.events"})
    queues["incidents"].add(INTAKE)
    return queues


@cache
def build(overlay):
    kubectl = shutil.which("kubectl")
    assert kubectl, "kubectl not found: deploy/k8s is built with `kubectl kustomize` (Debian: kubernetes-client)"
    built = subprocess.run([kubectl, "kustomize", str(K8S / "overlays" / overlay)],
                           capture_output=True, text=True, timeout=120)
    assert built.returncode == 0, f"kubectl kustomize {overlay} failed:\n{built.stderr}"
    return tuple(doc for doc in yaml.safe_load_all(built.stdout) if doc)


def objects(overlay, kind):
    return {obj["metadata"]["name"]: obj for obj in build(overlay) if obj["kind"] == kind}


@cache
def crd_validator(api_version, kind):
    path = CRDS / f"{api_version.replace('/', '_')}_{kind}.yaml"
    if not path.exists():
        return None
    schema = {**yaml.safe_load(path.read_text()), "$defs": yaml.safe_load((CRDS / "_definitions.yaml").read_text())}
    jsonschema.Draft202012Validator.check_schema(schema)
    return jsonschema.Draft202012Validator(schema)


def problems(obj):
    """What is wrong with one built object, [] if nothing."""
    try:
        kubernetes_validate.validate(obj, KUBERNETES, strict=True)
        return []
    except kubernetes_validate.ValidationError as error:
        return [f"{'.'.join(map(str, error.path))}: {error.message}"]
    except kubernetes_validate.SchemaNotFoundError:
        validator = crd_validator(obj["apiVersion"], obj["kind"])
        if validator is None:
            return [f"no schema for {obj['apiVersion']} {obj['kind']}: add a cut-down CRD to {CRDS.name}/"]
        return [f"{'.'.join(map(str, error.path))}: {error.message}" for error in validator.iter_errors(obj)]


def pod_spec(deployment):
    return deployment["spec"]["template"]["spec"]


def app_container(deployment):
    (container,) = [c for c in pod_spec(deployment)["containers"] if c["name"] == "app"]
    return container


def config(overlay):
    (configmap,) = objects(overlay, "ConfigMap").values()
    return configmap["data"]


def env_values(container):
    return {e["name"]: e.get("value", e.get("valueFrom")) for e in container.get("env", [])}


@pytest.mark.parametrize("overlay", OVERLAYS)
def test_every_object_an_overlay_builds_is_valid_against_its_schema(overlay):
    found = {f"{obj['kind']}/{obj['metadata']['name']}": problems(obj) for obj in build(overlay)}
    assert {name: found_ for name, found_ in found.items() if found_} == {}
    kinds = {obj["kind"] for obj in build(overlay)}
    assert {"RabbitmqCluster", "Cluster", "Database", "ScaledObject", "TriggerAuthentication"} <= kinds


def test_a_mistyped_field_or_a_wrong_type_is_caught_in_core_and_custom_objects():
    deployment = copy.deepcopy(objects("production", "Deployment")["incidents"])
    app = app_container(deployment)
    app["readinessProbes"] = app.pop("readinessProbe")
    assert problems(deployment) and "readinessProbes" in problems(deployment)[0]
    scaled = copy.deepcopy(objects("production", "ScaledObject")["incidents"])
    scaled["spec"]["minReplicas"] = scaled["spec"].pop("minReplicaCount")
    assert any("minReplicas" in problem for problem in problems(scaled))
    broker = copy.deepcopy(objects("production", "RabbitmqCluster")[BROKER])
    broker["spec"]["replicas"] = "three"
    assert problems(broker)


@pytest.mark.parametrize("overlay", OVERLAYS)
def test_every_service_has_its_deployment_service_probes_scrape_annotations_and_resources(overlay):
    deployments, services = objects(overlay, "Deployment"), objects(overlay, "Service")
    metrics_port = config(overlay)["METRICS_ADDRESS"].rsplit(":", 1)[1]
    assert set(deployments) == set(SERVICES)
    for name in SERVICES:
        deployment = deployments[name]
        app = app_container(deployment)
        assert app["command"][:4] == ["safecommunity", "run", "--service", name]
        ports = {port["name"]: port["containerPort"] for port in app["ports"]}
        assert app["command"][app["command"].index("--port") + 1] == str(ports["http"])
        assert config(overlay)["WEB_SERVER_ADDRESS"].endswith(f":{ports['http']}")
        assert app["readinessProbe"]["httpGet"] == {"path": "/ready", "port": "http"}, name
        assert app["livenessProbe"]["httpGet"] == {"path": "/health", "port": "http"}, name
        annotations = deployment["spec"]["template"]["metadata"]["annotations"]
        assert annotations["prometheus.io/scrape"] == "true"
        assert annotations["prometheus.io/path"] == "/metrics"
        assert annotations["prometheus.io/port"] == metrics_port == str(ports["metrics"])
        for container in pod_spec(deployment)["containers"] + pod_spec(deployment)["initContainers"]:
            assert {"cpu", "memory"} <= set(container["resources"]["requests"]) & set(container["resources"]["limits"])
            assert container["securityContext"]["readOnlyRootFilesystem"] is True
            assert container["securityContext"]["capabilities"] == {"drop": ["ALL"]}
            assert container["securityContext"]["allowPrivilegeEscalation"] is False
        assert pod_spec(deployment)["securityContext"]["runAsNonRoot"] is True
        pod_labels = deployment["spec"]["template"]["metadata"]["labels"]
        assert services[name]["spec"]["selector"].items() <= pod_labels.items()
        assert {port["name"] for port in services[name]["spec"]["ports"]} == {"http", "metrics"}


def test_the_stop_grace_period_is_the_one_compose_gives():
    compose = yaml.safe_load((ROOT / "docker-compose.yml").read_text())
    grace = int(re.fullmatch(r"(\d+)s", compose["x-service"]["stop_grace_period"]).group(1))
    for overlay in OVERLAYS:
        deployments = objects(overlay, "Deployment").values()
        assert {pod_spec(d)["terminationGracePeriodSeconds"] for d in deployments} == {grace}


@pytest.mark.parametrize("overlay", OVERLAYS)
def test_the_ingress_routes_each_service_under_its_api_path_and_the_rest_to_reports(overlay):
    (ingress,) = objects(overlay, "Ingress").values()
    (rule,) = ingress["spec"]["rules"]
    routes = {path["path"]: path["backend"]["service"]["name"] for path in rule["http"]["paths"]}
    assert routes == {**{f"/api/{name}": name for name in SERVICES}, "/": "reports"}


@pytest.mark.parametrize("overlay", OVERLAYS)
def test_every_service_migrates_before_it_starts(overlay):
    for name, deployment in objects(overlay, "Deployment").items():
        assert [c["command"] for c in pod_spec(deployment)["initContainers"]] == [
            ["safecommunity", "migrate", "--service", name]]
        assert "--no-migrate" in app_container(deployment)["command"]
    (job,) = objects(overlay, "Job").values()
    assert job["spec"]["template"]["spec"]["containers"][0]["command"] == ["safecommunity", "migrate"]


@pytest.mark.parametrize("overlay", OVERLAYS)
def test_every_service_scales_on_cpu_and_every_consumer_on_its_queues_too(overlay):
    hpas, scaled = objects(overlay, "HorizontalPodAutoscaler"), objects(overlay, "ScaledObject")
    queues = consumed_queues()
    for name in SERVICES:
        if name in queues:
            # KEDA makes the HPA of a ScaledObject and refuses a second one on the same Deployment
            assert name not in hpas
            spec = scaled[name]["spec"]
            assert spec["scaleTargetRef"] == {"apiVersion": "apps/v1", "kind": "Deployment", "name": name}
            triggers = spec["triggers"]
            assert any(t["type"] == "cpu" and t["metricType"] == "Utilization" for t in triggers)
            rabbit = [t for t in triggers if t["type"] == "rabbitmq"]
            assert {t["metadata"]["queueName"] for t in rabbit} == queues[name]
            assert {t["metadata"]["host"].split("//")[1].split(":")[0] for t in rabbit} == {BROKER}
        else:
            assert name not in scaled
            hpa = hpas[name]["spec"]
            assert hpa["scaleTargetRef"]["name"] == name
            assert [m["resource"]["name"] for m in hpa["metrics"]] == ["cpu"]
    (auth,) = objects(overlay, "TriggerAuthentication").values()
    assert {ref["name"] for ref in auth["spec"]["secretTargetRef"]} == {f"{BROKER}-default-user"}


def test_production_keeps_a_disruption_budget_for_every_service():
    budgets = objects("production", "PodDisruptionBudget")
    assert {name: b["spec"]["selector"]["matchLabels"] for name, b in budgets.items()} == {
        name: {"app.kubernetes.io/name": name} for name in SERVICES}


def test_production_runs_quorum_queues_on_three_broker_nodes_and_three_database_instances():
    assert config("production")["AMQP_QUEUE_TYPE"] == "quorum"
    assert objects("production", "RabbitmqCluster")[BROKER]["spec"]["replicas"] == 3
    assert objects("production", "Cluster")[DATABASE]["spec"]["instances"] == 3


@pytest.mark.parametrize("overlay", OVERLAYS)
def test_the_services_connect_to_the_broker_and_databases_the_operators_make(overlay):
    initdb = objects(overlay, "Cluster")[DATABASE]["spec"]["bootstrap"]["initdb"]
    databases = {d["spec"]["name"] for d in objects(overlay, "Database").values()
                 if d["spec"]["cluster"]["name"] == DATABASE and d["spec"]["owner"] == initdb["owner"]}
    assert databases | {initdb["database"]} == {
        f"safecommunity_{name}" for name in [*SERVICES, "access"]}
    for deployment in objects(overlay, "Deployment").values():
        for container in pod_spec(deployment)["containers"] + pod_spec(deployment)["initContainers"]:
            env = env_values(container)
            assert f"@{BROKER}:5672/" in env["AMQP_URI"]
            assert f"@{DATABASE}-rw:5432/safecommunity_{{service}}" in env["DATABASE_URL"]
            assert env["DATABASE_URL"].startswith("postgresql+psycopg2://")
            secrets = {value["secretKeyRef"]["name"] for value in env.values() if isinstance(value, dict)}
            assert {f"{BROKER}-default-user", f"{DATABASE}-app"} <= secrets
