"""Projects' storage: tables, repositories and the unit of work; the only place with queries."""
from safecommunity.storage import ConflictOnDuplicate, UnitOfWork

from .activities import ActivityRepository, OccurrenceRepository
from .evidence import EvidenceRepository
from .indicators import CountedEvents, HitRepository, IndicatorRepository, RegistryView, ValueRepository
from .letters import LetterRepository
from .organisation import AreaRepository, CommitteeRepository, GroupRepository, MeetingRepository, OrganisationLog
from .people import PeopleView
from .progress import ProgressRepository
from .projects import ProjectRepository
from .tables import metadata  # noqa: F401 (migrations/env.py)


class ProjectsUnitOfWork(ConflictOnDuplicate, UnitOfWork):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.projects = ProjectRepository(self)
        self.areas = AreaRepository(self)
        self.groups = GroupRepository(self)
        self.meetings = MeetingRepository(self)
        self.organisation_log = OrganisationLog(self)
        self.committee = CommitteeRepository(self)
        self.activities = ActivityRepository(self)
        self.occurrences = OccurrenceRepository(self)
        self.evidence = EvidenceRepository(self)
        self.letters = LetterRepository(self)
        self.progress = ProgressRepository(self)
        self.indicators = IndicatorRepository(self)
        self.values = ValueRepository(self)
        self.hits = HitRepository(self)
        self.counted_events = CountedEvents(self)
        self.registry = RegistryView(self)
        self.people = PeopleView(self)  # the registry's people in roles

    def commit(self):
        self.projects.write_history([item for item in self._tracked if hasattr(item, "collect_history")])
        super().commit()
