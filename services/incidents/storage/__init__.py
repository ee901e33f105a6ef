"""Incidents tables and repositories: the only place with queries, one module per area."""
from .base import SUBJECTS, TIMES, Repository
from .cases import CaseRepository
from .known import GridRepository, UnitRepository
from .occurrences import AccidentRepository, HazardRepository, PublicOrderRepository
from .rejections import RejectionRepository
from .tables import (
    UNIT_COLUMNS,
    accidents,
    attachments,
    hazards,
    history,
    injury_cases,
    intake_rejections,
    known_grids,
    known_units,
    metadata,
    public_order_events,
)
from .unit_of_work import IncidentsUnitOfWork

__all__ = [
    "metadata", "injury_cases", "history", "hazards", "attachments", "accidents", "public_order_events",
    "intake_rejections", "known_grids", "known_units", "UNIT_COLUMNS", "SUBJECTS", "TIMES",
    "Repository", "CaseRepository", "HazardRepository", "AccidentRepository", "PublicOrderRepository",
    "RejectionRepository", "GridRepository", "UnitRepository", "IncidentsUnitOfWork",
]
