"""Indicators at work: a counted event kept and matched, the registry's events kept for the
denominators, values revalued (indicator.updated when one changes), a new indicator counting the
cases already known, and the timer that keeps rates and shares current."""
from safecommunity import sitetime

from .indicators import AMENDMENTS, COUNTABLE, Indicator, Matcher, below, subject_of, this_month
from .progress import first_day, last_day, months_between, shift

COUNTED = tuple(COUNTABLE) + tuple(AMENDMENTS)
MOST_MONTHS_BACK = 36  # a new indicator counts the known cases of at most this many months


def count_events(store, events, matchers):
    """Counted events: their cases kept (latest payload), then counted by every indicator of their type."""
    cases = {}
    for event in store.inbox.claim(events):
        type_ = AMENDMENTS.get(event.type, event.type)
        cases[(type_, subject_of(type_, event.data))] = event.data
    if cases:
        store.counted_events.keep([{"event_type": t, "subject_id": s, "data": d} for (t, s), d in cases.items()])
        count_cases(store, cases, matchers.current(store))
    store.commit()


def count_cases(store, cases, matchers):
    """Match {(type, subject): data} with {type: Matcher}; hits moved, values revalued."""
    counting = {i.id: i for type_ in {t for t, _ in cases} for i in matchers[type_].indicators}
    before = {key: month for key, month in store.hits.months_of(sorted({s for _, s in cases})).items()
              if key[0] in counting}
    after = {(indicator.id, subject): month for (type_, subject), data in cases.items()
             for indicator, month in matchers[type_].counting(data)}
    dropped = before.keys() - after.keys()
    moved = {key: month for key, month in after.items() if before.get(key) != month}
    store.hits.drop(dropped)
    store.hits.put(moved)
    touched = {(key[0], before[key]) for key in dropped | moved.keys() if key in before}
    revalue(store, counting, touched | {(key[0], month) for key, month in moved.items()})


class Matchers:
    """This process's Matcher of each countable event type, made again when an indicator or a grid
    was added (here or by another replica: the version is read from the database each batch)."""

    def __init__(self):
        self.version, self.by_type = None, {}

    def current(self, store):
        version = store.indicators.counting_version() + (store.registry.grid_count(),)
        if version != self.version:
            found, parents = store.indicators.counting(tuple(COUNTABLE)), store.registry.parents()
            self.by_type = {t: Matcher(t, found.get(t, []), parents) for t in COUNTABLE}
            self.version = version
        return self.by_type


def revalue(store, indicators, pairs, parents=None, fresh_denominators=False):
    """Each (indicator id, month)'s value from its cases counted and its denominator (the one the
    month has already unless `fresh_denominators`); indicator.updated for each that changed."""
    if not pairs:
        return []
    previous = store.values.get_many(pairs)
    counts = store.hits.counts([pair for pair in pairs if indicators[pair[0]].counts])
    denominators = Denominators(store, parents)
    changed = []
    for indicator_id, month in sorted(pairs):
        indicator, before = indicators[indicator_id], previous.get((indicator_id, month))
        if indicator.share:
            numerator, denominator = denominators.share(indicator, month)
        else:
            numerator = counts[(indicator_id, month)]
            keep = before is not None and before.denominator and not fresh_denominators  # 0: counted too early
            denominator = before.denominator if keep else denominators.per(indicator, month)
        value = indicator.revalue(before, month, float(numerator), denominator)
        if value is not before:
            changed.append(value)
            store.track(indicator)
    store.values.put(changed)
    return changed


