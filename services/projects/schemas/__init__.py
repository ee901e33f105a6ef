"""Projects HTTP input and output. Requests are strict: unknown fields are refused, every text,
number and date bounded (the bounds are in common.py, the tables' columns as wide)."""
from .activities import (  # noqa: F401
    ActivityQuerySchema,
    ActivitySchema,
    OccurrenceQuerySchema,
    OccurrenceSchema,
    ReportDoneSchema,
    ScheduleActivitySchema,
    TrainingHoursQuerySchema,
)
from .common import NAME_MAX, Strict  # noqa: F401
from .evidence import AddEvidenceSchema, EvidenceQuerySchema, EvidenceSchema  # noqa: F401
from .indicators import DefineIndicatorSchema, IndicatorQuerySchema, IndicatorSchema  # noqa: F401
from .letters import (  # noqa: F401
    IssueLetterSchema,
    LetterQuerySchema,
    LetterSchema,
    LetterSharesQuerySchema,
    SignLetterSchema,
)
from .organisation import (  # noqa: F401
    AddAreaSchema,
    AreaSchema,
    ChangeGroupSchema,
    CommitteeSchema,
    CreateGroupSchema,
    GroupSchema,
    HoldMeetingSchema,
    MeetingQuerySchema,
    MeetingSchema,
    MergeAreaSchema,
    MergeGroupSchema,
    OrganisationHistoryQuerySchema,
    PersonInRoleSchema,
    QuarterQuerySchema,
    RenameAreaSchema,
)
from .progress import MonthSchema, ProgressQuerySchema, WriteEvaluationSchema  # noqa: F401
from .projects import (  # noqa: F401
    ChangeProjectSchema,
    CreateProjectSchema,
    FundingSchema,
    MoveProjectSchema,
    ProjectQuerySchema,
    ProjectSchema,
)
from .templates import FromTemplateSchema, TemplateSchema  # noqa: F401
