"""Reports domain: the figures a committee office reads. Pure Python."""
import math
from collections import Counter
from datetime import datetime, timezone

from safecommunity import sitetime

# Bands as injury surveillance and the programme's target groups use them.
AGE_BANDS = (("0-6", 0, 6), ("7-14", 7, 14), ("15-24", 15, 24), ("25-44", 25, 44), ("45-59", 45, 59),
             ("60-79", 60, 79), ("80+", 80, 200))
ELDERLY = ("60-79", "80+")
CHILDREN = ("0-6",)


def age_band(age):
    return next(name for name, low, high in AGE_BANDS if low <= age <= high)


def rate_per_1000(count, residents):
    return round(count * 1000 / residents, 2) if residents else None


def months_of(year, month=None):
    return [f"{year:04d}-{m:02d}" for m in ([month] if month else range(1, 13))]


def population_figures(population, year):
    """Residents in total, by age band, and by residence type, ages as of the year."""
    by_band, by_residence, total = Counter(), Counter(), 0
    for birth_year, _sex, residence, residents in population:
        by_band[age_band(max(0, min(year - birth_year, 120)))] += residents
        by_residence[residence] += residents
        total += residents
    return {"total": total, "age_band": by_band, "residence_type": by_residence}


def injury_rates(injuries, residents, names):
    """Rows per grid (every grid with residents or injuries) and the district's totals."""
    codes = sorted(set(injuries) | set(residents))
    rows = [{"grid_code": code or None, "grid_name": names.get(code, {}).get("name"),
             "residents": residents.get(code, 0), "injuries": injuries.get(code, 0),
             "rate_per_1000": rate_per_1000(injuries.get(code, 0), residents.get(code, 0))}
            for code in codes]
    total_injuries, total_residents = sum(injuries.values()), sum(residents.values())
    return rows, {"residents": total_residents, "injuries": total_injuries,
                  "rate_per_1000": rate_per_1000(total_injuries, total_residents)}


def percent(part, whole):
    return round(part * 100 / whole, 1) if whole else None


RECTIFIED = ("rectified", "verified", "closed")


def hazard_figures(reported_in_period, in_scope, now):
    """Rectification figures of the hazards reported in the period, and what is open now."""
    rectified = [h for h in reported_in_period if h["status"] in RECTIFIED]
    checked = [h for h in reported_in_period if h["verified_on_time"] is not None]
    on_time = sum(1 for h in checked if h["verified_on_time"])
    days = [(_moment(h["rectified_at"]) - _moment(h["reported_at"])).total_seconds() / 86400
            for h in rectified if h["rectified_at"]]
    open_now = [h for h in in_scope if h["status"] != "closed"]
    overdue_now = [h for h in open_now if h["status"] not in RECTIFIED
                   and (h["overdue"] or _moment(h["deadline"]) < now)]
    return {"available": True, "found": len(reported_in_period), "rectified": len(rectified),
            "rectification_rate": percent(len(rectified), len(reported_in_period)),
            "verified": len(checked), "verified_on_time": on_time, "on_time_rate": percent(on_time, len(checked)),
            "mean_days_to_rectify": round(sum(days) / len(days), 1) if days else None,
            "escalations": sum(h["escalations"] for h in reported_in_period),
            "open_now": len(open_now), "overdue_now": len(overdue_now),
            "major_open_now": sum(1 for h in open_now if h["severity"] == "major"),
            "by_category": dict(Counter(h["category"] for h in reported_in_period).most_common())}


def accident_figures(amounts):
    """Totals and per-kind counts from {(kind, measure): amount}."""
    totals = Counter()
    by_kind = Counter()
    for (kind, measure), amount in amounts.items():
        totals[measure] += amount
        if measure == "accidents":
            by_kind[kind] += amount
    return {"accidents": int(totals["accidents"]), "deaths": int(totals["deaths"]),
            "injuries": int(totals["injuries"]), "economic_loss": round(totals["loss"], 2),
            "mass_casualty": int(totals["mass_casualty"]),
            "by_kind": {kind: int(n) for kind, n in by_kind.most_common()}}


def _moment(text):
    moment = datetime.fromisoformat(text)
    return moment if moment.tzinfo else moment.replace(tzinfo=timezone.utc)


