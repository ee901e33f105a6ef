"""The catalogue and the code agree: who produces, who consumes, with which schema."""
import inspect
import re
from pathlib import Path

import pytest
from marshmallow import EXCLUDE
from nameko.extensions import ENTRYPOINT_EXTENSIONS_ATTR

from safecommunity.catalogue import CATALOGUE
from safecommunity.config import SERVICES
from safecommunity.consumer import ALL, EventHandler
from safecommunity.runner import service_class

SERVICES_DIR = Path(__file__).resolve().parents[2] / "services"
EVENT_TYPE = re.compile(r"""["']([a-z_]+\.[a-z_]+)["']""")


def handled_types(service):
    types = set()
    for _, method in inspect.getmembers(service_class(service), inspect.isfunction):
        for entrypoint in getattr(method, ENTRYPOINT_EXTENSIONS_ATTR, ()):
            if isinstance(entrypoint, EventHandler):
                types.update(entrypoint.types)
    return types


def recorded_types(service):
    """Event types a service's aggregates record (the only place events are made)."""
    found = set()
    for source in (SERVICES_DIR / service).glob("*.py"):
        for call in re.findall(r"record\(\s*([^,]+),", source.read_text()):
            if EVENT_TYPE.match(call):
                found.add(EVENT_TYPE.match(call).group(1))
    return found


@pytest.mark.parametrize("service", SERVICES)
def test_a_service_consumes_exactly_what_the_catalogue_says(service):
    listed = {spec.type for spec in CATALOGUE.values() if service in spec.consumers}
    handled = handled_types(service)
    if ALL in handled:
        assert listed == set(CATALOGUE), f"{service} takes every event; list it as a consumer of all"
    else:
        assert handled == listed


@pytest.mark.parametrize("service", SERVICES)
def test_a_service_produces_exactly_what_the_catalogue_says(service):
    listed = {spec.type for spec in CATALOGUE.values() if spec.producer == service}
    assert recorded_types(service) == listed


def test_every_payload_schema_is_a_tolerant_reader():
    for spec in CATALOGUE.values():
        assert spec.schema.unknown == EXCLUDE, spec.type
        assert spec.type.count(".") == 1 and spec.version >= 1 and spec.summary


def test_every_consumer_is_a_service():
    assert {c for spec in CATALOGUE.values() for c in spec.consumers} <= set(SERVICES)


def test_the_readme_shows_the_catalogue_as_it_is():
    from safecommunity.catalogue import as_markdown
    readme = (SERVICES_DIR.parent / "README.md").read_text()
    shown = readme.split("<!-- BEGIN generated: catalogue (safecommunity deployfiles) -->\n", 1)[1].split(
        "\n<!-- END generated: catalogue -->", 1)[0]
    assert shown == as_markdown(), "paste the output of `safecommunity catalogue` into the README"
