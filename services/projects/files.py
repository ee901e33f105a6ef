"""The projects service's dependencies with I/O beyond its database: its settings, the evidence
files on disk (the backbone's content store, with a cap and types read from content), and the
project templates read from their files at start."""
import json
from pathlib import Path

import yaml
from marshmallow import ValidationError
from nameko.extensions import DependencyProvider

from safecommunity.errors import InvalidRequest
from safecommunity.filestore import ContentStore, data_folder
from safecommunity.settings import service_setting

from .evidence import detect_type
from .schemas.templates import TemplateSchema
from .templates import SHIPPED, Template, TemplateInvalid, problems_of

# Settings of this service alone, with their defaults: the nameko config first, then the environment.
SETTINGS = {
    "EVIDENCE_DIR": "",                        # empty: <data folder>/attachments/projects
    "EVIDENCE_MAX_BYTES": 10 * 1024 * 1024,    # at most MAX_UPLOAD_BYTES less a multipart envelope
    "PROJECT_TEMPLATES_DIR": "",               # a site's own templates (*.yaml, *.yml, *.json) beside the shipped
}


def setting(config, name):
    return service_setting(SETTINGS, config, name)


class EvidenceFiles(ContentStore):
    """Files kept by content (sha256): the same file sent twice, or for two projects, is stored once."""

    def __init__(self, folder, max_bytes):
        super().__init__(folder)
        self.max_bytes = max_bytes

    def check(self, data, filename):
        """The file's content type, read from its content; 413 past the cap."""
        if len(data) > self.max_bytes:
            raise InvalidRequest(f"the file is larger than {self.max_bytes} bytes", status=413)
        return detect_type(data, filename)


class Files(DependencyProvider):
    def setup(self):
        config = self.container.config
        self.files = EvidenceFiles(evidence_folder(config), setting(config, "EVIDENCE_MAX_BYTES"))

    def get_dependency(self, worker_ctx):
        return self.files


def evidence_folder(config):
    """Where evidence files are (`safecommunity backup` copies them from here too)."""
    return Path(setting(config, "EVIDENCE_DIR") or data_folder(config, "projects") / "attachments" / "projects")


# -- templates --------------------------------------------------------------------------------------

def load_template(path):
    """One template file, validated whole: TemplateInvalid names the file, entry and field."""
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8")
        raw = json.loads(text) if path.suffix == ".json" else yaml.safe_load(text)
    except (OSError, ValueError, yaml.YAMLError) as exc:
        raise TemplateInvalid(path.name, [("(file)", f"not readable {path.suffix[1:].upper()}: {exc}")]) from None
    try:
        data = TemplateSchema().load(raw if isinstance(raw, dict) else {"entries": raw})
    except ValidationError as exc:
        entries = raw.get("entries") if isinstance(raw, dict) and isinstance(raw.get("entries"), list) else []
        raise TemplateInvalid(path.name, problems_of(exc.messages, entries)) from None
    return Template(data["code"], data["name"], tuple(data["entries"]))


def load_templates(folder=None):
    """The shipped templates, then the site's (PROJECT_TEMPLATES_DIR): {code: Template}; a code twice
    stops the service."""
    found = {}
    folders = [Path(__file__).with_name(SHIPPED)] + ([Path(folder)] if folder else [])
    for path in sorted(p for each in folders for p in each.iterdir() if p.suffix in (".yaml", ".yml", ".json")):
        template = load_template(path)
        if template.code in found:
            raise TemplateInvalid(path.name, [("code", f"template {template.code} is loaded already")])
        found[template.code] = template
    return found


class Templates(DependencyProvider):
    """Read once at start: a template that does not validate stops the service, naming its entry and field."""

    def setup(self):
        self.templates = load_templates(setting(self.container.config, "PROJECT_TEMPLATES_DIR"))

    def get_dependency(self, worker_ctx):
        return self.templates


class Shared(DependencyProvider):
    """One object of `cls` per service container, shared by its workers (a cache)."""

    def __init__(self, cls):
        self.cls = cls

    def setup(self):
        self.shared = self.cls()

    def get_dependency(self, worker_ctx):
        return self.shared
