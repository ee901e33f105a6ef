from datetime import date

import pytest
from sqlalchemy import create_engine
from sqlalchemy.orm import Session

from safecommunity.auth import anonymous_caller, token_caller
from safecommunity.envelope import Event
from services.reports import kpis
from services.reports.dashboard import Selection, dashboard, kpi_list
from services.reports.projections import project
from services.reports.storage import ReadModels
from services.reports.suppression import (
    DASHBOARD,
    EXACT,
    INJURY_RATES,
    SUMMARY,
    SUPPRESSED,
    Audience,
    audience_of,
    hide,
    hide_kpis,
    masked,
    shown,
    visible_tags,
)
from services.reports.tables import metadata

PUBLIC = Audience(5)


def test_a_count_from_one_to_under_the_threshold_is_shown_as_less_than_the_threshold():
    assert [masked(n, 5) for n in (0, 1, 4, 5, 12, None)] == [0, "<5", "<5", 5, 12, None]
    assert masked(2, 10) == "<10" and masked(True, 5) is True  # a flag is not a count


def test_only_a_caller_with_reports_read_sees_exact_figures():
    assert audience_of(token_caller("office", ["reports:read"]), 5) is EXACT
    assert audience_of(token_caller("clerk", ["registry:read"]), 5) == PUBLIC
    assert audience_of(anonymous_caller({}), 5) == PUBLIC


def test_a_rate_is_withheld_when_its_numerator_or_its_denominator_is_small():
    rows = [{"grid_code": "G1", "residents": 800, "injuries": 3, "rate_per_1000": 3.75},
            {"grid_code": "G2", "residents": 2, "injuries": 0, "rate_per_1000": 0.0},
            {"grid_code": "G3", "residents": 900, "injuries": 0, "rate_per_1000": 0.0},
            {"grid_code": "G4", "residents": 900, "injuries": 9, "rate_per_1000": 10.0}]
    public = hide({"grids": rows, "district": {"residents": 2602, "injuries": 12, "rate_per_1000": 4.61}},
                  INJURY_RATES, 5)
    assert [(r["residents"], r["injuries"], r["rate_per_1000"]) for r in public["grids"]] == [
        (800, "<5", None), ("<5", 0, None), (900, 0, 0.0), (900, 9, 10.0)]
    assert public["district"] == {"residents": 2602, "injuries": 12, "rate_per_1000": 4.61}


def test_a_share_is_withheld_when_the_total_it_is_a_share_of_is_small():
    answer = {"totals": {"injuries": 3}, "by_cause": [{"value": "fall", "injuries": 3, "share": 100.0}]}
    assert hide(answer, DASHBOARD, 5)["by_cause"] == [{"value": "fall", "injuries": "<5", "share": None}]
    answer = {"totals": {"injuries": 40}, "by_cause": [{"value": "fall", "injuries": 30, "share": 75.0}]}
    assert hide(answer, DASHBOARD, 5)["by_cause"][0]["share"] == 75.0


def test_every_key_of_a_table_of_counts_is_masked_and_what_is_not_a_count_is_left_alone():
    answer = {"hazards": {"available": True, "by_category": {"fire": 2, "gas": 7}, "open_now": 1},
              "trend": {"months": ["01", "02"], "this_year": [1, None], "last_year": [0, 6]},
              "projects": [{"name": "Falls", "status": "new"}]}
    public = hide(answer, DASHBOARD, 5)
    assert public["hazards"] == {"available": True, "by_category": {"fire": "<5", "gas": 7}, "open_now": "<5"}
    assert public["trend"] == {"months": ["01", "02"], "this_year": ["<5", None], "last_year": [0, 6]}
    assert public["projects"] == answer["projects"]


def test_a_kpi_that_is_a_count_is_masked_and_one_computed_from_a_small_count_is_suppressed():
    rows = [{"code": "injury_deaths", "value": 2, "status": "red"},
            {"code": "injury_rate", "value": 0.5, "status": "no_target"},
            {"code": "elderly_injury_rate", "value": 4.0, "status": "no_target"}]
    inputs = {"injury_deaths": kpis.COUNT, "injury_rate": [20, 40000], "elderly_injury_rate": [9, 3, 2000, 1000]}
    public = {row["code"]: (row["value"], row["status"]) for row in hide_kpis(rows, inputs, 5)}
    assert public == {"injury_deaths": ("<5", "red"), "injury_rate": (0.5, "no_target"),
                      "elderly_injury_rate": (None, SUPPRESSED)}


def test_every_kpi_with_a_value_says_what_it_is_computed_from():
    assert set(kpis.INPUTS) == set(kpis.COMPUTE)


