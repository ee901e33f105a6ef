import uuid
from collections import Counter

from sqlalchemy import create_engine, select
from sqlalchemy.orm import Session

from safecommunity.envelope import Event
from services.reports.domain import (
    age_band,
    injury_rates,
    notice_figures,
    population_figures,
    rate_per_1000,
    site_month,
)
from services.reports.periodic import ELEMENTS
from services.reports.projections import EVIDENCE_ELEMENTS, Changes, Hierarchy, project_into
from services.reports.storage import ReadModels
from services.reports.tables import (
    acknowledgements,
    evidence_rollups,
    grid_injuries,
    grid_residents,
    injury_facts,
    injury_rollups,
    metadata,
    notice_rollups,
    other_events,
    population_stats,
    population_tags,
    unit_stats,
)


def test_a_rate_is_per_thousand_residents_and_undefined_without_residents():
    assert rate_per_1000(3, 1500) == 2.0
    assert rate_per_1000(3, 0) is None


def test_age_bands_follow_the_programmes_target_groups():
    assert [age_band(age) for age in (0, 6, 7, 59, 60, 79, 80, 120)] == [
        "0-6", "0-6", "7-14", "45-59", "60-79", "60-79", "80+", "80+"]


def test_population_is_banded_by_age_in_the_year_asked_for():
    figures = population_figures([(1950, "female", "permanent", 3), (2024, "male", "migrant", 2)], 2026)
    assert figures["total"] == 5
    assert figures["age_band"] == Counter({"60-79": 3, "0-6": 2})
    assert figures["residence_type"] == Counter({"permanent": 3, "migrant": 2})


def test_rates_cover_every_grid_with_residents_or_injuries():
    rows, district = injury_rates({"G1": 2, "": 1}, {"G1": 1000, "G2": 500}, {"G1": {"name": "One"}})
    assert rows == [
        {"grid_code": None, "grid_name": None, "residents": 0, "injuries": 1, "rate_per_1000": None},
        {"grid_code": "G1", "grid_name": "One", "residents": 1000, "injuries": 2, "rate_per_1000": 2.0},
        {"grid_code": "G2", "grid_name": None, "residents": 500, "injuries": 0, "rate_per_1000": 0.0},
    ]
    assert district == {"residents": 1500, "injuries": 3, "rate_per_1000": 2.0}


CARD = {"intent": "unintentional", "place": "home", "activity": "leisure", "nature": "fracture",
        "body_part": "lower_limb", "severity": "mild", "outcome": "admitted", "sex": "female",
        "residence_type": "permanent"}
HIERARCHY = Hierarchy({"D": None, "S": "D", "G1": "S", "G2": "S"})


def injury(grid, month, cause="fall", age=81):
    return Event(type="injury.reported", source="/t", data={
        **CARD, "case_id": str(uuid.uuid4()), "grid_code": grid, "injury_time": f"{month}-03T10:00:00+00:00",
        "cause": cause, "age": age})


def test_a_grid_knows_the_grids_above_it_and_the_district():
    assert HIERARCHY.above("G1") == ["S", "D", "*"]
    assert HIERARCHY.above("unknown") == ["*"]


def test_an_injury_is_a_fact_of_its_grid_and_counts_in_every_grid_above_it_once_per_field():
    changes = Changes()
    project_into(changes, HIERARCHY, [injury("G1", "2026-01"), injury("G1", "2026-01"),
                                      injury(None, "2026-02", "animal", 5)])
    facts = changes.rows[injury_facts]
    assert [(f["grid_code"], f["month"], f["cause"], f["age_band"]) for f in facts] == [
        ("G1", "2026-01", "fall", "80+"), ("G1", "2026-01", "fall", "80+"), ("", "2026-02", "animal", "0-6")]
    assert changes.increments[grid_injuries] == Counter({("G1", "2026-01"): 2, ("", "2026-02"): 1})
    rollups = changes.increments[injury_rollups]
    for scope in ("S", "D", "*"):
        assert rollups[(scope, "2026-01", "all", "")] == 2
        assert rollups[(scope, "2026-01", "age_band*cause", "80+*fall")] == 2
    assert not any(scope == "G1" for scope, *_ in rollups)             # its own cases are facts
    assert rollups[("*", "2026-02", "cause", "animal")] == 1 and rollups[("*", "2026-02", "age_band", "0-6")] == 1
    assert sum(n for (scope, _, dim, _), n in rollups.items() if scope == "*" and dim == "all") == 3


