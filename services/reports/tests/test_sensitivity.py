"""Which tags are sensitive, as reports learns it from the registry's resident events."""
from sqlalchemy import create_engine, select
from sqlalchemy.orm import Session

from safecommunity.contracts.registry import ResidentRegisteredSchema, ResidentTaggedSchema
from safecommunity.envelope import Event
from services.reports.projections import project
from services.reports.storage import ReadModels, rebuild_read_models
from services.reports.tables import metadata, tag_sensitivity

KEY = {"resident_id": "r1", "grid_code": "G1", "sex": "female", "birth_year": 1940, "residence_type": "permanent"}


def resident(type_, **data):
    return Event(type=type_, source="/t", data={**KEY, **data})


EVENTS = [
    resident("resident.registered", registered_on="2026-01-01", tags=["elderly", "key_person"],
             sensitive_tags=["key_person"]),
    resident("resident.tagged", tag="addiction", tagged_on="2026-01-02", sensitive=True),
    resident("resident.tagged", tag="disabled", tagged_on="2026-01-02", sensitive=False),
    resident("resident.registered", registered_on="2025-01-01", tags=["old_tag"]),  # before it was said
    # the registry did not have every tag's type at hand: it says nothing, and takes back nothing
    resident("resident.untagged", tag="key_person", untagged_on="2026-01-03", sensitive=None),
    resident("resident.moved_out", tags=["elderly", "addiction", "disabled"], moved_out_on="2026-02-01",
             sensitive_tags=None),
]
LEARNT = {"elderly": False, "key_person": True, "addiction": True, "disabled": False}


def engine_with_the_events():
    engine = create_engine("sqlite://")
    metadata.create_all(engine)
    with Session(engine) as session:
        models = ReadModels(session)
        models.journal(EVENTS)
        project(models, EVENTS)
        session.commit()
    return engine


def sensitivity(engine):
    with Session(engine) as session:
        return ReadModels(session).tag_sensitivity()


def test_reports_learns_which_tags_are_sensitive_from_the_events_and_knows_nothing_of_the_rest():
    assert sensitivity(engine_with_the_events()) == LEARNT  # old_tag: no event said; it is not "not sensitive"


def test_once_an_event_says_a_tag_is_sensitive_no_later_event_takes_it_back():
    engine = engine_with_the_events()
    with Session(engine) as session:
        models = ReadModels(session)
        project(models, [resident("resident.tagged", tag="key_person", tagged_on="2026-03-01", sensitive=False)])
        session.commit()
    assert sensitivity(engine)["key_person"] is True


def test_a_rebuild_learns_the_same_from_the_journal():
    engine = engine_with_the_events()
    with Session(engine) as session:
        before = session.execute(select(tag_sensitivity).order_by(tag_sensitivity.c.tag)).all()
    assert rebuild_read_models(engine) == len(EVENTS)
    with Session(engine) as session:
        assert session.execute(select(tag_sensitivity).order_by(tag_sensitivity.c.tag)).all() == before
    assert sensitivity(engine) == LEARNT


def test_events_from_before_sensitivity_was_said_still_read_and_say_nothing():
    old = {**KEY, "registered_on": "2025-01-01", "tags": ["elderly"]}
    assert ResidentRegisteredSchema().load(old)["sensitive_tags"] is None
    assert ResidentTaggedSchema().load({**KEY, "tag": "elderly", "tagged_on": "2025-01-01"})["sensitive"] is None
