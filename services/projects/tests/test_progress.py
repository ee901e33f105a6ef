"""Monthly progress: months across year ends, the span asked for, occurrences planned, done and
missed, funding to date, and phase evaluations that replace each other with the last kept in the
project's history. Pure Python, but for the grouped queries on SQLite through the real migrations."""
from datetime import date, datetime, timedelta, timezone

import pytest
from sqlalchemy.orm import sessionmaker

from safecommunity.database import make_engine
from safecommunity.errors import FieldInvalid
from safecommunity.migrate import upgrade
from services.projects.activities import Activity
from services.projects.domain import Funding, Project
from services.projects.progress import (
    Evaluation,
    budget_to_date,
    last_day,
    month_rows,
    months_between,
    occurrence_counts,
    shift,
    span,
)
from services.projects.storage import ProjectsUnitOfWork

AT = datetime(2026, 12, 20, 2, tzinfo=timezone.utc)
TODAY = date(2026, 12, 20)


def test_months_run_across_the_year_end_and_a_month_ends_on_its_last_day():
    assert months_between("2026-11", "2027-02") == ["2026-11", "2026-12", "2027-01", "2027-02"]
    assert (shift("2027-01", -1), shift("2026-12", 1), shift("2026-03", -15)) == ("2026-12", "2027-01", "2024-12")
    assert (last_day("2028-02"), last_day("2026-02"), last_day("2026-12")) == (
        date(2028, 2, 29), date(2026, 2, 28), date(2026, 12, 31))


def test_the_span_is_the_last_twelve_months_by_default_and_at_most_thirty_six_from_before_to():
    assert span(TODAY) == months_between("2026-01", "2026-12")
    assert span(TODAY, last="2026-03") == months_between("2025-04", "2026-03")
    assert span(TODAY, first="2026-10") == ["2026-10", "2026-11", "2026-12"]
    assert len(span(TODAY, "2024-01", "2026-12")) == 36
    with pytest.raises(FieldInvalid, match="from"):
        span(TODAY, "2023-12", "2026-12")
    with pytest.raises(FieldInvalid, match="to"):
        span(TODAY, "2026-05", "2026-04")
    with pytest.raises(FieldInvalid, match="from"):
        span(TODAY, "2027-01")
    assert span(TODAY, "2027-01", "2027-02") == ["2027-01", "2027-02"]


def test_the_share_done_on_time_is_of_the_occurrences_settled_and_none_while_none_is():
    assert occurrence_counts({"planned": 10, "done": 6, "missed": 2, "on_time": 6}) == {
        "planned": 10, "done": 6, "missed": 2, "done_on_time_share": 0.75}
    assert occurrence_counts({"planned": 4, "done": 0, "missed": 0, "on_time": 0})["done_on_time_share"] is None


def test_funding_to_date_adds_the_lines_of_earlier_months_and_of_each_month_in_turn():
    funds = budget_to_date(["2026-03", "2026-04", "2026-05"],
                           {"2025-12": (1000.0, 100.0), "2026-04": (500.0, 650.0)}, 2000)
    assert funds["2026-03"] == {"budget": 2000, "funded_to_date": 1000.0, "spent_to_date": 100.0,
                                "share_spent": 0.1}
    assert funds["2026-04"] == funds["2026-05"] == {"budget": 2000, "funded_to_date": 1500.0,
                                                    "spent_to_date": 750.0, "share_spent": 0.5}
    assert budget_to_date(["2026-03"], {}, None)["2026-03"]["share_spent"] is None


def project():
    return Project.create(actor="clerk", at=AT, name="Elderly falls", intervention_area="elderly")


def written(target, month="2026-11", previous=None, actor="lead.li", at=AT, **command):
    command = {"rating": "at_risk", "summary": "两次入户探访未完成 two visits missed", **command}
    return Evaluation.write(target, previous, "2026-12", actor, at, month=month, **command)


