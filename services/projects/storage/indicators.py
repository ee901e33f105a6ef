"""Indicators: their definitions, values by month, the cases each counts, the countable events
kept, and the registry as far as denominators and grid scopes need it."""
from sqlalchemy import and_, delete, func, select, tuple_

from safecommunity.bulk import upsert_rows

from ..indicators import Indicator, Value, age_band
from .base import Repository, row_values
from .tables import (
    counted_events,
    indicator_hits,
    indicator_values,
    indicators,
    registry_facilities,
    registry_grids,
    registry_resident_tags,
    registry_residents,
    registry_units,
)


class IndicatorRepository(Repository):
    table, aggregate, what = indicators, Indicator, "indicator"

    def of_project(self, project_id):
        return self.select(select(indicators).where(indicators.c.project_id == project_id)
                           .order_by(indicators.c.code))

    def counting(self, event_types):
        """{event type: [indicators counting it]}."""
        found = {}
        for indicator in self.select(select(indicators).where(indicators.c.event_type.in_(event_types))):
            found.setdefault(indicator.event_type, []).append(indicator)
        return found

    def counting_version(self):
        """(how many indicators count events, the latest made): a change means a matcher is stale."""
        c = indicators.c
        return tuple(self.session.execute(select(func.count(), func.max(c.created_at)).where(c.event_type.isnot(None)))
                     .one())

    def all(self):
        return self.select(select(indicators).order_by(indicators.c.project_id, indicators.c.code))


class ValueRepository:
    def __init__(self, uow):
        self.session = uow.session

    def get_many(self, pairs):
        """{(indicator id, month): Value} of the pairs that have one."""
        if not pairs:
            return {}
        v = indicator_values.c
        rows = self.session.execute(select(indicator_values).where(tuple_(v.indicator_id, v.month).in_(list(pairs))))
        return {(row.indicator_id, row.month): Value(**row_values(row)) for row in rows}

    def put(self, values):
        upsert_rows(self.session, indicator_values, [dict(value.__dict__) for value in values])

    def unvalued(self, most=1000):
        """(indicator id, month) of values with no value: a rate whose denominator was 0."""
        v = indicator_values.c
        return {(row.indicator_id, row.month) for row in self.session.execute(
            select(v.indicator_id, v.month).where(v.value.is_(None)).order_by(v.month.desc()).limit(most))}

    def series(self, indicator_ids, first=None, last=None):
        """{indicator id: [Value, oldest month first]}."""
        if not indicator_ids:
            return {}
        v = indicator_values.c
        query = select(indicator_values).where(v.indicator_id.in_(indicator_ids))
        if first:
            query = query.where(v.month >= first)
        if last:
            query = query.where(v.month <= last)
        found = {indicator_id: [] for indicator_id in indicator_ids}
        for row in self.session.execute(query.order_by(v.month)):
            found[row.indicator_id].append(Value(**row_values(row)))
        return found


class HitRepository:
    """Which case each indicator counts, in which month: an amendment moves or drops its count."""

    def __init__(self, uow):
        self.session = uow.session

    def months_of(self, subject_ids):
        """{(indicator id, subject id): month} the subjects count in now."""
        if not subject_ids:
            return {}
        h = indicator_hits.c
        rows = self.session.execute(select(h.indicator_id, h.subject_id, h.month).where(h.subject_id.in_(subject_ids)))
        return {(row.indicator_id, row.subject_id): row.month for row in rows}

    def put(self, hits):
        upsert_rows(self.session, indicator_hits, [{"indicator_id": i, "subject_id": s, "month": m}
                                              for (i, s), m in hits.items()])

    def drop(self, keys):
        h = indicator_hits.c
        if keys:
            self.session.execute(delete(indicator_hits).where(tuple_(h.indicator_id, h.subject_id).in_(list(keys))))

    def drop_indicator(self, indicator_id):
        self.session.execute(delete(indicator_hits).where(indicator_hits.c.indicator_id == indicator_id))

    def counts(self, pairs):
        """{(indicator id, month): how many cases} for the pairs."""
        if not pairs:
            return {}
        h = indicator_hits.c
        rows = self.session.execute(select(h.indicator_id, h.month, func.count()).where(
            tuple_(h.indicator_id, h.month).in_(list(pairs))).group_by(h.indicator_id, h.month))
        found = dict.fromkeys(pairs, 0)
        found.update({(indicator_id, month): n for indicator_id, month, n in rows})
        return found


