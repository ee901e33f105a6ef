"""deploy/k8s's per-service objects (safecommunity/deployfiles.py writes them into the files)."""
from string import Template

from .deployfiles import EVENTS_QUEUE_LENGTH, consumers, deployment, indented

DEPLOYMENT = Template("""\
---
apiVersion: apps/v1
kind: Deployment
metadata:
  name: $name
  labels: {app.kubernetes.io/name: $name, app.kubernetes.io/component: service}
spec:
  # No replicas: the autoscaler owns the count (a fixed one here would reset it on every apply).
  revisionHistoryLimit: 5
  selector:
    matchLabels: {app.kubernetes.io/name: $name}
  strategy:
    rollingUpdate: {maxSurge: 1, maxUnavailable: 0}
  template:
    metadata:
      labels: {app.kubernetes.io/name: $name, app.kubernetes.io/component: service}
      annotations:
        prometheus.io/scrape: "true"
        prometheus.io/port: "9100"
        prometheus.io/path: /metrics
    spec:
      terminationGracePeriodSeconds: 30
      automountServiceAccountToken: false
      securityContext:
        runAsNonRoot: true
        runAsUser: 10001
        runAsGroup: 10001
        fsGroup: 10001
        fsGroupChangePolicy: OnRootMismatch
        seccompProfile: {type: RuntimeDefault}
      initContainers:
        # The ordering: the service container starts only once this has exited 0 (see the README).
        - name: migrate
          image: safecommunity:latest
          command: [safecommunity, migrate, --service, $name]
          envFrom:
            - configMapRef: {name: safecommunity-config}
            - secretRef: {name: safecommunity-connections}
          resources: &resources
            requests: {cpu: 250m, memory: $request}
            limits: {cpu: "1", memory: $limit}
          securityContext: &securityContext
            allowPrivilegeEscalation: false
            readOnlyRootFilesystem: true
            capabilities: {drop: [ALL]}
          volumeMounts:
            - {name: tmp, mountPath: /tmp}
      containers:
        - name: app
          image: safecommunity:latest
          command: [safecommunity, run, --service, $name, --port, "8080", --no-migrate]
          ports:
            - {name: http, containerPort: 8080}
            - {name: metrics, containerPort: 9100}
          envFrom:
            - configMapRef: {name: safecommunity-config}
            - secretRef: {name: safecommunity-connections}
${env}          startupProbe:
            httpGet: {path: /health, port: http}
            periodSeconds: 2
            failureThreshold: 30
          readinessProbe:
            httpGet: {path: /ready, port: http}
            periodSeconds: 10
            timeoutSeconds: 5
            failureThreshold: 3
          livenessProbe:
            httpGet: {path: /health, port: http}
            periodSeconds: 15
            timeoutSeconds: 5
            failureThreshold: 3
          resources: *resources
          securityContext: *securityContext
          volumeMounts:
            - {name: tmp, mountPath: /tmp}
${mounts}      volumes:
        - name: tmp
          emptyDir: {sizeLimit: 256Mi}
${volumes}""")

SERVICE = Template("""\
---
apiVersion: v1
kind: Service
metadata:
  name: $name
  labels: {app.kubernetes.io/name: $name, app.kubernetes.io/component: service}
spec:
  selector: {app.kubernetes.io/name: $name}
  ports:
    - {name: http, port: 80, targetPort: http}
    - {name: metrics, port: 9100, targetPort: metrics}
""")

INGRESS_PATH = Template("""\
          - path: /api/$name
            pathType: Prefix
            backend: {service: {name: $name, port: {name: http}}}
""")

HPA = Template("""\
---
apiVersion: autoscaling/v2
kind: HorizontalPodAutoscaler
metadata:
  name: $name
spec:
  scaleTargetRef: {apiVersion: apps/v1, kind: Deployment, name: $name}
  minReplicas: $min
  maxReplicas: $max
  metrics:
    - type: Resource
      resource:
        name: cpu
        target: {type: Utilization, averageUtilization: 80}
""")

SCALED_OBJECT = Template("""\
---
apiVersion: keda.sh/v1alpha1
kind: ScaledObject
metadata:
  name: $name
spec:
  scaleTargetRef: {apiVersion: apps/v1, kind: Deployment, name: $name}
  minReplicaCount: $min
  maxReplicaCount: $max
  pollingInterval: 15
  cooldownPeriod: 300
  triggers:
    - type: cpu
      metricType: Utilization
      metadata: {value: "80"}
$queues""")

QUEUE_TRIGGER = Template("""\
    - type: rabbitmq
      authenticationRef: {name: safecommunity-broker}
      metadata:
        protocol: amqp
        host: amqp://safecommunity-broker:5672/
        vhostName: /
        queueName: $queue
        mode: QueueLength
        value: "$length"
""")

DATABASE = Template("""\
---
apiVersion: postgresql.cnpg.io/v1
kind: Database
metadata:
  name: safecommunity-$name
spec:
  cluster: {name: safecommunity-db}
  name: safecommunity_$name
  owner: safecommunity
  # Deleting this object (or the overlay) must never drop a service's data.
  databaseReclaimPolicy: retain
""")

BUDGET = Template("""\
---
apiVersion: policy/v1
kind: PodDisruptionBudget
metadata:
  name: $name
spec:
  maxUnavailable: 1
  selector:
    matchLabels: {app.kubernetes.io/name: $name}
""")


def each(template, names, **values):
    return "".join(template.substitute(name=name, **values) for name in names)


def deployments(names, catalogue):
    return "".join(DEPLOYMENT.substitute(
        name=name, request=deployment(name).memory[0], limit=deployment(name).memory[1],
        env=indented("env:\n" + indented(deployment(name).env, 2), 10) if deployment(name).env else "",
        mounts=indented(deployment(name).mounts, 12), volumes=indented(deployment(name).volumes, 8),
    ) for name in names)


def services(names, catalogue):
    return each(SERVICE, names)


def ingress_paths(names, catalogue):
    return each(INGRESS_PATH, names)


def cpu_autoscalers(names, catalogue):
    return "".join(HPA.substitute(name=name, min=deployment(name).replicas[0], max=deployment(name).replicas[1])
                   for name in names if name not in consumers(catalogue))


def scaled_objects(names, catalogue):
    return "".join(SCALED_OBJECT.substitute(
        name=name, min=deployment(name).replicas[0], max=deployment(name).replicas[1],
        queues="".join(QUEUE_TRIGGER.substitute(queue=queue, length=length) for queue, length in queues_of(name)),
    ) for name in names if name in consumers(catalogue))


def queues_of(name):
    return ((f"{name}.events", EVENTS_QUEUE_LENGTH), *deployment(name).queues)


def databases(names, catalogue):
    return each(DATABASE, names)


def disruption_budgets(names, catalogue):
    return each(BUDGET, names)


FILES = {  # under deploy/k8s: the region "services" of each
    "base/deployments.yaml": deployments,
    "base/services.yaml": services,
    "base/ingress.yaml": ingress_paths,
    "components/autoscaling/hpa.yaml": cpu_autoscalers,
    "components/autoscaling/scaledobjects.yaml": scaled_objects,
    "components/operators/postgres.yaml": databases,
    "overlays/production/pdb.yaml": disruption_budgets,
}