def test_an_evaluation_is_labelled_in_chinese_and_english_and_a_month_to_come_is_refused():
    target = project()
    target.collect_history()
    view = written(target, next_steps="补访 visit again").view()
    assert (view["rating_zh"], view["rating_en"], view["written_by"], view["next_steps"]) == (
        "存在风险", "At risk", "lead.li", "补访 visit again")
    assert [(h.action, h.actor, h.details) for h in target.collect_history()] == [
        ("evaluation", "lead.li", {"month": "2026-11", "rating": "at_risk"})]
    written(target, month="2026-12")
    with pytest.raises(FieldInvalid, match="month"):
        written(target, month="2027-01")


def test_an_evaluation_written_again_keeps_the_one_it_replaces_whole_in_the_history():
    target = project()
    first = written(target)
    target.collect_history()
    later = AT + timedelta(days=2)
    second = written(target, previous=first, actor="lead.wang", at=later, rating="on_track", summary="补上了")
    assert (second.written_by, second.written_at, second.rating) == ("lead.wang", later, "on_track")
    [entry] = target.collect_history()
    assert entry.details["previous"] == first.view() and entry.details["rating"] == "on_track"


def test_each_month_is_a_dict_with_its_counts_funding_and_evaluation_or_none():
    evaluation = written(project())
    rows = month_rows(["2026-10", "2026-11"], {"2026-11": {"planned": 3, "done": 1, "missed": 1, "on_time": 1}},
                      {"2026-10": (100.0, 0.0)}, 500, {"2026-11": evaluation})
    assert [row["month"] for row in rows] == ["2026-10", "2026-11"]
    assert rows[0]["occurrences"] == {"planned": 0, "done": 0, "missed": 0, "done_on_time_share": None}
    assert rows[0]["evaluation"] is None and rows[1]["evaluation"]["rating"] == "at_risk"
    assert rows[1]["occurrences"]["done_on_time_share"] == 0.5 and rows[1]["budget"]["funded_to_date"] == 100.0


@pytest.fixture
def store(tmp_path):
    url = f"sqlite:///{tmp_path}/projects.db"
    upgrade("projects", url)
    engine = make_engine(url)
    uow = ProjectsUnitOfWork(sessionmaker(engine, expire_on_commit=False)(), "projects")
    yield uow
    uow.close()
    engine.dispose()


def test_the_database_counts_a_projects_occurrences_and_funding_by_month(store):
    target = project()
    store.projects.add(target)
    activity, made = Activity.schedule(TODAY, "clerk", AT, project_id=target.id, name="visit", frequency="weekly",
                                       owner_department="civil_affairs", grid_code="G1", starts_on=date(2026, 11, 2))
    by_day = {o.scheduled_on: o for o in made}
    by_day[date(2026, 11, 2)].status, by_day[date(2026, 11, 2)].done_on = "done", date(2026, 11, 3)
    by_day[date(2026, 11, 9)].status = "missed"
    by_day[date(2026, 11, 16)].status = "cancelled"
    store.activities.add(activity)
    store.occurrences.add_many(made)
    for day, amount, spent in ((date(2026, 10, 5), 100, 10), (date(2026, 11, 1), 50, 20), (date(2026, 11, 30), 5, 5),
                               (date(2027, 1, 2), 999, 0)):
        store.projects.add_funding(Funding(target.id, "district", amount, spent, day, "clerk"))
    counts = store.progress.occurrences_by_month(target.id, date(2026, 11, 1), date(2026, 12, 31), TODAY)
    # Nov: due 8th done, 15th missed, 22nd cancelled, 29th past due (missed); Dec: 6th, 13th past, 20th, 27th not
    assert counts["2026-11"] == {"planned": 3, "done": 1, "missed": 2, "on_time": 1}
    assert counts["2026-12"]["missed"] == 2 and counts["2026-12"]["planned"] == 4
    assert store.progress.funding_by_month(target.id, date(2026, 11, 30)) == {
        "2026-10": (100.0, 10.0), "2026-11": (55.0, 25.0)}
