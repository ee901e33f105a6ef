"""Contact addresses: kept by notifications alone, sealed at rest (Fernet), masked in answers
(masking.mask), and never put in an event. Keys: NOTIFY_CONTACTS_KEY (one or more Fernet keys,
comma-separated: the first seals, all open, so a key can be rotated). In embedded mode (SQLite) with
none set, a key file is made once beside the database, `notifications-keys.json` (mode 0600): back
it up with the data (`safecommunity backup` does). With PostgreSQL and no key, contacts are refused
with a 503 until it is set; notices still go in-app and to the office's addresses in the settings."""
import hashlib
import hmac
from pathlib import Path

from cryptography.fernet import Fernet, InvalidToken, MultiFernet

from safecommunity.config import database_url
from safecommunity.errors import InvalidRequest
from safecommunity.keyfile import keys_in

KEY_FILE = "notifications-keys.json"
KEY_SETTING = "NOTIFY_CONTACTS_KEY"


class ContactsDisabled(InvalidRequest):
    def __init__(self):
        super().__init__(f"contact addresses need {KEY_SETTING} set", status=503)


class Sealer:
    def __init__(self, keys):
        self.keys = [key.strip() for key in keys.split(",") if key.strip()]
        self.fernet = MultiFernet([Fernet(key) for key in self.keys])

    def derive(self, purpose):
        """A key of its own for another purpose (acklinks.py), from the sealing key: one secret to
        keep. Rotating the contacts key makes links signed with the old one invalid."""
        return hmac.new(self.keys[0].encode(), purpose.encode(), hashlib.sha256).digest()

    def seal(self, address):
        return self.fernet.encrypt(address.encode()).decode()

    def open(self, sealed):
        try:
            return self.fernet.decrypt(sealed.encode()).decode()
        except InvalidToken:
            raise RuntimeError(f"a contact address cannot be opened with the configured {KEY_SETTING}") from None


class Disabled:
    def derive(self, purpose):
        return None

    def seal(self, address):
        raise ContactsDisabled()

    def open(self, sealed):
        return None  # a notice to it is then dead with "no address", not a crash


def sealer_for(config, key):
    """key: the setting's value (config, then environment)."""
    if key:
        return Sealer(key)
    url = database_url(config, "notifications")
    if not url.startswith("sqlite:///") or url.endswith(":memory:"):
        return Disabled()
    path = Path(url.split("///", 1)[1]).parent / KEY_FILE
    return Sealer(keys_in(path, {KEY_SETTING: Fernet.generate_key().decode()})[KEY_SETTING])