def site_month(text):
    """'YYYY-MM' of the site's calendar month an event's ISO instant falls in (never the UTC one:
    in Shanghai 2026-01-31T23:00Z is a February case)."""
    return sitetime.month_of(_moment(text))


# A dispute's mediation (预警 → 排查 → 调处), as incidents names its steps.
DISPUTE_STAGES = ("warned", "investigated", "mediated")


def public_order_figures(rows, months, parts, names):
    """Public-order events of the period: by kind, by month, by the grids one level down (`parts`:
    {grid code: the codes in and under it}) and disputes by how far their mediation has gone."""
    by_month, by_stage = Counter(row["month"] for row in rows), Counter(
        row["stage"] for row in rows if row["kind"] == "dispute")
    return {"total": len(rows), "by_kind": dict(Counter(row["kind"] for row in rows).most_common()),
            "by_month": {month: by_month.get(month, 0) for month in months},
            "by_grid": [{"grid_code": code, "grid_name": names.get(code, {}).get("name"),
                         "events": sum(1 for row in rows if row["grid_code"] in codes)}
                        for code, codes in parts.items()],
            "disputes": {"total": sum(by_stage.values()),
                         "by_stage": {stage: by_stage.get(stage, 0) for stage in DISPUTE_STAGES}}}


def unit_figures(units):
    """Totals by type and by risk grade from {(type, risk grade): units}."""
    by_type, by_grade = Counter(), Counter()
    for (type_, grade), count in units.items():
        by_type[type_] += count
        by_grade[grade or "ungraded"] += count
    return {"total": sum(by_type.values()), "by_type": dict(by_type.most_common()),
            "by_risk_grade": dict(by_grade.most_common())}


def facility_figures(rows, today):
    in_order = sum(1 for row in rows if row["status"] == "in_order")
    overdue = sum(1 for row in rows if row["next_inspection_due"] < today.isoformat())
    return {"total": len(rows), "in_order": in_order, "in_order_rate": percent(in_order, len(rows)),
            "overdue_inspection": overdue, "by_type": dict(Counter(row["type"] for row in rows).most_common())}


def rental_figures(rows):
    signed = sum(1 for row in rows if row["letter_signed"])
    scores = [row["inspection_score"] for row in rows if row["inspection_score"] is not None]
    return {"total": len(rows), "group_rentals": sum(1 for row in rows if row["group_rental"]),
            "tenants": sum(row["tenants"] for row in rows), "letter_signed": signed,
            "letter_signed_rate": percent(signed, len(rows)),
            "mean_inspection_score": round(sum(scores) / len(scores), 1) if scores else None}


def volunteer_figures(rows, residents):
    return {"active": len(rows), "certified": sum(1 for row in rows if row["certified"]),
            "per_100_residents": percent(len(rows), residents),
            "by_type": dict(Counter(row["type"] for row in rows).most_common())}


def notice_figures(deliveries, acknowledged):
    """Deliveries {(channel, status): n} and acknowledgements [(event_type, severity, seconds)] of the
    period: sent and failed per channel, and per kind of notice the count and the median and 90th
    percentile of minutes to acknowledge (a major hazard's median is a KPI)."""
    channels = sorted({channel for channel, _ in deliveries})
    times = {}
    for event_type, severity, seconds in acknowledged:
        if seconds is not None:
            times.setdefault((event_type, severity), []).append(seconds / 60)
    return {"deliveries": [{"channel": channel, "sent": deliveries.get((channel, "sent"), 0),
                            "failed": deliveries.get((channel, "failed"), 0)} for channel in channels],
            "acknowledged": len(acknowledged),
            "by_kind": [{"event_type": event_type, "severity": severity, "acknowledged": len(minutes),
                         "median_minutes": _quantile(minutes, 0.5), "p90_minutes": _quantile(minutes, 0.9)}
                        for (event_type, severity), minutes in sorted(times.items(), key=lambda item: str(item[0]))],
            "major_hazards": {"acknowledged": len(times.get(MAJOR_HAZARD, [])),
                              "median_minutes": _quantile(times.get(MAJOR_HAZARD, []), 0.5)}}


MAJOR_HAZARD = ("hazard.reported", "major")


def _quantile(values, share):
    """The value below which `share` of them fall (nearest rank), to 0.1; None for none."""
    if not values:
        return None
    ordered = sorted(values)
    return round(ordered[min(len(ordered) - 1, max(0, math.ceil(len(ordered) * share) - 1))], 1)