def test_a_resident_counts_in_the_grid_and_every_grid_above_it_and_other_types_as_other_events():
    changes = Changes()
    resident = Event(type="resident.registered", source="/t", data={
        "grid_code": "G2", "birth_year": 1950, "sex": "male", "residence_type": "migrant"})
    generated = Event(type="report.generated", source="/t", data={})
    project_into(changes, HIERARCHY, [resident, generated, resident])
    assert changes.increments[population_stats] == Counter(
        {(scope, 1950, "male", "migrant"): 2 for scope in ("G2", "S", "D", "*")})
    assert changes.increments[grid_residents] == Counter({("G2",): 2})
    assert changes.increments[other_events] == Counter({("report.generated", site_month(generated.time), ""): 1})


def test_a_grid_created_in_the_same_batch_places_what_follows_it():
    changes, hierarchy = Changes(), Hierarchy({})
    grid = Event(type="grid.created", source="/t", data={"code": "G9", "name": "Nine", "level": "grid",
                                                         "parent_code": "S9"})
    project_into(changes, hierarchy, [grid, injury("G9", "2026-03")])
    assert changes.increments[injury_rollups][("S9", "2026-03", "all", "")] == 1


def hazard(status="reported", **overrides):
    return {"hazard_id": "h", "category": "fire", "severity": "general", "grid_code": "G1", "status": status,
            "deadline": "2026-06-10T00:00:00+00:00", "reported_at": "2026-06-01T00:00:00+00:00",
            "rectified_at": None, "verified_on_time": None, "overdue": False, "escalations": 0, **overrides}


def test_hazard_figures_rate_rectification_and_count_what_is_open_and_overdue():
    from datetime import datetime, timezone

    from services.reports.domain import hazard_figures
    rows = [hazard("closed", rectified_at="2026-06-03T00:00:00+00:00", verified_on_time=True),
            hazard("verified", rectified_at="2026-06-05T00:00:00+00:00", verified_on_time=False, escalations=1),
            hazard("rectifying", category="gas", severity="major"),
            hazard("notified", deadline="2026-12-31T00:00:00+00:00")]
    figures = hazard_figures(rows, rows, datetime(2026, 7, 1, tzinfo=timezone.utc))
    assert (figures["found"], figures["rectified"], figures["rectification_rate"]) == (4, 2, 50.0)
    assert figures["on_time_rate"] == 50.0 and figures["mean_days_to_rectify"] == 3.0
    assert (figures["open_now"], figures["overdue_now"], figures["major_open_now"]) == (3, 1, 1)
    assert figures["escalations"] == 1 and figures["by_category"] == {"fire": 3, "gas": 1}


def test_hazard_events_keep_one_row_per_hazard_as_its_last_event_left_it():
    from services.reports.tables import hazards
    changes = Changes()
    base = {"hazard_id": "h1", "category": "fire", "severity": "major", "grid_code": "G1",
            "deadline": "2026-06-10T00:00:00+00:00", "at": "2026-06-01T00:00:00+00:00"}
    project_into(changes, HIERARCHY, [
        Event(type="hazard.reported", source="/t", data={**base, "status": "reported", "found_by": "x", "source": "p"}),
        Event(type="hazard.escalated", source="/t", data={**base, "status": "reported", "to_department": "d",
                                                          "level": 1, "automatic": True}),
        Event(type="hazard.rectified", source="/t", data={**base, "status": "rectified",
                                                          "at": "2026-06-04T00:00:00+00:00"})])
    engine = create_engine("sqlite://")
    metadata.create_all(engine)
    with Session(engine) as session:
        ReadModels(session).apply(changes)
        [row] = session.execute(select(hazards)).all()
    assert (row.hazard_id, row.status, row.escalations, row.overdue) == ("h1", "rectified", 1, False)
    assert row.rectified_at == "2026-06-04T00:00:00+00:00" and row.reported_at == "2026-06-01T00:00:00+00:00"


def test_an_accident_counts_its_deaths_injuries_and_loss_in_its_grid_and_above():
    from services.reports.tables import accident_rollups
    changes = Changes()
    project_into(changes, HIERARCHY, [Event(type="accident.reported", source="/t", data={
        "accident_id": "a1", "source": "fire", "kind": "fire", "occurred_at": "2026-05-02T10:00:00+00:00",
        "grid_code": "G1", "deaths": 2, "injuries": 5, "economic_loss": 30000.0, "mass_casualty": False})])
    rollups = changes.increments[accident_rollups]
    for scope in ("G1", "S", "D", "*"):
        assert rollups[(scope, "2026-05", "fire", "deaths")] == 2
        assert rollups[(scope, "2026-05", "fire", "loss")] == 30000.0
        assert rollups[(scope, "2026-05", "fire", "accidents")] == 1


