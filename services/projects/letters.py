"""Responsibility letters (目标责任书, 安全责任状, 承诺书): who signed with whom, for what period and
targets, level by level (district → street → community → unit), and the share signed per level as
an indicator. A letter is issued to a party, then signed once. Pure Python."""
from dataclasses import dataclass, field
from datetime import date, datetime

from safecommunity.domain import Aggregate
from safecommunity.errors import FieldInvalid, IllegalTransition
from safecommunity.ids import new_id

from .domain import now_utc

KINDS = {"target_responsibility": ("目标责任书", "Target responsibility letter"),
         "safety_responsibility": ("安全责任状", "Safety responsibility pledge"),
         "commitment": ("承诺书", "Letter of commitment")}
LEVELS = ("district", "street", "community", "unit")  # the level of the party that signs


@dataclass
class Letter(Aggregate):
    kind: str
    level: str
    issuer: str                 # who it is signed with: a department or a grid's code (the level above)
    party: str                  # who signs: a grid's code (street, community) or a unit's id
    period_from: date
    period_to: date
    targets: list = field(default_factory=list)
    project_id: str | None = None
    signed_on: date | None = None
    issued_by: str | None = None
    issued_at: datetime | None = None
    signed_by: str | None = None
    id: str = field(default_factory=new_id)

    @classmethod
    def issue(cls, actor="system", at=None, **details):
        letter = cls(**details, issued_by=actor, issued_at=at or now_utc())
        if letter.period_to < letter.period_from:
            raise FieldInvalid("period_to", f"must not be before period_from ({letter.period_from})")
        return letter

    def sign(self, on, actor="system"):
        if self.signed_on is not None:
            raise IllegalTransition(f"letter {self.id} was signed on {self.signed_on}")
        if on > self.period_to:
            raise FieldInvalid("signed_on", f"must not be after the letter's period ({self.period_to})")
        self.signed_on, self.signed_by = on, actor
        self.record("letter.signed", letter_id=self.id, kind=self.kind, level=self.level, issuer_code=self.issuer,
                    party_code=self.party, period_from=self.period_from, period_to=self.period_to,
                    signed_on=on, project_id=self.project_id, target_count=len(self.targets))


def shares(letters, year):
    """Per level, the letters whose period touches the year: issued, signed, and the share signed."""
    rows = []
    for level in LEVELS:
        mine = [letter for letter in letters if letter.level == level
                and letter.period_from.year <= year <= letter.period_to.year]
        signed = sum(1 for letter in mine if letter.signed_on is not None)
        rows.append({"level": level, "issued": len(mine), "signed": signed,
                     "share": round(100 * signed / len(mine), 1) if mine else None})
    return {"year": year, "levels": rows}
