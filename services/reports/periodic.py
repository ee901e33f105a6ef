"""Periodic reports: a snapshot of the figures for a period and grid, kept as issued, and the
annual self-evaluation pack arranged by the elements of AQ/T 9001. Pure Python."""
from dataclasses import dataclass, field
from datetime import datetime, timezone

from safecommunity.domain import Aggregate
from safecommunity.errors import FieldInvalid
from safecommunity.ids import new_id

from .domain import months_of

PERIODS = {"monthly": 12, "quarterly": 4, "annual": None, "self_evaluation": None}
TITLES = {"monthly": ("月度伤害监测与安全促进报告", "Monthly report"),
          "quarterly": ("季度伤害监测与安全促进报告", "Quarterly report"),
          "annual": ("年度伤害监测与安全促进报告", "Annual report"),
          "self_evaluation": ("安全社区年度自评报告", "Annual self-evaluation")}

# AQ/T 9001's elements, in its order (domain.md §8), each with the figures that speak to it.
ELEMENTS = (
    ("organisation", "组织机构", "Organisation"),
    ("resources", "经费与资源", "Funding and resources"),
    ("diagnosis", "事故与伤害风险辨识", "Diagnosis: accident and injury risks"),
    ("projects", "安全促进项目", "Safety-promotion projects"),
    ("high_risk", "高危人群与场所", "High-risk groups and places"),
    ("publicity", "宣传教育与培训", "Publicity, education and training"),
    ("emergency", "应急预案和响应", "Emergency plans and response"),
    ("surveillance", "伤害监测", "Injury surveillance"),
    ("evaluation", "事故与伤害预防效果评价", "Evaluation of effects"),
    ("corrective", "预防与纠正措施", "Preventive and corrective action"),
    ("archives", "档案管理", "Archives"),
    ("improvement", "持续改进", "Continuous improvement"),
)


def report_months(kind, year, period):
    if kind not in PERIODS:
        raise FieldInvalid("kind", f"one of {', '.join(PERIODS)}")
    most = PERIODS[kind]
    if most is None:
        return months_of(year)
    if period is None or not 1 <= period <= most:
        raise FieldInvalid("period", f"a {kind} report needs a period from 1 to {most}")
    if kind == "monthly":
        return months_of(year, period)
    return [f"{year:04d}-{month:02d}" for month in range(3 * period - 2, 3 * period + 1)]


def kpi(figures, code):
    return next((row for row in figures["kpis"] if row["code"] == code), {}).get("value")


def element_figures(figures):
    """{element code: [(label, value)]}: what the read models can say for each element today."""
    totals, grids = figures["totals"], [row for row in figures["by_grid"] if row["rate_per_1000"] is not None]
    riskiest = max(grids, key=lambda row: row["rate_per_1000"], default=None)
    top_causes = ", ".join(f"{row['value']} {row['injuries']}" for row in figures["by_cause"][:3]) or "—"
    return {
        "diagnosis": [("top causes", top_causes),
                      ("grid with the highest rate", f"{riskiest['grid_name'] or riskiest['grid_code']} "
                                                     f"{riskiest['rate_per_1000']} ‰" if riskiest else "—"),
                      ("falls aged 60+ per 1,000 aged 60+", figures["elderly_falls"]["rate_per_1000"])],
        "projects": [("projects", len(figures["projects"]))],
        "high_risk": [("elderly injury rate ‰", kpi(figures, "elderly_injury_rate")),
                      ("child injury rate ‰", kpi(figures, "child_injury_rate")),
                      ("migrant injury rate ‰", kpi(figures, "migrant_injury_rate"))],
        "surveillance": [("injury cases", totals["injuries"]), ("injuries per 1,000", totals["rate_per_1000"]),
                         ("injury deaths", totals["deaths"])],
        "evaluation": [("injury rate change against last year %", kpi(figures, "injury_rate_change"))],
    }


def self_evaluation(figures):
    found = element_figures(figures)
    evidence = figures.get("evidence", {})
    return [{"code": code, "name_zh": zh, "name_en": en, "figures": found.get(code, []),
             "evidence_items": evidence.get(code, 0)} for code, zh, en in ELEMENTS]


@dataclass
class PeriodicReport(Aggregate):
    kind: str
    year: int
    period: int | None
    grid_code: str | None
    snapshot: dict
    generated_at: datetime = field(default_factory=lambda: datetime.now(timezone.utc))
    id: str = field(default_factory=new_id)

    @classmethod
    def issue(cls, kind, year, period, grid_code, figures):
        snapshot = {"title_zh": TITLES[kind][0], "title_en": TITLES[kind][1], "figures": figures}
        if kind == "self_evaluation":
            snapshot["elements"] = self_evaluation(figures)
        report = cls(kind=kind, year=year, period=period, grid_code=grid_code, snapshot=snapshot)
        report.record("report.generated", report_id=report.id, kind=kind, year=year, period=period,
                      grid_code=grid_code, generated_at=report.generated_at)
        return report
