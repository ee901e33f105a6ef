"""Fakes for the unit ring: a directory in memory (recipients.Directory: a district, a street, a
community and its grid, with whoever the test appoints) and the delivery log."""
from datetime import date

from safecommunity.errors import NotFound
from services.notifications.recipients import Holder

SINCE = date(2026, 1, 1)


class FakeDirectory:
    def __init__(self, parents=None):
        self.parents = {"G1": "C1", "C1": "S1", "S1": "D1", "D1": None} if parents is None else parents
        self.people, self.kinds, self.hazard_units, self.unit_types = [], {}, {}, {}

    def appoint(self, person_key, role, grid_code=None, department_code=None, term_from=SINCE, term_to=None):
        self.people.append(Holder(f"a-{len(self.people)}", person_key, role, term_from, grid_code,
                                  department_code, term_to))
        return self

    def parent_of(self, grid_code):
        return self.parents.get(grid_code)

    def holders(self, role, grid_code=None):
        return [h for h in self.people if h.role == role and (grid_code is None or h.grid_code == grid_code)]

    def departments_of_kind(self, kind):
        return sorted(code for code, of in self.kinds.items() if of == kind)

    def unit_of_hazard(self, hazard_id):
        return self.hazard_units.get(hazard_id)

    def unit_type(self, unit_id):
        return self.unit_types.get(unit_id)


class FakeDeliveries:
    """The delivery log, as far as acknowledging and sending ask of it."""

    def __init__(self, *notices):
        self.notices, self.saved = {notice.id: notice for notice in notices}, []

    def get(self, delivery_id):
        if delivery_id not in self.notices:
            raise NotFound(delivery_id)
        return self.notices[delivery_id]

    def save_acknowledgement(self, notice):
        self.saved.append(notice)

    def save_progress(self, notices):
        self.saved += notices
