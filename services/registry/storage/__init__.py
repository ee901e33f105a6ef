"""Registry repositories and unit of work: the only place with queries, one module per area.
Personal data is sealed on the way in and opened on the way out with the unit of work's Protector."""
from safecommunity.storage import ConflictOnDuplicate, Store, UnitOfWork

from ..pii import PersonalDataKeys
from ..tables import metadata
from .base import AuditLog, WritesAtCommit
from .housing import RentalRepository
from .people import (
    AssignmentRepository,
    DepartmentRepository,
    ResidentRepository,
    TeamRepository,
    VolunteerRepository,
)
from .places import (
    BuildingRepository,
    CompoundRepository,
    FacilityRepository,
    GridRepository,
    HouseholdRepository,
    TaxonomyRepository,
    UnitRepository,
)


class RegistryUnitOfWork(ConflictOnDuplicate, WritesAtCommit, UnitOfWork):
    def __init__(self, *args, protector=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.protector = protector
        self.grids = GridRepository(self)
        self.taxonomy = TaxonomyRepository(self)
        self.residents = ResidentRepository(self)
        self.units = UnitRepository(self)
        self.facilities = FacilityRepository(self)
        self.rentals = RentalRepository(self)
        self.volunteers = VolunteerRepository(self)
        self.teams = TeamRepository(self)
        self.departments = DepartmentRepository(self)
        self.assignments = AssignmentRepository(self)
        self.compounds = CompoundRepository(self)
        self.buildings = BuildingRepository(self)
        self.households = HouseholdRepository(self)
        self.audit = AuditLog(self)


class RegistryStore(Store):
    """The backbone's Store, with the Protector for personal data in every unit of work."""

    keys = PersonalDataKeys()

    def __init__(self):
        super().__init__(RegistryUnitOfWork)

    def get_dependency(self, worker_ctx):
        uow = super().get_dependency(worker_ctx)
        uow.protector = self.keys.protector
        return uow


__all__ = ["metadata", "RegistryStore", "RegistryUnitOfWork"]
