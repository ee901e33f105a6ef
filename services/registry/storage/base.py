"""What every registry repository shares, and the audit log of reads of personal data."""

from sqlalchemy import func, insert, select

from safecommunity.database import utcnow
from safecommunity.errors import NotFound

from ..tables import (
    audit_log,
)


class GridNotFound(NotFound):
    pass


def matches(column, value):
    """A list means any of its values (a grid's code and every code below it); else the value."""
    return column.in_(value) if isinstance(value, (list, tuple)) else column == value


class WritesAtCommit:
    """Mix into a unit of work (inside ConflictOnDuplicate) for rows a unique index guards against
    concurrent requests: written at the commit, so a key another request took first fails there,
    as a 409, rather than as a database error where the row was added."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._at_commit = []

    def at_commit(self, write):
        self._at_commit.append(write)

    def commit(self):
        pending, self._at_commit = self._at_commit, []
        for write in pending:
            write()
        super().commit()

    def rollback(self):
        self._at_commit = []
        super().rollback()


class Repository:
    def __init__(self, uow):
        self.uow = uow
        self.session = uow.session


class AuditLog(Repository):
    def record(self, subject, resource_type, revealed, action="read"):
        """One row per record whose personal or sensitive data the caller is about to see.

        `revealed` is [(record id, field names)]; records with nothing revealed are skipped."""
        now = utcnow()
        rows = [{"at": now, "subject": subject, "action": action, "resource_type": resource_type,
                 "resource_id": resource_id, "fields": ",".join(sorted(fields))}
                for resource_id, fields in revealed if fields]
        if rows:
            self.session.execute(insert(audit_log), rows)

    def search(self, query, limit, offset):
        statement = select(audit_log)
        for name in ("subject", "resource_id", "resource_type"):
            if query.get(name):
                statement = statement.where(getattr(audit_log.c, name) == query[name])
        if query.get("since"):
            statement = statement.where(audit_log.c.at >= query["since"])
        rows = self.session.execute(statement.order_by(audit_log.c.id.desc()).limit(limit).offset(offset))
        return [dict(row._mapping) for row in rows]

    def count(self):
        return self.session.scalar(select(func.count()).select_from(audit_log))
