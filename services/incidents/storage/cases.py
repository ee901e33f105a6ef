"""Injury cases repository."""
from sqlalchemy import select

from ..domain import InjuryCase
from .base import Repository, _keys_in, _row
from .tables import injury_cases


class CaseRepository(Repository):
    table, aggregate, time_column, what = injury_cases, InjuryCase, "visit_time", "injury case"

    def by_keys(self, keys):
        """{(source, external_id): InjuryCase} for the keys already stored, locked for amendment."""
        if not keys:
            return {}
        rows = self.session.execute(select(self.table).where(_keys_in(self.table, keys)).with_for_update()).all()
        cases = [self._load(row) for row in rows]
        return {(case.source, case.external_id): case for case in cases}

    def _load(self, row):
        values = _row(row)
        values["details"] = values["details"] or {}
        return InjuryCase(**values)
