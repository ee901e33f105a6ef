"""Projects' storage on SQLite through the real migrations: the tables as declared, the seeded
organisation, and an occurrence missed once even when two replicas both saw it scheduled."""
from datetime import date, datetime, timedelta, timezone

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import select
from sqlalchemy.orm import sessionmaker

from safecommunity import sitetime
from safecommunity.auth import Caller
from safecommunity.database import make_engine
from safecommunity.errors import NotFound
from safecommunity.migrate import upgrade
from safecommunity.tables import outbox
from services.projects.activities import Activity
from services.projects.commands import check_activities, move_project
from services.projects.domain import Project
from services.projects.storage import ProjectsUnitOfWork, metadata

AT = datetime(2026, 12, 1, tzinfo=timezone.utc)


@pytest.fixture
def url(tmp_path):
    url = f"sqlite:///{tmp_path}/projects.db"
    upgrade("projects", url)
    return url


@pytest.fixture
def uow(url):
    opened, engines = [], []

    def open_one():
        engines.append(make_engine(url))
        opened.append(ProjectsUnitOfWork(sessionmaker(engines[-1], expire_on_commit=False)(), "projects"))
        return opened[-1]

    yield open_one
    for each in opened:
        each.close()
    for engine in engines:
        engine.dispose()


def types(store):
    return [row.type for row in store.session.execute(select(outbox).order_by(outbox.c.id))]


def test_the_migrations_build_the_tables_as_declared(url):
    engine = make_engine(url)
    with engine.connect() as connection:
        differences = compare_metadata(MigrationContext.configure(connection, opts={"compare_type": True}), metadata)
    engine.dispose()
    assert differences == []


def test_the_seeded_areas_each_have_their_own_working_group(uow):
    store = uow()
    groups = store.groups.list()
    assert len(groups) == 19 and sorted(len(group.areas) for group in groups) == [1] * 19
    assert {group.name for group in groups} >= {"Elderly 老年人 working group"}


def test_an_occurrence_two_replicas_saw_scheduled_is_missed_once(uow):
    first = uow()
    project = Project.create("clerk", AT, name="Falls", intervention_area="elderly")
    first.projects.add(project)
    today = sitetime.today()  # the timer's day
    activity, made = Activity.schedule(today, "clerk", AT, project_id=project.id, name="call",
                                       owner_department="civil_affairs", grid_code="G1", frequency="daily",
                                       starts_on=today - timedelta(days=2))
    first.activities.add(activity)
    first.occurrences.add_many(made)
    first.commit()

    stale = uow().occurrences.past_due(today)  # a replica's look, before the other's
    assert len(stale) == 2
    assert check_activities(uow()) == (0, 2)
    other = uow()
    assert [o for o in stale if o.miss(today, AT) and other.occurrences.save_if_scheduled(o)] == []
    other.commit()
    assert types(uow()).count("activity.missed") == 2
    assert check_activities(uow()) == (0, 0)


def schedule_daily(store, project, starts_on):
    activity, made = Activity.schedule(sitetime.today(), "clerk", AT, project_id=project.id, name="call",
                                       owner_department="civil_affairs", grid_code="G1", frequency="daily",
                                       starts_on=starts_on)
    store.activities.add(activity)
    store.occurrences.add_many(made)
    return activity


def statuses(store, project_id):
    found = store.occurrences.list({"project_id": project_id}, 500, 0)
    return {status: sum(o.status == status for o in found) for status in {o.status for o in found}}


def test_a_suspended_projects_occurrences_are_cancelled_never_missed_and_back_when_it_resumes(uow):
    store = uow()
    today = sitetime.today()
    project = Project.create("clerk", AT, name="Falls", intervention_area="elderly")
    store.projects.add(project)
    schedule_daily(store, project, today - timedelta(days=2))
    store.commit()
    for stage in ("active", "suspended"):
        move_project(store, Caller("lead", frozenset()), project.id, {"to": stage, "reason": None})
        store.commit()
    assert statuses(uow(), project.id) == {"scheduled": 2, "cancelled": 32}
    assert check_activities(uow()) == (0, 0)
    move_project(store, Caller("lead", frozenset()), project.id, {"to": "active", "reason": None})
    store.commit()
    assert statuses(uow(), project.id) == {"scheduled": 34}
    assert check_activities(uow()) == (0, 2)


def assignment_event(type_, assignment_id, term_to):
    """As the consumer reads it off the queue: dates as text."""
    from safecommunity.envelope import new_event, read_envelope
    data = {"assignment_id": assignment_id, "person_key": "r-1", "role": "working_group_lead", "grid_code": None,
            "department_code": "civil_affairs", "term_from": date(2025, 1, 1), "term_to": term_to}
    return read_envelope(new_event(type_, data, source="/safecommunity/registry").to_json())


def test_the_registrys_assignments_are_kept_once_and_an_end_stays_when_its_start_comes_again(uow):
    from services.projects.commands import keep_assignments
    consumer = "projects.handle_assignment_changed"
    open_consumer = lambda: ProjectsUnitOfWork(uow().session, "projects", consumer)  # noqa: E731
    started = assignment_event("assignment.started", "a-1", date(2027, 12, 31))
    keep_assignments(open_consumer(), [started, started])
    assert uow().people.get("a-1").last_day == date(2027, 12, 31)
    ended = assignment_event("assignment.ended", "a-1", date(2026, 1, 31))
    keep_assignments(open_consumer(), [ended])
    keep_assignments(open_consumer(), [started, ended])  # both again: the inbox knows them
    assert uow().people.get("a-1").ended_on == date(2026, 1, 31)
    keep_assignments(open_consumer(), [assignment_event("assignment.started", "a-1", date(2027, 12, 31))])  # late
    store = uow()
    kept = store.people.get("a-1")
    assert (kept.term_to, kept.ended_on, kept.role) == (date(2027, 12, 31), date(2026, 1, 31), "working_group_lead")
    assert not kept.current_on(date(2026, 3, 1)) and set(store.people.known(["a-1", "a-2"])) == {"a-1"}
    with pytest.raises(NotFound):
        store.people.get("a-2")
