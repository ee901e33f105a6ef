import pytest

from safecommunity.errors import FieldInvalid
from services.reports.periodic import ELEMENTS, PeriodicReport, report_months


def test_a_period_is_the_months_it_covers():
    assert report_months("monthly", 2026, 2) == ["2026-02"]
    assert report_months("quarterly", 2026, 3) == ["2026-07", "2026-08", "2026-09"]
    assert len(report_months("annual", 2026, None)) == 12


@pytest.mark.parametrize("kind, period, field", [
    ("monthly", None, "period"), ("monthly", 13, "period"), ("quarterly", 5, "period"), ("weekly", 1, "kind")])
def test_a_period_that_does_not_exist_is_refused_on_its_field(kind, period, field):
    with pytest.raises(FieldInvalid) as refused:
        report_months(kind, 2026, period)
    assert field in refused.value.messages


FIGURES = {"totals": {"injuries": 12, "rate_per_1000": 4.0, "deaths": 0},
           "by_grid": [{"grid_code": "G1", "grid_name": "One", "rate_per_1000": 5.0},
                       {"grid_code": "G2", "grid_name": "Two", "rate_per_1000": 2.0}],
           "by_cause": [{"value": "fall", "injuries": 7}], "elderly_falls": {"rate_per_1000": 3.5},
           "projects": [{"name": "Falls"}], "kpis": [{"code": "injury_rate_change", "value": -10.0}],
           "evidence": {"projects": 5, "publicity": 2}}


def test_the_self_evaluation_pack_follows_every_aqt_9001_element_with_its_figures():
    report = PeriodicReport.issue("self_evaluation", 2026, None, None, FIGURES)
    elements = report.snapshot["elements"]
    assert [e["code"] for e in elements] == [code for code, _, _ in ELEMENTS] and len(elements) == 12
    by_code = {e["code"]: dict(e["figures"]) for e in elements}
    assert by_code["surveillance"]["injury cases"] == 12
    assert by_code["diagnosis"]["grid with the highest rate"] == "One 5.0 ‰"
    assert by_code["evaluation"]["injury rate change against last year %"] == -10.0
    assert {e["code"]: e["evidence_items"] for e in elements if e["evidence_items"]} == {"projects": 5, "publicity": 2}
    [(type_, data)] = report.collect_events()
    assert type_ == "report.generated" and data["kind"] == "self_evaluation" and data["report_id"] == report.id