class Denominators:
    """A batch's denominators, each counted once however many indicators share it."""

    def __init__(self, store, parents=None):
        self.store, self._parents, self.known = store, parents, {}

    @property
    def parents(self):
        if self._parents is None:  # read only when a denominator has a grid scope to count in
            self._parents = self.store.registry.parents()
        return self._parents

    def _once(self, key, count):
        if key not in self.known:
            self.known[key] = count()
        return self.known[key]

    def per(self, indicator, month):
        if not indicator.per:
            return None
        grids = below(indicator.grids, self.parents)
        scope = tuple(sorted(indicator.grids))
        if "residents" in indicator.per:
            conditions = indicator.per["residents"]
            key = ("residents", scope, tuple(sorted((k, str(v)) for k, v in conditions.items())), month[:4])
            return float(self._once(key, lambda: self.store.registry.residents(grids, conditions, month)))
        unit_type = indicator.per["units"]["type"]
        return float(self._once(("units", scope, unit_type), lambda: self.store.registry.units(grids, unit_type)))

    def share(self, indicator, month):
        """(numerator, denominator) of a share for the month."""
        if indicator.share["of"] == "facilities":
            grids, share = below(indicator.grids, self.parents), indicator.share
            return self.store.registry.facilities(grids, share["type"], share["status"])
        counts = self.store.progress.occurrences_by_month(
            indicator.project_id, first_day(month), last_day(month), sitetime.today()).get(month)
        return (counts["done"], counts["done"] + counts["missed"]) if counts else (0, 0)


def define_indicator(store, project_id, actor, definition):
    """A new indicator of the project, counting at once the cases already known (up to
    MOST_MONTHS_BACK months); the caller commits."""
    indicator = Indicator.define(project_id, actor, **definition)
    store.indicators.add(indicator)
    now = this_month()
    months = {now}
    if indicator.counts:
        parents = store.registry.parents() if indicator.grids else {}
        hits = {}
        for data in store.counted_events.of_type(indicator.event_type):
            month = indicator.counted_month(data, parents)
            if month and shift(now, -MOST_MONTHS_BACK) < month <= now:
                hits[(indicator.id, subject_of(indicator.event_type, data))] = month
        store.hits.put(hits)
        months = set(months_between(min(set(hits.values()) | months), now))
    elif indicator.share["of"] == "occurrences":
        months.add(shift(now, -1))
    revalue(store, {indicator.id: indicator}, {(indicator.id, month) for month in months})
    return indicator


def refresh_indicators(store):
    """The timer's work: this month's value of every indicator (a month with no case is a 0), rates
    with today's denominators, shares of occurrences for last month too (reports of late work), and
    any month whose denominator was 0 when counted (the registry's events had not come yet)."""
    now = this_month()
    indicators = {indicator.id: indicator for indicator in store.indicators.all()}
    pairs = {(indicator_id, now) for indicator_id in indicators}
    pairs |= {(i.id, shift(now, -1)) for i in indicators.values() if i.share and i.share["of"] == "occurrences"}
    pairs |= {pair for pair in store.values.unvalued() if pair[0] in indicators}  # a denominator 0 when counted
    changed = revalue(store, indicators, pairs, fresh_denominators=True)
    store.commit()
    return len(changed)


# the registry's events, as the denominators and grid scopes need them
def keep_registry(store, events):
    for event in store.inbox.claim(events):
        REGISTRY_STEPS[event.type](store.registry, event.data)
    store.commit()


REGISTRY_STEPS = {
    "grid.created": lambda view, data: view.grid_created(data),
    "resident.registered": lambda view, data: view.resident_is(data, data.get("tags", [])),
    "resident.updated": lambda view, data: view.resident_is(data, data.get("tags")),
    "resident.moved_out": lambda view, data: view.resident_moved_out(data),
    "resident.tagged": lambda view, data: view.resident_is(data, None) or view.resident_tagged(data, True),
    "resident.untagged": lambda view, data: view.resident_is(data, None) or view.resident_tagged(data, False),
    "unit.registered": lambda view, data: view.unit_is(data),
    "unit.updated": lambda view, data: view.unit_is(data),
    "facility.registered": lambda view, data: view.facility_is(data),
    "facility.updated": lambda view, data: view.facility_is(data),
    "facility.inspected": lambda view, data: view.facility_is(data),
}
