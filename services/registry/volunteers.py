"""Registry domain: volunteers (each a registered resident), their duty certificates (上岗证, needed
to serve the elderly), their pairings with elderly or disabled residents (1:1, 1:N, N:1; ended, never
erased) and volunteer teams. Pure Python. Events carry the volunteer's grid, type and whether they
are certified: never who they are or whom they serve."""
from dataclasses import dataclass, field
from datetime import date

from safecommunity import sitetime
from safecommunity.domain import Aggregate
from safecommunity.errors import Conflict, FieldInvalid, IllegalTransition

from .domain import new_id

VOLUNTEER_TYPES = ("retiree", "teacher", "social_worker", "foreigner", "cycling_team", "enterprise_fire_team",
                   "other")
TEAM_TYPES = ("patrol", "enterprise_fire_team", "cycling_team", "elderly_care", "other")
PAIRED_TAGS = ("elderly", "disabled")  # whom a volunteer may be paired with
DUTY_TAG = "elderly"  # serving someone with this tag needs a valid duty certificate
VOLUNTEER_UPDATABLE = ("type", "certificate_number", "certificate_expires_on")


class PairingConflict(Conflict):
    pass


@dataclass
class Pairing:
    resident_id: str
    since: date
    until: date | None = None


@dataclass
class Volunteer(Aggregate):
    id: str
    resident_id: str
    grid_code: str
    type: str
    registered_on: date
    certificate_number: str | None = None
    certificate_expires_on: date | None = None
    left_on: date | None = None
    pairings: list = field(default_factory=list)  # [Pairing], oldest first

    @classmethod
    def register(cls, resident_id, grid_code, registered_on=None, **fields):
        volunteer = cls(id=new_id(), resident_id=resident_id, grid_code=grid_code,
                        registered_on=registered_on or sitetime.today(), **fields)
        volunteer._check()
        volunteer.record("volunteer.registered", **volunteer.public(), registered_on=volunteer.registered_on)
        return volunteer

    def _check(self):
        if self.certificate_expires_on and not self.certificate_number:
            raise FieldInvalid("certificate_number", "a certificate's expiry needs its number")

    def certified(self, on=None):
        """Holds a duty certificate valid on the day (today by default)."""
        expires = self.certificate_expires_on
        return bool(self.certificate_number) and (expires is None or expires >= (on or sitetime.today()))

    def public(self):
        return {"volunteer_id": self.id, "grid_code": self.grid_code, "type": self.type,
                "certified": self.certified(), "certificate_expires_on": self.certificate_expires_on}

    @property
    def active(self):
        return self.left_on is None

    def _require_active(self):
        if not self.active:
            raise IllegalTransition(f"volunteer {self.id} left on {self.left_on}")

    def update(self, **changes):
        self._require_active()
        changed = sorted(n for n in VOLUNTEER_UPDATABLE if n in changes and changes[n] != getattr(self, n))
        if not changed:
            return False
        before = {name: getattr(self, name) for name in changed}
        for name in changed:
            setattr(self, name, changes[name])
        try:
            self._check()
        except FieldInvalid:
            for name, value in before.items():
                setattr(self, name, value)
            raise
        self.record("volunteer.updated", **self.public(), changed=changed)
        return True

    def leave(self, on):
        self._require_active()
        if on < self.registered_on:
            raise FieldInvalid("left_on", f"must not be before registering ({self.registered_on})")
        self.left_on = on
        for pairing in self.current_pairings():
            pairing.until = on
        self.record("volunteer.left", **self.public(), left_on=on)

    def current_pairings(self):
        return [p for p in self.pairings if p.until is None]

    def pair(self, resident_id, tags, since):
        """Pair with a resident carrying one of PAIRED_TAGS; serving the elderly needs a certificate."""
        self._require_active()
        if resident_id == self.resident_id:
            raise FieldInvalid("resident_id", "a volunteer cannot be paired with themselves")
        if not set(tags) & set(PAIRED_TAGS):
            raise FieldInvalid("resident_id", f"is not tagged {' or '.join(PAIRED_TAGS)}")
        if DUTY_TAG in tags and not self.certified(since):
            raise PairingConflict(f"volunteer {self.id} has no valid duty certificate to serve the elderly")
        if since < self.registered_on:
            raise FieldInvalid("since", f"must not be before the volunteer registered ({self.registered_on})")
        if any(p.resident_id == resident_id for p in self.current_pairings()):
            raise PairingConflict(f"volunteer {self.id} already serves resident {resident_id}")
        if any(p.resident_id == resident_id and p.since == since for p in self.pairings):
            raise PairingConflict(f"a pairing with resident {resident_id} already began on {since}")
        self.pairings.append(Pairing(resident_id, since))

    def unpair(self, resident_id, until):
        current = [p for p in self.current_pairings() if p.resident_id == resident_id]
        if not current:
            raise PairingConflict(f"volunteer {self.id} does not serve resident {resident_id}")
        if until < current[0].since:
            raise FieldInvalid("until", f"must not be before the pairing began ({current[0].since})")
        current[0].until = until


class MemberConflict(Conflict):
    pass


@dataclass
class Team(Aggregate):
    id: str
    name: str
    type: str
    registered_on: date
    grid_code: str | None = None
    unit_id: str | None = None
    members: dict = field(default_factory=dict)  # volunteer id -> since

    @classmethod
    def form(cls, name, type, registered_on=None, members=(), **fields):
        team = cls(id=new_id(), name=name, type=type, registered_on=registered_on or sitetime.today(), **fields)
        team.members = {volunteer_id: team.registered_on for volunteer_id in members}
        return team

    def join(self, volunteer_id, since):
        if volunteer_id in self.members:
            raise MemberConflict(f"volunteer {volunteer_id} is already in team {self.id}")
        self.members[volunteer_id] = since

    def drop(self, volunteer_id):
        if volunteer_id not in self.members:
            raise MemberConflict(f"volunteer {volunteer_id} is not in team {self.id}")
        del self.members[volunteer_id]
