"""The event catalogue: every event type, who produces it, its payload schema and version, who
consumes it. Each discovered service's manifest names the module of the events it publishes (for
the first five, safecommunity/contracts/<producer>.py; a new one keeps its own in its folder) and
may name event types it consumes that their producer does not list, so a new area consumes
`injury.reported` without a line in the incidents' contract. tests/unit/test_catalogue.py keeps
this table and the services' code in step."""
import dataclasses
import importlib

from .contracts import EventSpec
from .discovery import ManifestInvalid, discover

__all__ = ["CATALOGUE", "EventSpec", "as_markdown", "assemble", "spec_for"]


def assemble(manifests):
    """{type: EventSpec} of what the manifests' services publish, with the consumers each declares."""
    specs = {}
    for manifest in manifests:
        for spec in importlib.import_module(manifest.events_module).EVENTS:
            if spec.producer != manifest.name:
                raise ManifestInvalid(f"{manifest.events_module} lists {spec.type} as {spec.producer}'s, "
                                      f"not {manifest.name}'s")
            specs[spec.type] = spec
    for manifest in manifests:
        for type_ in manifest.consumes:
            if type_ not in specs:
                raise ManifestInvalid(f"{manifest.name} consumes {type_}, which no service publishes")
            if manifest.name not in specs[type_].consumers:
                specs[type_] = dataclasses.replace(specs[type_], consumers=specs[type_].consumers + (manifest.name,))
    return specs


CATALOGUE = assemble(discover())


def spec_for(type_):
    return CATALOGUE[type_]


def as_markdown():
    """The catalogue as the Markdown table in the README (a test keeps the two equal)."""
    lines = ["| event type | version | producer | consumers | what happened |", "|---|---|---|---|---|"]
    for spec in CATALOGUE.values():
        lines.append(f"| `{spec.type}` | {spec.version} | {spec.producer} | {', '.join(spec.consumers)} "
                     f"| {spec.summary} |")
    return "\n".join(lines)
