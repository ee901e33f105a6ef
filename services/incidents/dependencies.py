"""The incidents service's own dependencies with I/O: its settings, the hazard policy, the store of
attachment files on disk, and a timer whose interval is a setting."""
import json
from pathlib import Path

import yaml
from nameko.extensions import DependencyProvider

from safecommunity.errors import FieldInvalid, InvalidRequest
from safecommunity.filestore import ContentStore, data_folder
from safecommunity.settings import service_setting
from safecommunity.timers import SettingTimer

from .policy import HazardPolicy

# Settings of this service alone, with their defaults. Read from the nameko config first (tests
# and the runner's overrides), then the environment: safecommunity/config.py does not list them.
SETTINGS = {
    "HAZARD_POLICY_FILE": "",            # YAML or JSON; empty: policy.DEFAULT_POLICY
    "HAZARD_CHECK_INTERVAL": 60.0,       # seconds between looks for overdue hazards and reminders
    "ATTACHMENTS_DIR": "",               # empty: <data folder>/attachments/incidents
    "ATTACHMENT_MAX_BYTES": 10 * 1024 * 1024,
    "INTAKE_BATCH_SIZE": 200,            # AMQP intake: messages per transaction
    "INTAKE_BATCH_WAIT": 0.05,           # seconds a partial batch waits for more
}

# content type -> how such a file starts (a photo that is not a photo is refused)
ATTACHMENT_TYPES = {
    "image/jpeg": (b"\xff\xd8\xff",),
    "image/png": (b"\x89PNG\r\n\x1a\n",),
    "image/webp": (b"RIFF",),
    "application/pdf": (b"%PDF-",),
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document": (b"PK\x03\x04",),
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet": (b"PK\x03\x04",),
}


def setting(config, name):
    return service_setting(SETTINGS, config, name)


def load_policy(path):
    if not path:
        return HazardPolicy()
    text = Path(path).read_text(encoding="utf-8")
    return HazardPolicy.from_dict(json.loads(text) if path.endswith(".json") else yaml.safe_load(text))


class Policy(DependencyProvider):
    """The hazard deadline policy, read once at start (a bad file stops the service, loudly)."""

    def setup(self):
        self.policy = load_policy(setting(self.container.config, "HAZARD_POLICY_FILE"))

    def get_dependency(self, worker_ctx):
        return self.policy


class AttachmentFiles(ContentStore):
    """Attachments kept by content (safecommunity/filestore.py), so an upload repeated is stored once."""

    def __init__(self, folder, max_bytes):
        super().__init__(folder)
        self.max_bytes = max_bytes

    def check(self, data, content_type):
        if content_type not in ATTACHMENT_TYPES:
            raise FieldInvalid("content_type", f"must be one of {', '.join(sorted(ATTACHMENT_TYPES))}")
        if not data:
            raise FieldInvalid("file", "is empty")
        if len(data) > self.max_bytes:
            raise InvalidRequest(f"the file is larger than {self.max_bytes} bytes", status=413)
        if not data.startswith(ATTACHMENT_TYPES[content_type]):
            raise FieldInvalid("file", f"is not a {content_type} file")

    def save(self, data, content_type):
        self.check(data, content_type)
        return super().save(data)


class Attachments(DependencyProvider):
    def setup(self):
        config = self.container.config
        self.files = AttachmentFiles(attachments_folder(config), setting(config, "ATTACHMENT_MAX_BYTES"))

    def get_dependency(self, worker_ctx):
        return self.files


def attachments_folder(config):
    """Where the attachments' files are (`safecommunity backup` copies them from here too)."""
    return Path(setting(config, "ATTACHMENTS_DIR") or data_folder(config, "incidents") / "attachments" / "incidents")


def timer_every(setting_name):
    """A timer every SETTINGS[setting_name] seconds (safecommunity.timers.SettingTimer)."""
    return SettingTimer.decorator(setting_name, SETTINGS[setting_name])