def test_exact_figures_are_the_answer_itself_and_suppressed_ones_say_under_what():
    answer = {"injuries": 3, "residents": 9, "grids": 2, "projects": 0, "events_kept": 3}
    assert shown(answer, SUMMARY, EXACT) is answer
    assert shown(answer, SUMMARY, PUBLIC) == {"injuries": "<5", "residents": 9, "grids": "<5", "projects": 0,
                                              "events_kept": 3, "suppressed_below": 5}


def test_the_public_sees_only_tags_the_registry_said_are_not_sensitive():
    counts = {"elderly": 3, "mental_health": 2, "new_tag": 9}
    sensitivity = {"elderly": False, "mental_health": True}  # new_tag: no event has said
    assert visible_tags(counts, sensitivity, PUBLIC) == {"elderly": 3}
    assert visible_tags(counts, sensitivity, EXACT) == counts


def registry_and_one_injury():
    grid = {"code": "G1", "name": "One", "level": "grid", "parent_code": None}
    resident = {"resident_id": "r1", "grid_code": "G1", "sex": "female", "birth_year": 1940,
                "residence_type": "permanent", "registered_on": "2026-01-01", "tags": ["elderly", "key_person"],
                "sensitive_tags": ["key_person"]}
    case = {"case_id": "c1", "grid_code": "G1", "injury_time": f"{date.today():%Y-%m}-01T08:00:00+00:00",
            "age": 86, **{name: value for name, value in CARD.items()}}
    hazard = {"hazard_id": "h1", "category": "fire", "severity": "major", "grid_code": "G1", "status": "reported",
              "deadline": "2099-01-01T00:00:00+00:00", "at": f"{date.today():%Y-%m}-02T00:00:00+00:00"}
    accident = {"kind": "fire", "grid_code": "G1", "occurred_at": f"{date.today():%Y-%m}-03T00:00:00+00:00",
                "deaths": 1, "injuries": 2, "economic_loss": 9000.0, "mass_casualty": False}
    facility = {"facility_id": "f1", "type": "hydrant", "grid_code": "G1", "status": "in_order",
                "next_inspection_due": "2099-01-01"}
    rental = {"rental_id": "p1", "grid_code": "G1", "group_rental": True, "letter_signed": True, "tenants": 3,
              "inspection_score": 7}
    volunteer = {"volunteer_id": "v1", "grid_code": "G1", "type": "fire", "certified": True}
    unit = {"unit_id": "u1", "type": "market", "grid_code": "G1", "risk_grade": "high"}
    return [Event(type=type_, source="/t", data=data) for type_, data in (
        ("grid.created", grid), ("resident.registered", resident), ("injury.reported", case),
        ("hazard.reported", hazard), ("accident.reported", accident), ("facility.registered", facility),
        ("rental.registered", rental), ("volunteer.registered", volunteer), ("unit.registered", unit))]


CARD = {"cause": "fall", "intent": "unintentional", "place": "home", "activity": "housework", "nature": "fracture",
        "body_part": "lower_limb", "severity": "severe", "outcome": "died", "sex": "female",
        "residence_type": "permanent"}
NOT_FIGURES = ("period", "target", "amber", "suppressed_below")


def small_figures(answer, path=""):
    """Paths of every number from 1 to 4 in an answer (the period, KPI targets and margins aside)."""
    if isinstance(answer, dict):
        return [found for key, value in answer.items() if key not in NOT_FIGURES
                for found in small_figures(value, f"{path}/{key}")]
    if isinstance(answer, list):
        return [found for i, value in enumerate(answer) for found in small_figures(value, f"{path}/{i}")]
    small = isinstance(answer, int | float) and not isinstance(answer, bool) and 0 < answer < 5
    return [path] if small else []


@pytest.fixture
def models():
    engine = create_engine("sqlite://")
    metadata.create_all(engine)
    with Session(engine) as session:
        read_models = ReadModels(session)
        project(read_models, registry_and_one_injury())
        yield read_models


def test_a_dashboard_of_one_of_everything_shows_the_public_no_figure_under_five(models):
    exact = dashboard(models, Selection(models, date.today().year, grid="G1"))
    assert small_figures(exact)  # there is something to hide
    for grid in (None, "G1"):
        public = dashboard(models, Selection(models, date.today().year, grid=grid), PUBLIC)
        assert small_figures(public) == [], grid
        assert public["registry"]["tags"] == {"elderly": "<5"}
        assert public["totals"]["rate_per_1000"] is None and public["accidents"]["economic_loss"] is None
        assert public["registry"]["facilities"]["in_order_rate"] is None
        assert small_figures(kpi_list(models, Selection(models, date.today().year, grid=grid), PUBLIC)) == []
    assert exact["registry"]["tags"] == {"elderly": 1, "key_person": 1}
