"""Files a service keeps beside its database, by content: incidents' hazard attachments, projects'
evidence. The same bytes are stored once, under their sha256; a file is written whole before it is
there (a reader never sees half of one) and readable by the service's own user only (a photo or a
sign-in sheet shows people). `safecommunity backup` copies the folders."""
import hashlib
import os
from pathlib import Path

from .config import database_url


class ContentStore:
    def __init__(self, folder):
        self.folder = Path(folder)

    @staticmethod
    def digest(data):
        return hashlib.sha256(data).hexdigest()

    def save(self, data):
        """The file under its sha256, written unless it is there already; its digest."""
        digest = self.digest(data)
        path = self.path(digest)
        if not path.exists():
            path.parent.mkdir(parents=True, exist_ok=True)
            partial = path.with_suffix(".part")
            with os.fdopen(os.open(partial, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600), "wb") as file:
                file.write(data)
            os.replace(partial, path)
        return digest

    def path(self, digest):
        return self.folder / digest[:2] / digest


def data_folder(config, service):
    """The folder a service's files go in when no setting names one: beside its SQLite database in
    embedded mode, else the platform's data folder (SAFECOMMUNITY_DATA, default ./data)."""
    url = database_url(config, service)
    if url.startswith("sqlite:///"):
        return Path(url[len("sqlite:///"):]).resolve().parent
    return Path(os.environ.get("SAFECOMMUNITY_DATA", "data")).resolve()
