"""What the backbone needs to know of this service to find, run, back up and deploy it
(safecommunity/discovery.py)."""
from safecommunity.discovery import Manifest

SCOPES = {
    "projects:read": ("projects", "读取项目"),
    "projects:write": ("create and change projects", "创建与修改项目"),
}

MANIFEST = Manifest(
    name="projects", scopes=SCOPES, order=30,
    summary="the committee, working groups, safety-promotion projects, activities, evidence, indicators",
    file_archives=(("evidence.tar", "services.projects.files:evidence_folder"),))
