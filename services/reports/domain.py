"""Reports domain: the figures a committee office reads. Pure Python."""
from collections import Counter

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
