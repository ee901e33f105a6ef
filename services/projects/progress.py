"""A project's monthly progress (planned and done occurrences, funding to date) and the phase
evaluations (阶段评估) its lead writes per month. Pure Python.

Months are 'YYYY-MM' of the site's calendar. An occurrence counts in the month it is due in; one
cancelled (its project suspended or over) is not planned; one past its due day and not done is
missed, as in "still carried out?" (activities.still_carried_out), before the timer marks it.
"""
from dataclasses import dataclass
from datetime import date, datetime, timedelta, timezone

from safecommunity.errors import FieldInvalid

from .domain import HistoryEntry

DEFAULT_MONTHS, MOST_MONTHS = 12, 36
RATINGS = {"on_track": ("进展顺利", "On track"), "at_risk": ("存在风险", "At risk"),
           "off_track": ("偏离计划", "Off track")}
EMPTY = {"planned": 0, "done": 0, "missed": 0, "on_time": 0}


def month_of(day):
    return day.strftime("%Y-%m")


def first_day(month):
    year, number = month.split("-")
    return date(int(year), int(number), 1)


def shift(month, count):
    """The month `count` months after `month` (before, when negative)."""
    index = int(month[:4]) * 12 + int(month[5:]) - 1 + count
    return f"{index // 12:04d}-{index % 12 + 1:02d}"


def last_day(month):
    return first_day(shift(month, 1)) - timedelta(days=1)


def months_between(first, last):
    """Every month from `first` to `last`, both included."""
    count = (int(last[:4]) - int(first[:4])) * 12 + int(last[5:]) - int(first[5:]) + 1
    return [shift(first, n) for n in range(max(count, 0))]


def span(today, first=None, last=None):
    """The months asked for: by default the DEFAULT_MONTHS up to today's; from ≤ to, at most MOST_MONTHS."""
    asked_last, last = last, last or month_of(today)
    first = first or shift(last, 1 - DEFAULT_MONTHS)
    if first > last and asked_last:
        raise FieldInvalid("to", f"must not be before from ({first})")
    if first > last:
        raise FieldInvalid("from", f"after the current month ({last}): give to as well")
    if len(months_between(first, last)) > MOST_MONTHS:
        raise FieldInvalid("from", f"at most {MOST_MONTHS} months before to ({last})")
    return months_between(first, last)


def occurrence_counts(counts):
    """{planned, done, missed, done_on_time_share}: the share is of those settled (done, or missed),
    done by their due day; None while none is."""
    settled = counts["done"] + counts["missed"]
    return {"planned": counts["planned"], "done": counts["done"], "missed": counts["missed"],
            "done_on_time_share": round(counts["on_time"] / settled, 4) if settled else None}


def budget_to_date(months, funded_by_month, budget):
    """Per month, the ledger's lines recorded on or before its last day: funded_by_month maps a month
    to (amount, spent) of the lines recorded in it, earlier months included."""
    amount = spent = 0.0
    earlier = sorted(m for m in funded_by_month if m < months[0]) if months else []
    for month in earlier:
        amount, spent = amount + funded_by_month[month][0], spent + funded_by_month[month][1]
    answer = {}
    for month in months:
        added, used = funded_by_month.get(month, (0.0, 0.0))
        amount, spent = amount + added, spent + used
        answer[month] = {"budget": budget, "funded_to_date": round(amount, 2), "spent_to_date": round(spent, 2),
                         "share_spent": round(spent / amount, 4) if amount else None}
    return answer


def month_rows(months, counts_by_month, funded_by_month, budget, evaluations):
    """One dict per month (others add keys to them: keep them dicts)."""
    funds = budget_to_date(months, funded_by_month, budget)
    return [{"month": month, "occurrences": occurrence_counts(counts_by_month.get(month, EMPTY)),
             "budget": funds[month], "evaluation": evaluations[month].view() if month in evaluations else None}
            for month in months]


@dataclass
class Evaluation:
    """A lead's phase evaluation of a project's month: one per month, the last written standing."""
    project_id: str
    month: str
    rating: str
    summary: str
    written_by: str
    written_at: datetime
    next_steps: str | None = None

    @classmethod
    def write(cls, project, previous, current_month, actor, at, month, rating, summary, next_steps=None):
        """The month's evaluation; the one it replaces goes to the project's history, whole."""
        if month > current_month:
            raise FieldInvalid("month", f"must not be after the current month ({current_month})")
        evaluation = cls(project.id, month, rating, summary, actor, at, next_steps)
        details = {"month": month, "rating": rating}
        if previous is not None:
            details["previous"] = previous.view()
        project.log(HistoryEntry("evaluation", project.lifecycle, project.lifecycle, actor, at, details=details))
        return evaluation

    def view(self):
        zh, en = RATINGS[self.rating]
        return {"month": self.month, "rating": self.rating, "rating_zh": zh, "rating_en": en,
                "summary": self.summary, "next_steps": self.next_steps, "written_by": self.written_by,
                "written_at": self.written_at.astimezone(timezone.utc)}
