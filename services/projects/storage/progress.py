"""Monthly progress: a project's occurrences and funding lines counted by month in the database
(one grouped query each, on the index by project and due day), and its phase evaluations."""
from sqlalchemy import and_, case, extract, func, insert, or_, select, update

from ..progress import Evaluation
from .base import row_values, unique
from .tables import evaluations, funding, occurrences


def by_month(column):
    """(year, month) of a date column, grouped on: EXTRACT on PostgreSQL, STRFTIME on SQLite."""
    return extract("year", column), extract("month", column)


def month_key(year, month):
    return f"{int(year):04d}-{int(month):02d}"


def tally(condition):
    return func.sum(case((condition, 1), else_=0))


class ProgressRepository:
    def __init__(self, uow):
        self.uow, self.session = uow, uow.session

    def occurrences_by_month(self, project_id, since, until, today):
        """{month: {planned, done, missed, on_time}} of the project's occurrences due from `since` to
        `until` and not cancelled; one still scheduled after its due day is missed."""
        o, (year, month) = occurrences.c, by_month(occurrences.c.due_on)
        done = o.status == "done"
        missed = or_(o.status == "missed", and_(o.status == "scheduled", o.due_on < today))
        rows = self.session.execute(
            select(year, month, func.count(), tally(done), tally(missed), tally(and_(done, o.done_on <= o.due_on)))
            .where(o.project_id == project_id, o.due_on >= since, o.due_on <= until, o.status != "cancelled")
            .group_by(year, month)).all()
        return {month_key(y, m): {"planned": planned, "done": int(d or 0), "missed": int(miss or 0),
                                  "on_time": int(on_time or 0)}
                for y, m, planned, d, miss, on_time in rows}

    def funding_by_month(self, project_id, until):
        """{month: (amount, spent)} of the project's ledger lines recorded by `until`, per month recorded."""
        year, month = by_month(funding.c.recorded_on)
        rows = self.session.execute(
            select(year, month, func.sum(funding.c.amount), func.sum(funding.c.spent))
            .where(funding.c.project_id == project_id, funding.c.recorded_on <= until)
            .group_by(year, month)).all()
        return {month_key(y, m): (float(amount), float(spent)) for y, m, amount, spent in rows}

    def evaluations(self, project_id, first=None, last=None):
        """The project's evaluations, newest month first (those from `first` to `last` when given)."""
        query = select(evaluations).where(evaluations.c.project_id == project_id)
        if first:
            query = query.where(evaluations.c.month >= first, evaluations.c.month <= last)
        return [Evaluation(**row_values(row)) for row in self.session.execute(
            query.order_by(evaluations.c.month.desc())).all()]

    def evaluation(self, project_id, month):
        row = self.session.execute(select(evaluations).where(evaluations.c.project_id == project_id,
                                                             evaluations.c.month == month)).first()
        return Evaluation(**row_values(row)) if row else None

    def put_evaluation(self, evaluation, replacing):
        values = dict(evaluation.__dict__)
        if replacing:
            self.session.execute(update(evaluations).where(evaluations.c.project_id == evaluation.project_id,
                                                           evaluations.c.month == evaluation.month).values(**values))
        else:
            with unique("an evaluation of that month"):
                self.session.execute(insert(evaluations), [values])
