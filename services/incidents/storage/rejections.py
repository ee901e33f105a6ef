"""Intake rejections repository: refused reports kept to be listed."""
from sqlalchemy import insert, select

from .base import _columns, _row
from .tables import intake_rejections


class RejectionRepository:
    def __init__(self, uow):
        self.uow = uow

    def add_many(self, rejections):
        if rejections:
            columns = _columns(intake_rejections)
            self.uow.session.execute(insert(intake_rejections),
                                     [{c: getattr(r, c) for c in columns} for r in rejections])
            for rejection in rejections:
                self.uow.track(rejection)

    def list(self, department, limit, offset):
        query = select(intake_rejections)
        if department:
            query = query.where(intake_rejections.c.department == department)
        query = query.order_by(intake_rejections.c.rejected_at.desc(), intake_rejections.c.id)
        return [_row(row) for row in self.uow.session.execute(query.limit(limit).offset(offset)).all()]
