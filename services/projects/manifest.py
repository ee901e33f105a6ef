"""What the backbone needs to know of this service to find, run, back up and deploy it
(safecommunity/discovery.py)."""
from safecommunity.discovery import Manifest

MANIFEST = Manifest(
    name="projects", order=30,
    summary="the committee, working groups, safety-promotion projects, activities, evidence, indicators",
    file_archives=(("evidence.tar", "services.projects.files:evidence_folder"),))
