"""The projects service's routes, one mix-in per area (service.py gives them `store` and `caller`)."""
from .activities import ActivitiesEntrypoints  # noqa: F401
from .evidence import EvidenceEntrypoints  # noqa: F401
from .indicators import IndicatorsEntrypoints  # noqa: F401
from .letters import LettersEntrypoints  # noqa: F401
from .organisation import OrganisationEntrypoints  # noqa: F401
from .progress import ProgressEntrypoints  # noqa: F401
from .projects import ProjectsEntrypoints  # noqa: F401
from .scopes import READ, WRITE  # noqa: F401
