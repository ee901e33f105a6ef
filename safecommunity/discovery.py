"""How the backbone finds the services: every package under `services/` with a `manifest.py`
holding its MANIFEST. Nothing in the backbone names a service; the runner, `migrate`, the CLI, the
catalogue, the broker's queues and the backups take what is found here. A folder without a
manifest is not a service (a helper package, say)."""
import dataclasses
import functools
import importlib
import pkgutil
from dataclasses import dataclass


@dataclass(frozen=True)
class Deployment:
    """What sets one service's deployment apart (safecommunity/deployfiles.py writes the files)."""
    memory: tuple = ("128Mi", "256Mi")  # request, limit (deploy/k8s/README.md, "Memory: measured")
    replicas: tuple = (2, 6)            # the autoscaler's min and max
    queues: tuple = ()                  # (queue, length per replica) it scales on besides <name>.events
    compose: str = ""                   # more keys of its compose service
    env: str = ""                       # its app container's env (Kubernetes)
    mounts: str = ""                    # more volumeMounts of its app container (Kubernetes)
    volumes: str = ""                   # more volumes of its pod (Kubernetes)


@dataclass(frozen=True)
class Manifest:
    name: str             # the folder's name: its queue, its database and its URL prefix (/api/<name>/)
    summary: str          # one line, for listings and --help
    order: int = 100      # where it stands in listings and start-up, lower first (then by name)
    events: str = ""      # the module whose EVENTS it publishes; "": safecommunity.contracts.<name>
    consumes: tuple = ()  # event types it consumes that their producer's EVENTS do not list (catalogue.py)
    scopes: dict = dataclasses.field(default_factory=dict)  # the scopes its routes declare: {scope: (English, 中文)}
    # what a backup keeps besides the database: embedded mode's key files, kept beside the database
    # (without them what they sealed cannot be read), and folders of files, each as (the archive's
    # name in the backup, "module:function" giving the folder from the platform's config)
    key_files: tuple = ()
    file_archives: tuple = ()
    deployment: Deployment = Deployment()   # memory, replicas, more queues, env, volumes: defaults if none

    @property
    def events_module(self):
        return self.events or f"safecommunity.contracts.{self.name}"


class ManifestInvalid(ValueError):
    pass


@functools.cache
def discover(package="services"):
    """The services' manifests, in order."""
    root, found = importlib.import_module(package), []
    for info in pkgutil.iter_modules(root.__path__):
        if not info.ispkg:
            continue
        name = f"{package}.{info.name}.manifest"
        try:
            module = importlib.import_module(name)
        except ModuleNotFoundError as exc:
            if exc.name == name:
                continue
            raise
        manifest = getattr(module, "MANIFEST", None)
        if not isinstance(manifest, Manifest):
            raise ManifestInvalid(f"{name} has no MANIFEST = Manifest(...)")
        if manifest.name != info.name:
            raise ManifestInvalid(f"{name} names itself {manifest.name!r}: a service is named after its folder")
        found.append(manifest)
    return tuple(sorted(found, key=lambda m: (m.order, m.name)))


def resolve(target):
    """The object a "module:name" string names."""
    module, _, name = target.partition(":")
    return getattr(importlib.import_module(module), name)


def service_names(package="services"):
    return tuple(manifest.name for manifest in discover(package))


def consumers_first(names, specs):
    """`names` ordered so that every consumer of an event comes before its producer (a service that
    consumes its own events aside); ties keep the given order. Raises on a cycle."""
    before = {name: set() for name in names}   # name -> the names that must come before it
    for spec in specs:
        for consumer in spec.consumers:
            if consumer != spec.producer and consumer in before and spec.producer in before:
                before[spec.producer].add(consumer)
    ordered = []
    while len(ordered) < len(names):
        ready = [name for name in names if name not in ordered and before[name] <= set(ordered)]
        if not ready:
            raise ValueError(f"services consume each other's events in a cycle: {sorted(set(names) - set(ordered))}")
        ordered.append(ready[0])
    return tuple(ordered)
