"""Reports domain: the figures a committee office reads. Pure Python."""


def rate_per_1000(count, residents):
    return round(count * 1000 / residents, 2) if residents else None


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
