"""Projects: the programme's organisation, its safety-promotion projects, their activities, evidence
and templates (entrypoints only, one mix-in per area in entrypoints/)."""
from safecommunity.auth import Auth
from safecommunity.storage import Store
from safecommunity.timers import SettingTimer

from .commands import check_activities
from .entrypoints import (
    ActivitiesEntrypoints,
    EvidenceEntrypoints,
    LettersEntrypoints,
    OrganisationEntrypoints,
    ProgressEntrypoints,
    ProjectsEntrypoints,
)
from .files import Files, Templates
from .storage import ProjectsUnitOfWork

CHECK_INTERVAL = 60.0  # seconds between looks for occurrences to make and occurrences missed


class ProjectsService(ProjectsEntrypoints, OrganisationEntrypoints, ActivitiesEntrypoints, EvidenceEntrypoints,
                      LettersEntrypoints, ProgressEntrypoints):
    name = "projects"
    store = Store(ProjectsUnitOfWork)
    caller = Auth()
    files = Files()          # evidence files, by content hash
    templates = Templates()  # project templates, read at start

    @SettingTimer.decorator("ACTIVITY_CHECK_INTERVAL", CHECK_INTERVAL)
    def check_activities(self):
        check_activities(self.store)


SERVICE = ProjectsService
