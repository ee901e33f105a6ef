"""The event catalogue: every event type, who produces it, its payload schema and version, who
consumes it. tests/test_catalogue.py keeps this table and the services' code in step."""
from dataclasses import dataclass

from marshmallow import Schema

from . import contracts


@dataclass(frozen=True)
class EventSpec:
    type: str
    producer: str
    schema: Schema
    version: int
    consumers: tuple
    summary: str


CATALOGUE = {spec.type: spec for spec in (
    EventSpec("grid.created", "registry", contracts.GridCreatedSchema(), 1, ("incidents", "reports"),
              "A grid (any level of the hierarchy) was created."),
    EventSpec("resident.registered", "registry", contracts.ResidentRegisteredSchema(), 1, ("reports",),
              "A resident was registered in a grid (no name or ID number: sex, birth year, residence type)."),
    EventSpec("injury.reported", "incidents", contracts.InjuryReportedSchema(), 1,
              ("reports", "notifications"),
              "A hospital or health centre reported an injury case (no patient identity)."),
    EventSpec("project.created", "projects", contracts.ProjectCreatedSchema(), 1, ("reports",),
              "A safety-promotion project was created."),
    EventSpec("notification.sent", "notifications", contracts.NotificationSentSchema(), 1, ("reports",),
              "A notification was delivered on a channel and written to the delivery log."),
)}


def spec_for(type_):
    return CATALOGUE[type_]


def as_markdown():
    """The catalogue as the Markdown table in the README (a test keeps the two equal)."""
    lines = ["| event type | version | producer | consumers | what happened |", "|---|---|---|---|---|"]
    for spec in CATALOGUE.values():
        lines.append(f"| `{spec.type}` | {spec.version} | {spec.producer} | {', '.join(spec.consumers)} "
                     f"| {spec.summary} |")
    return "\n".join(lines)
