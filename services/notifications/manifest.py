"""What the backbone needs to know of this service to find, run, back up and deploy it
(safecommunity/discovery.py)."""
from safecommunity.discovery import Manifest

SCOPES = {
    "notifications:read": ("the delivery log", "读取通知投递记录"),
    "notifications:write": ("subscriptions and channels; acknowledging notices", "管理订阅与渠道；确认通知"),
    "notifications:inbox": ("a person's own in-app notices: read them, mark them read, acknowledge them",
                            "本人站内通知:查看、标为已读、确认"),
    "alerts:write": ("issue public warnings (the meteorology bureau): CAP 1.2 alerts told to their grids",
                     "发布预警信息(气象部门):CAP 1.2 预警并告知相关网格"),
}

MANIFEST = Manifest(
    name="notifications", scopes=SCOPES, order=40,
    summary="who is told what, on which channel, until someone acts; public alerts (CAP 1.2)",
    key_files=("notifications-keys.json",))  # contacts.KEY_FILE
