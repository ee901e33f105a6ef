"""What the progress and evaluation entrypoints do between the request and the commit."""
from safecommunity import sitetime
from safecommunity.database import utcnow

from .commands import carried_out, project_checklist
from .progress import Evaluation, first_day, last_day, month_of, month_rows, span


def progress_view(store, project_id, first=None, last=None):
    """The project, whether it is still carried out, its months from `first` to `last` (by default
    the last 12) and its evidence checklist now: a few grouped queries, whatever the months."""
    project, today = store.projects.get(project_id), sitetime.today()
    months = span(today, first, last)
    since, until = first_day(months[0]), last_day(months[-1])
    written = {e.month: e for e in store.progress.evaluations(project_id, months[0], months[-1])}
    rows = month_rows(months, store.progress.occurrences_by_month(project_id, since, until, today),
                      store.progress.funding_by_month(project_id, until), project.budget, written)
    for row, indicators in zip(rows, indicators_by_month(store, project_id, months), strict=True):
        row["indicators"] = indicators
    needed = project_checklist(store, project_id)
    return {"id": project.id, "name": project.name, "lifecycle": project.lifecycle, "status": project.status,
            "carried_out": carried_out(store, project_id), "months": rows,
            "evidence": {key: needed[key] for key in ("required", "present", "missing")}}


def indicators_by_month(store, project_id, months):
    """Per month, each of the project's indicators: its value then (None: none kept) against its target."""
    indicators = store.indicators.of_project(project_id)
    series = store.values.series([i.id for i in indicators], months[0], months[-1])
    kept = {(value.indicator_id, value.month): value for values in series.values() for value in values}
    return [[indicator_in(indicator, kept.get((indicator.id, month))) for indicator in indicators] for month in months]


def indicator_in(indicator, value):
    target = indicator.target or {}
    return {"indicator_id": indicator.id, "code": indicator.code, "name": indicator.name, "unit": indicator.unit,
            "numerator": value and value.numerator, "denominator": value and value.denominator,
            "value": value and value.value, "target": target.get("value"), "direction": target.get("direction"),
            "on_target": indicator.on_target(value and value.value)}


def write_evaluation(store, caller, project_id, month, command):
    """The month's evaluation, replacing one written before (kept in the project's history); the
    project's row is locked, so two leads writing at once take turns."""
    project = store.projects.get(project_id, for_update=True)
    previous = store.progress.evaluation(project_id, month)
    evaluation = Evaluation.write(project, previous, month_of(sitetime.today()), caller.subject, utcnow(),
                                  month=month, **command)
    store.progress.put_evaluation(evaluation, replacing=previous is not None)
    store.track(project)   # its history entry is written as the unit of work commits
    return evaluation, previous is None
