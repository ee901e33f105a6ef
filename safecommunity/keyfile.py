"""Secret keys kept in a file beside an embedded-mode database: made once, atomically, readable by
its owner only. Registry's personal-data keys and notifications' contact key live in such files;
back them up with the data (`safecommunity backup` does), or what they sealed cannot be read."""
import json
import logging
import os

log = logging.getLogger(__name__)


def keys_in(path, fresh):
    """The keys in the file at `path`, which is made with `fresh` (a dict of new random keys) when
    there is none. Two processes starting at once agree: the first link wins, the other reads it."""
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        temporary = path.with_name(f".{path.name}.{os.getpid()}")
        descriptor = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(descriptor, "w") as out:
            json.dump(fresh, out)
        try:
            os.link(temporary, path)  # atomic, and fails if another process made the file first
            log.warning("generated keys in %s: back this file up with the data", path)
        except FileExistsError:
            pass
        finally:
            temporary.unlink()
    return json.loads(path.read_text())