def amended(case_id, grid, month, cause):
    event = injury(grid, month, cause)
    return Event(type="injury.amended", source="/t", data={**event.data, "case_id": case_id, "version": 2,
                                                            "changed": ["cause"]})


def with_case_id(event, case_id):
    return Event(type=event.type, source="/t", data={**event.data, "case_id": case_id})


def test_a_corrected_case_moves_from_the_cells_it_was_in_to_the_ones_it_is_in_live_and_on_rebuild():
    engine = create_engine("sqlite://")
    metadata.create_all(engine)
    first = with_case_id(injury("G1", "2026-01", "fall"), "c1")
    with Session(engine) as session:          # live: the report and its correction in two batches
        models = ReadModels(session)
        changes = Changes(stored_fact=models.fact)
        project_into(changes, HIERARCHY, [first])
        models.apply(changes)
        changes = Changes(stored_fact=models.fact)
        project_into(changes, HIERARCHY, [amended("c1", "G2", "2026-02", "animal")])
        models.apply(changes)
        assert models.rollup("S", ["2026-01", "2026-02"], ["cause"]) == {("cause", "animal"): 1, ("cause", "fall"): 0}
        assert models.fact("c1")["grid_code"] == "G2" and models.fact("c1")["cause"] == "animal"
        assert models.totals_by_scope(["G1", "G2"], ["2026-01", "2026-02"]) == {"G1": 0, "G2": 1}
    changes = Changes()                       # rebuild: both in one go, the fact not written yet
    project_into(changes, HIERARCHY, [first, amended("c1", "G2", "2026-02", "animal")])
    [fact] = changes.rows[injury_facts]
    assert fact["cause"] == "animal" and fact["grid_code"] == "G2"
    assert changes.increments[injury_rollups][("*", "2026-01", "all", "")] == 0
    assert changes.increments[injury_rollups][("*", "2026-02", "cause", "animal")] == 1


def resident_event(type_, grid="G1", **extra):
    return Event(type=type_, source="/t", data={"resident_id": "r1", "grid_code": grid, "sex": "female",
                                                "birth_year": 1940, "residence_type": "permanent", **extra})


def test_residents_move_tag_and_leave_and_the_counts_follow():
    changes = Changes()
    project_into(changes, HIERARCHY, [
        resident_event("resident.registered", tags=["elderly"]),
        resident_event("resident.tagged", tag="disabled", tagged_on="2026-01-01"),
        resident_event("resident.updated", grid="G2", tags=["elderly", "disabled"], changed=["grid_code"],
                       previous={"grid_code": "G1", "sex": "female", "birth_year": 1940,
                                 "residence_type": "permanent"}),
        resident_event("resident.untagged", grid="G2", tag="elderly", untagged_on="2026-02-01")])
    people, tags = changes.increments[population_stats], changes.increments[population_tags]
    assert people[("G1", 1940, "female", "permanent")] == 0 and people[("G2", 1940, "female", "permanent")] == 1
    assert people[("S", 1940, "female", "permanent")] == 1 and people[("*", 1940, "female", "permanent")] == 1
    assert (tags[("G1", "elderly")], tags[("G2", "elderly")], tags[("G2", "disabled")]) == (0, 0, 1)
    assert tags[("*", "disabled")] == 1 and tags[("*", "elderly")] == 0
    project_into(changes, HIERARCHY, [resident_event("resident.moved_out", grid="G2", tags=["disabled"],
                                                     moved_out_on="2026-03-01")])
    assert people[("*", 1940, "female", "permanent")] == 0 and tags[("*", "disabled")] == 0


def test_units_are_counted_by_type_and_risk_grade_and_regrading_moves_them():
    changes = Changes()
    unit = {"unit_id": "u1", "type": "restaurant", "grid_code": "G1"}
    project_into(changes, HIERARCHY, [
        Event(type="unit.registered", source="/t", data={**unit, "risk_grade": None}),
        Event(type="unit.risk_graded", source="/t", data={**unit, "risk_grade": "high", "previous_risk_grade": None})])
    units = changes.increments[unit_stats]
    assert units[("*", "restaurant", "")] == 0 and units[("*", "restaurant", "high")] == 1
    assert units[("G1", "restaurant", "high")] == 1 and units[("S", "restaurant", "high")] == 1


