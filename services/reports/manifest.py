"""What the backbone needs to know of this service to find, run, back up and deploy it
(safecommunity/discovery.py)."""
from safecommunity.discovery import Deployment, Manifest

MANIFEST = Manifest(
    name="reports", order=50,
    summary="read models built from every event: KPIs, the dashboard, periodic reports, exports",
    deployment=Deployment(memory=("160Mi", "384Mi")))  # from measured RSS (deploy/k8s/README.md)
