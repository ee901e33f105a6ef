"""The incidents unit of work: every repository, and the history written at commit."""
from sqlalchemy import insert

from safecommunity.storage import ConflictOnDuplicate, UnitOfWork

from .base import SUBJECTS, _jsonable
from .cases import CaseRepository
from .known import GridRepository, UnitRepository
from .occurrences import AccidentRepository, HazardRepository, PublicOrderRepository
from .rejections import RejectionRepository
from .tables import history


class IncidentsUnitOfWork(ConflictOnDuplicate, UnitOfWork):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.cases = CaseRepository(self)
        self.hazards = HazardRepository(self)
        self.accidents = AccidentRepository(self)
        self.public_order = PublicOrderRepository(self)
        self.rejections = RejectionRepository(self)
        self.grids = GridRepository(self)
        self.units = UnitRepository(self)

    def commit(self):
        self._write_history()
        super().commit()

    def _write_history(self):
        rows = [{"subject_type": SUBJECTS[type(item)], "subject_id": item.id, "action": entry.action,
                 "from_status": entry.from_status, "to_status": entry.to_status, "actor": entry.actor,
                 "caller": self.actor, "at": entry.at, "reason": entry.reason, "evidence": list(entry.evidence),
                 "details": _jsonable(entry.details)}
                for item in self._tracked if hasattr(item, "collect_history")
                for entry in item.collect_history()]
        if rows:
            self.session.execute(insert(history), rows)
