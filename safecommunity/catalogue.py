"""The event catalogue: every event type, who produces it, its payload schema and version, who
consumes it. Each discovered service's manifest names the module of the events it publishes (today
safecommunity/contracts/<producer>.py); tests/unit/test_catalogue.py keeps this table and the
services' code in step."""
import importlib

from .contracts import EventSpec
from .discovery import discover

__all__ = ["CATALOGUE", "EventSpec", "as_markdown", "spec_for"]

CATALOGUE = {spec.type: spec for manifest in discover()
             for spec in importlib.import_module(manifest.events_module).EVENTS}


def spec_for(type_):
    return CATALOGUE[type_]


def as_markdown():
    """The catalogue as the Markdown table in the README (a test keeps the two equal)."""
    lines = ["| event type | version | producer | consumers | what happened |", "|---|---|---|---|---|"]
    for spec in CATALOGUE.values():
        lines.append(f"| `{spec.type}` | {spec.version} | {spec.producer} | {', '.join(spec.consumers)} "
                     f"| {spec.summary} |")
    return "\n".join(lines)
