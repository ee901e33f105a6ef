"""What the backbone needs to know of this service to find, run, back up and deploy it
(safecommunity/discovery.py)."""
from safecommunity.discovery import Deployment, Manifest

SCOPES = {
    "reports:read": ("exact figures (no suppression) and issued periodic reports", "精确数据与定期报告"),
    "reports:admin": ("KPI targets; issuing periodic reports", "指标目标设置;生成定期报告"),
}

MANIFEST = Manifest(
    name="reports", scopes=SCOPES, order=50,
    summary="read models built from every event: KPIs, the dashboard, periodic reports, exports",
    deployment=Deployment(memory=("160Mi", "384Mi")))  # from measured RSS (deploy/k8s/README.md)
