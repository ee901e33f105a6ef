"""Hazard (with its attachments), accident and public-order event repositories."""
from sqlalchemy import insert, select

from safecommunity.database import utcnow

from ..domain import NOT_YET_RECTIFIED, Accident, Hazard, PublicOrderEvent
from .base import Repository, _filtered, _row, not_found, plausible_id
from .tables import accidents, attachments, hazards, public_order_events


class HazardRepository(Repository):
    table, aggregate, time_column, what = hazards, Hazard, "reported_at", "hazard"

    def list(self, filters, limit, offset):
        filters = dict(filters)
        overdue = filters.pop("overdue", None)
        query = _filtered(select(hazards), hazards, filters, "reported_at")
        if overdue is not None:
            late = (hazards.c.status.in_(NOT_YET_RECTIFIED)) & (hazards.c.deadline < utcnow())
            query = query.where(late if overdue else ~late)
        query = query.order_by(hazards.c.reported_at.desc(), hazards.c.id).limit(limit).offset(offset)
        return [self._load(row) for row in self.session.execute(query).all()]

    def claim_overdue(self, now, limit=200):
        """Hazards past their deadline not yet told, locked; replicas skip each other's rows."""
        return self._claim((hazards.c.overdue_raised_at.is_(None)) & (hazards.c.deadline <= now)
                           & hazards.c.status.in_(NOT_YET_RECTIFIED), limit)

    def claim_reminders(self, now, limit=200):
        return self._claim(hazards.c.next_reminder_at <= now, limit)

    def _claim(self, condition, limit):
        rows = self.session.execute(select(hazards).where(condition).order_by(hazards.c.deadline)
                                    .limit(limit).with_for_update(skip_locked=True)).all()
        return [self._load(row) for row in rows]

    def get(self, hazard_id, for_update=False):
        """The hazard with the ids of its attachments (the evidence a transition may cite)."""
        hazard = super().get(hazard_id, for_update)
        hazard.attachment_ids = set(self.session.scalars(select(attachments.c.id)
                                                         .where(attachments.c.hazard_id == hazard.id)))
        return hazard

    def attachments(self, hazard_id):
        rows = self.session.execute(select(attachments).where(attachments.c.hazard_id == hazard_id)
                                    .order_by(attachments.c.uploaded_at)).all()
        return [_row(row) for row in rows]

    def add_attachment(self, **values):
        self.session.execute(insert(attachments), values)

    def attachment(self, attachment_id):
        if not plausible_id(attachment_id):
            raise not_found("attachment", attachment_id)
        row = self.session.execute(select(attachments).where(attachments.c.id == attachment_id)).first()
        if row is None:
            raise not_found("attachment", attachment_id)
        return _row(row)


class AccidentRepository(Repository):
    table, aggregate, time_column, what = accidents, Accident, "occurred_at", "accident"


class PublicOrderRepository(Repository):
    table, aggregate, time_column, what = public_order_events, PublicOrderEvent, "occurred_at", "public-order event"