class CountedEvents:
    """The latest payload of every countable case, so that a new indicator counts the past too."""

    def __init__(self, uow):
        self.session = uow.session

    def keep(self, rows):
        upsert_rows(self.session, counted_events, rows)

    def of_type(self, event_type):
        query = select(counted_events.c.data).where(counted_events.c.event_type == event_type)
        return (data for (data,) in self.session.execute(query))


class RegistryView:
    """Grids, residents (by key, never a name), units and facilities, as the registry's events say."""

    def __init__(self, uow):
        self.session = uow.session

    def parents(self):
        return dict(self.session.execute(select(registry_grids.c.code, registry_grids.c.parent_code)).all())

    def grid_count(self):
        return self.session.scalar(select(func.count()).select_from(registry_grids))

    def grid_created(self, data):
        upsert_rows(self.session, registry_grids, [{"code": data["code"], "parent_code": data.get("parent_code")}])

    def resident_is(self, data, tags):
        key = {name: data[name] for name in ("resident_id", "grid_code", "sex", "birth_year", "residence_type")}
        upsert_rows(self.session, registry_residents, [key])
        if tags is not None:
            self.session.execute(delete(registry_resident_tags).where(
                registry_resident_tags.c.resident_id == data["resident_id"]))
            upsert_rows(self.session, registry_resident_tags, [{"resident_id": data["resident_id"], "tag": tag}
                                                          for tag in sorted(set(tags))], keep_existing=True)

    def resident_tagged(self, data, tagged):
        row = {"resident_id": data["resident_id"], "tag": data["tag"]}
        if tagged:
            upsert_rows(self.session, registry_resident_tags, [row], keep_existing=True)
        else:
            self.session.execute(delete(registry_resident_tags).where(
                registry_resident_tags.c.resident_id == row["resident_id"], registry_resident_tags.c.tag == row["tag"]))

    def resident_moved_out(self, data):
        for table in (registry_resident_tags, registry_residents):
            self.session.execute(delete(table).where(table.c.resident_id == data["resident_id"]))

    def unit_is(self, data):
        upsert_rows(self.session, registry_units, [{name: data[name] for name in ("unit_id", "type", "grid_code")}])

    def facility_is(self, data):
        upsert_rows(self.session, registry_facilities, [{name: data[name] for name in
                                                    ("facility_id", "type", "grid_code", "status")}])

    def residents(self, grids, conditions, month):
        """How many residents live in the grids (None: anywhere) and meet the conditions in the month."""
        r = registry_residents.c
        query = select(func.count()).select_from(registry_residents)
        if grids is not None:
            query = query.where(r.grid_code.in_(sorted(grids)))
        band = age_band(conditions.get("age"), month)
        if band and band[0] is not None:
            query = query.where(r.birth_year >= band[0])
        if band and band[1] is not None:
            query = query.where(r.birth_year <= band[1])
        for name in ("sex", "residence_type"):
            if conditions.get(name):
                query = query.where(r[name] == conditions[name])
        if conditions.get("tag"):
            t = registry_resident_tags.c
            query = query.where(select(t.tag).where(and_(t.resident_id == r.resident_id, t.tag == conditions["tag"]))
                                .exists())
        return self.session.scalar(query)

    def units(self, grids, unit_type):
        u = registry_units.c
        query = select(func.count()).select_from(registry_units).where(u.type == unit_type)
        return self.session.scalar(query if grids is None else query.where(u.grid_code.in_(sorted(grids))))

    def facilities(self, grids, facility_type, statuses):
        """(how many of the type are in one of the statuses, how many of the type there are)."""
        f = registry_facilities.c
        base = select(f.status, func.count()).where(f.type == facility_type)
        if grids is not None:
            base = base.where(f.grid_code.in_(sorted(grids)))
        by_status = dict(self.session.execute(base.group_by(f.status)).all())
        return sum(n for status, n in by_status.items() if status in statuses), sum(by_status.values())
