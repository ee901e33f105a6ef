"""What the backbone needs to know of this service to find and run it (safecommunity/discovery.py)."""
from safecommunity.discovery import Manifest

MANIFEST = Manifest(
    name="incidents", order=20,
    summary="injury cases, accidents, public-order events, hazards and their rectification",
    file_archives=(("attachments.tar", "services.incidents.dependencies:attachments_folder"),))
