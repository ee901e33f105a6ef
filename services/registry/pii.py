"""Personal data at rest: ID numbers and phones are stored encrypted (Fernet) beside a keyed hash
(HMAC-SHA256) used to look them up and find duplicates without decrypting anything.

Keys: PII_KEY (one or more Fernet keys, comma-separated; the first encrypts, all decrypt, so a key
can be rotated) and PII_HASH_KEY (any secret of 32+ characters; changing it needs a re-hash).
Both come from the config or the environment. In embedded mode (SQLite) with neither set, a key
file is generated once beside the database, `registry-keys.json` (mode 0600): back it up with the
data, or the data cannot be read. With PostgreSQL and no keys, the registry runs but refuses
personal data (ID numbers, phones) with a 503 until they are set.
"""
import base64
import hmac
import logging
import os
from pathlib import Path

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from nameko.extensions import SharedExtension

from safecommunity.config import database_url
from safecommunity.errors import InvalidRequest
from safecommunity.keyfile import keys_in

log = logging.getLogger(__name__)

KEY_FILE = "registry-keys.json"


class PersonalDataDisabled(InvalidRequest):
    def __init__(self):
        super().__init__("personal data (ID numbers, phones) needs PII_KEY and PII_HASH_KEY set", status=503)


class Protector:
    def __init__(self, fernet_keys, hash_key):
        self.fernet = MultiFernet([Fernet(key.strip()) for key in fernet_keys.split(",") if key.strip()])
        self.hash_key = hash_key.encode()
        if len(self.hash_key) < 32:
            raise ValueError("PII_HASH_KEY must be at least 32 characters")

    def seal(self, text):
        return None if text is None else self.fernet.encrypt(text.encode()).decode()

    def open(self, sealed):
        if sealed is None:
            return None
        try:
            return self.fernet.decrypt(sealed.encode()).decode()
        except InvalidToken:
            raise RuntimeError("personal data cannot be decrypted with the configured PII_KEY") from None

    def digest(self, text):
        return None if text is None else hmac.digest(self.hash_key, text.encode(), "sha256").hex()


class Disabled:
    """Stands in for the Protector when no keys are configured: refuses personal data."""

    def seal(self, text):
        if text is not None:
            raise PersonalDataDisabled()

    digest = seal

    def open(self, sealed):
        if sealed is not None:
            raise PersonalDataDisabled()


def protector_for(config, environ=None):
    """The Protector the registry's settings give, generating embedded mode's key file if needed."""
    environ = os.environ if environ is None else environ
    key, hash_key = (config.get(name) or environ.get(name) for name in ("PII_KEY", "PII_HASH_KEY"))
    if key and hash_key:
        return Protector(key, hash_key)
    url = database_url(config, "registry")
    if not url.startswith("sqlite:///") or url.endswith(":memory:"):
        log.warning("PII_KEY and PII_HASH_KEY are not set: the registry refuses ID numbers and phones")
        return Disabled()
    return Protector(*embedded_keys(Path(url.split("///", 1)[1]).parent / KEY_FILE))


def embedded_keys(path):
    """(Fernet key, hash key) from the key file, made once with fresh random keys."""
    keys = keys_in(path, {"PII_KEY": Fernet.generate_key().decode(),
                          "PII_HASH_KEY": base64.urlsafe_b64encode(os.urandom(32)).decode()})
    return keys["PII_KEY"], keys["PII_HASH_KEY"]


class PersonalDataKeys(SharedExtension):
    """The container's Protector, made once in setup()."""

    def setup(self):
        self.protector = protector_for(self.container.config)