def test_notices_are_counted_by_channel_and_outcome_and_acknowledgements_timed_by_kind():
    changes = Changes()
    sent = [Event(type="notification.sent", source="/t", time="2026-01-31T17:00:00+00:00",  # 1 Feb in Shanghai
                  data={"channel": channel}) for channel in ("sms", "sms", "email")]
    failed = Event(type="notification.failed", source="/t", time="2026-02-03T00:00:00+00:00", data={"channel": "sms"})
    acks = [Event(type="notification.acknowledged", source="/t", data={
        "notification_id": f"n-{n}", "acknowledged_at": "2026-02-03T01:00:00+00:00", "seconds_after_sent": seconds,
        "event_type": "hazard.reported", "severity": "major"}) for n, seconds in enumerate((600, 1200, 3600))]
    project_into(changes, HIERARCHY, sent + [failed] + acks)
    assert changes.increments[notice_rollups] == Counter({
        ("2026-02", "sms", "sent"): 2, ("2026-02", "email", "sent"): 1, ("2026-02", "sms", "failed"): 1})
    rows = changes.rows[acknowledgements]
    figures = notice_figures({("sms", "sent"): 2, ("sms", "failed"): 1, ("email", "sent"): 1},
                             [(r["event_type"], r["severity"], r["seconds"]) for r in rows] + [(None, None, None)])
    assert figures["deliveries"] == [{"channel": "email", "sent": 1, "failed": 0},
                                     {"channel": "sms", "sent": 2, "failed": 1}]
    assert figures["major_hazards"] == {"acknowledged": 3, "median_minutes": 20.0}
    assert figures["by_kind"] == [{"event_type": "hazard.reported", "severity": "major", "acknowledged": 3,
                                   "median_minutes": 20.0, "p90_minutes": 60.0}]
    assert figures["acknowledged"] == 4


def test_evidence_counts_once_in_each_aqt_9001_element_it_is_tagged_with_under_this_services_codes():
    changes = Changes()
    photo = Event(type="evidence.added", source="/t", time="2026-03-31T17:00:00+00:00",  # 1 April in Shanghai
                  data={"elements": ["promotion_projects", "publicity_training", "promotion_projects"]})
    sheet = Event(type="evidence.added", source="/t", time="2026-04-02T00:00:00+00:00",
                  data={"elements": ["publicity_training"]})
    project_into(changes, HIERARCHY, [photo, sheet])
    assert changes.increments[evidence_rollups] == Counter({("2026-04", "projects"): 1, ("2026-04", "publicity"): 2})
    assert set(EVIDENCE_ELEMENTS.values()) == {code for code, _, _ in ELEMENTS}  # all twelve, one to one
    assert len(set(EVIDENCE_ELEMENTS)) == 12


def test_a_project_keeps_its_life_cycle_and_counts_its_activities_done_and_missed_and_its_evidence():
    from services.reports.tables import projects
    occurrence = {"activity_id": "a1", "project_id": "p1", "kind": "visit", "scheduled_on": "2026-03-02"}
    project_into(changes := Changes(), HIERARCHY, [
        Event(type="project.created", source="/t", data={"project_id": "p1", "name": "Falls 防跌倒",
                                                         "intervention_area": "elderly", "status": "new"}),
        Event(type="project.status_changed", source="/t", data={
            "project_id": "p1", "previous_lifecycle": "planned", "lifecycle": "active", "intervention_area": "elderly",
            "at": "2026-03-01T00:00:00+00:00"}),
        *[Event(type="activity.completed", source="/t", data={**occurrence, "occurrence_id": f"o{n}",
                                                              "done_on": "2026-03-02", "reached": 3}) for n in (1, 2)],
        Event(type="activity.missed", source="/t", data={**occurrence, "occurrence_id": "o3", "due_on": "2026-03-08"}),
        Event(type="evidence.added", source="/t", time="2026-03-02T00:00:00+00:00",
              data={"project_id": "p1", "elements": ["promotion_projects"]})])
    engine = create_engine("sqlite://")
    metadata.create_all(engine)
    with Session(engine) as session:
        ReadModels(session).apply(changes)
        [row] = session.execute(select(projects)).all()
    assert (row.lifecycle, row.done, row.missed, row.evidence) == ("active", 2, 1, 1)
