"""What the backbone needs to know of this service to find and run it (safecommunity/discovery.py)."""
from safecommunity.discovery import Manifest

MANIFEST = Manifest(
    name="reports", order=50,
    summary="read models built from every event: KPIs, the dashboard, periodic reports, exports")
