"""Responsibility letters."""
from sqlalchemy import select

from ..letters import Letter
from .base import Repository
from .tables import letters


class LetterRepository(Repository):
    table, aggregate, what = letters, Letter, "letter"

    def list(self, filters, limit, offset):
        query = select(letters)
        for name in ("level", "kind", "party", "project_id"):
            if name in filters:
                query = query.where(letters.c[name] == filters[name])
        if "signed" in filters:
            query = query.where(letters.c.signed_on.isnot(None) if filters["signed"] else letters.c.signed_on.is_(None))
        return self.select(query.order_by(letters.c.period_from.desc(), letters.c.id).limit(limit).offset(offset))

    def touching(self, since, until):
        """Letters whose period touches [since, until)."""
        return self.select(select(letters).where(letters.c.period_from < until, letters.c.period_to >= since))
