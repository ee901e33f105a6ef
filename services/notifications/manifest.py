"""What the backbone needs to know of this service to find, run, back up and deploy it
(safecommunity/discovery.py)."""
from safecommunity.discovery import Manifest

MANIFEST = Manifest(
    name="notifications", order=40,
    summary="who is told what, on which channel, until someone acts; public alerts (CAP 1.2)",
    key_files=("notifications-keys.json",))  # contacts.KEY_FILE
