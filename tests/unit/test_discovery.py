"""Services are found by their manifests, never listed: a new folder with a manifest.py is a service,
one without is not, and the order of backups follows who consumes whose events."""
import sys
import uuid

import pytest

from safecommunity.catalogue import CATALOGUE, assemble
from safecommunity.config import SERVICES
from safecommunity.contracts import EventSpec
from safecommunity.discovery import ManifestInvalid, consumers_first, discover, resolve

MANIFEST = ('from safecommunity.discovery import Manifest\n'
            'MANIFEST = Manifest(name="{name}", summary="s", order={order})\n')


@pytest.fixture
def package(tmp_path, monkeypatch):
    """A package of services of its own, importable, forgotten afterwards."""
    name = f"fake_services_{uuid.uuid4().hex[:8]}"
    (tmp_path / name).mkdir()
    (tmp_path / name / "__init__.py").write_text("")
    monkeypatch.syspath_prepend(str(tmp_path))
    yield name, tmp_path / name
    for module in [m for m in sys.modules if m.startswith(name)]:
        del sys.modules[module]


def service(root, folder, text):
    (root / folder).mkdir()
    (root / folder / "__init__.py").write_text("")
    if text is not None:
        (root / folder / "manifest.py").write_text(text)


def test_a_folder_with_a_manifest_is_a_service_and_one_without_is_not(package):
    name, root = package
    service(root, "dogbites", MANIFEST.format(name="dogbites", order=60))
    service(root, "gas", MANIFEST.format(name="gas", order=10))
    service(root, "helpers", None)
    assert [m.name for m in discover(name)] == ["gas", "dogbites"]  # by their order, then by name
    assert discover(name)[1].events_module == "safecommunity.contracts.dogbites"


def test_a_manifest_named_otherwise_than_its_folder_or_without_one_stops_discovery(package):
    name, root = package
    service(root, "lifts", MANIFEST.format(name="elevators", order=1))
    with pytest.raises(ManifestInvalid, match="named after its folder"):
        discover(name)


def test_the_platforms_services_are_found_in_their_order_and_every_one_publishes_what_the_catalogue_says():
    first = ("registry", "incidents", "projects", "notifications", "reports")
    assert [name for name in SERVICES if name in first] == list(first)  # and any added after them
    assert {spec.producer for spec in CATALOGUE.values()} == set(SERVICES)


def spec(producer, *consumers):
    return EventSpec(f"{producer}.done", producer, None, 1, consumers, "")


def test_consumers_come_before_the_producers_they_hear_from_and_a_cycle_is_refused():
    specs = [spec("a", "b", "c"), spec("b", "c"), spec("c", "c")]
    assert consumers_first(("a", "b", "c"), specs) == ("c", "b", "a")
    assert consumers_first(("a", "b", "c"), []) == ("a", "b", "c")
    with pytest.raises(ValueError, match="cycle"):
        consumers_first(("a", "b"), [spec("a", "b"), spec("b", "a")])
    order = consumers_first(SERVICES, CATALOGUE.values())
    assert all(order.index(c) < order.index(s.producer) for s in CATALOGUE.values() for c in s.consumers
               if c != s.producer)


def test_the_manifests_name_the_key_files_and_folders_the_services_really_keep(tmp_path):
    from services.notifications.contacts import KEY_FILE as CONTACTS_KEY_FILE
    from services.registry.pii import KEY_FILE
    kept = {manifest.name: manifest for manifest in discover()}
    assert kept["registry"].key_files == (KEY_FILE,) and kept["notifications"].key_files == (CONTACTS_KEY_FILE,)
    folders = {archive: resolve(target) for m in kept.values() for archive, target in m.file_archives}
    config = {"DATA_DIR": str(tmp_path), "DATABASE_URL": f"sqlite:///{tmp_path}/{{service}}.db"}
    assert set(folders) == {"attachments.tar", "evidence.tar"}
    assert all(str(folder(config)).startswith(str(tmp_path)) for folder in folders.values())


def test_the_backbone_imports_no_service():
    """safecommunity/ finds services (discovery.py) and never imports one (a template's text aside)."""
    import ast
    from pathlib import Path
    backbone = Path(__file__).parents[2] / "safecommunity"
    found = []
    for path in backbone.rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text())):
            names = [a.name for a in node.names] if isinstance(node, ast.Import) else \
                [node.module or ""] if isinstance(node, ast.ImportFrom) else []
            found += [f"{path.name}: {name}" for name in names if name.startswith("services.")]
    assert found == []


EVENTS = '''from marshmallow import Schema
from safecommunity.contracts import EventSpec
EVENTS = (EventSpec("dogbite.cluster_detected", "{producer}", Schema(), 1, ("reports",), "Bites cluster."),)
'''


def test_a_new_service_publishes_from_its_own_folder_and_consumes_what_it_declares(package):
    name, root = package
    service(root, "dogbites", f'from safecommunity.discovery import Manifest\nMANIFEST = Manifest(name="dogbites", '
                              f'summary="s", events="{name}.dogbites.contracts", consumes=("injury.reported",))\n')
    (root / "dogbites" / "contracts.py").write_text(EVENTS.format(producer="dogbites"))
    catalogue = assemble(discover() + discover(name))
    assert catalogue["dogbite.cluster_detected"].producer == "dogbites"
    assert catalogue["injury.reported"].consumers[-1] == "dogbites"
    assert catalogue["injury.reported"].consumers[:-1] == CATALOGUE["injury.reported"].consumers
    assert "dogbites" not in CATALOGUE["injury.reported"].consumers   # the platform's own is untouched


def test_a_manifest_consuming_what_nobody_publishes_or_publishing_as_another_is_refused(package):
    name, root = package
    service(root, "dogbites", f'from safecommunity.discovery import Manifest\nMANIFEST = Manifest(name="dogbites", '
                              f'summary="s", events="{name}.dogbites.contracts", consumes=("dog.barked",))\n')
    (root / "dogbites" / "contracts.py").write_text(EVENTS.format(producer="dogbites"))
    with pytest.raises(ManifestInvalid, match="no service publishes"):
        assemble(discover(name))
    (root / "dogbites" / "contracts.py").write_text(EVENTS.format(producer="incidents"))
    sys.modules.pop(f"{name}.dogbites.contracts", None)
    with pytest.raises(ManifestInvalid, match="not dogbites's"):
        assemble(discover(name))
