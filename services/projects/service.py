"""Projects: the programme's organisation, its safety-promotion projects, their activities, evidence
and templates (entrypoints only, one mix-in per area in entrypoints/)."""
from safecommunity.auth import Auth
from safecommunity.consumer import event_handler
from safecommunity.storage import Store
from safecommunity.timers import SettingTimer

from .commands import check_activities, keep_assignments
from .counting import COUNTED, Matchers, count_events, keep_registry, refresh_indicators
from .entrypoints import (
    ActivitiesEntrypoints,
    EvidenceEntrypoints,
    IndicatorsEntrypoints,
    LettersEntrypoints,
    OrganisationEntrypoints,
    ProgressEntrypoints,
    ProjectsEntrypoints,
)
from .files import Files, Shared, Templates
from .storage import ProjectsUnitOfWork

CHECK_INTERVAL = 60.0  # seconds between looks for occurrences to make and occurrences missed
REFRESH_INTERVAL = 300.0  # seconds between revaluations of this month's indicators (rates, shares, zeros)
REGISTRY_EVENTS = ("grid.created", "resident.registered", "resident.updated", "resident.moved_out", "resident.tagged",
                   "resident.untagged", "unit.registered", "unit.updated", "facility.registered", "facility.updated",
                   "facility.inspected")  # what denominators and grid scopes need


class ProjectsService(ProjectsEntrypoints, OrganisationEntrypoints, ActivitiesEntrypoints, EvidenceEntrypoints,
                      LettersEntrypoints, ProgressEntrypoints, IndicatorsEntrypoints):
    name = "projects"
    store = Store(ProjectsUnitOfWork)
    caller = Auth()
    files = Files()          # evidence files, by content hash
    templates = Templates()  # project templates, read at start
    matchers = Shared(Matchers)  # which indicators an event may count in, kept between batches

    @SettingTimer.decorator("ACTIVITY_CHECK_INTERVAL", CHECK_INTERVAL)
    def check_activities(self):
        check_activities(self.store)

    @SettingTimer.decorator("INDICATOR_REFRESH_INTERVAL", REFRESH_INTERVAL)
    def refresh_indicators(self):
        refresh_indicators(self.store)

    @event_handler(*COUNTED)
    def handle_counted_event(self, events):
        count_events(self.store, events, self.matchers)

    @event_handler(*REGISTRY_EVENTS)
    def handle_registry_changed(self, events):
        keep_registry(self.store, events)

    @event_handler("assignment.started", "assignment.ended")
    def handle_assignment_changed(self, events):
        keep_assignments(self.store, events)


SERVICE = ProjectsService
