"""What the backbone needs to know of this service to find and run it (safecommunity/discovery.py)."""
from safecommunity.discovery import Manifest

MANIFEST = Manifest(
    name="registry", order=10,
    summary="grids, residents and vulnerable groups, housing, units, facilities, departments, people in roles",
    key_files=("registry-keys.json",))  # pii.KEY_FILE
