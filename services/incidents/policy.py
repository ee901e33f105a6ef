"""Hazard deadline policy: how long a hazard may take, by category and severity; who hears of a
major hazard at once; when to remind. Pure Python; the documents give no numbers ("immediately",
"promptly"), so a site sets its own in a YAML or JSON file (HAZARD_POLICY_FILE)."""
from dataclasses import dataclass, field
from datetime import timedelta

DEFAULT_POLICY = {
    "deadline_hours": {"default": {"general": 168, "major": 24},  # a week; a day
                       "fire": {"general": 72, "major": 12},
                       "gas": {"general": 24, "major": 4},
                       "electrical": {"general": 72, "major": 12},
                       "chemical": {"general": 72, "major": 8},
                       "special_equipment": {"general": 72, "major": 12}},
    "escalate_major_to": "district-work-safety",   # 重大隐患 are reported upward at once
    "remind_before_hours": 24,    # first reminder this long before the deadline
    "remind_every_hours": 24,     # then again this often until it is rectified
}


class PolicyInvalid(ValueError):
    pass


@dataclass(frozen=True)
class HazardPolicy:
    deadline_hours: dict = field(default_factory=lambda: dict(DEFAULT_POLICY["deadline_hours"]))
    escalate_major_to: str = DEFAULT_POLICY["escalate_major_to"]
    remind_before_hours: float = DEFAULT_POLICY["remind_before_hours"]
    remind_every_hours: float = DEFAULT_POLICY["remind_every_hours"]

    @classmethod
    def from_dict(cls, raw):
        unknown = set(raw) - set(DEFAULT_POLICY)
        if unknown:
            raise PolicyInvalid(f"unknown policy settings {sorted(unknown)}")
        merged = {**DEFAULT_POLICY, **raw}
        hours = merged["deadline_hours"]
        if "default" not in hours or not {"general", "major"} <= set(hours["default"]):
            raise PolicyInvalid("deadline_hours needs a default with general and major")
        for category, by_severity in hours.items():
            for severity, value in by_severity.items():
                if severity not in ("general", "major") or not isinstance(value, (int, float)) or value <= 0:
                    raise PolicyInvalid(f"deadline_hours.{category}.{severity} must be a positive number of hours")
        for key in ("remind_before_hours", "remind_every_hours"):
            if not isinstance(merged[key], (int, float)) or merged[key] <= 0:
                raise PolicyInvalid(f"{key} must be a positive number of hours")
        return cls(**merged)

    def deadline_after(self, category, severity):
        by_severity = {**self.deadline_hours["default"], **self.deadline_hours.get(category, {})}
        return timedelta(hours=by_severity[severity])

    def first_reminder(self, deadline):
        return deadline - timedelta(hours=self.remind_before_hours)

    def next_reminder(self, now):
        return now + timedelta(hours=self.remind_every_hours)

    def as_dict(self):
        return {"deadline_hours": self.deadline_hours, "escalate_major_to": self.escalate_major_to,
                "remind_before_hours": self.remind_before_hours, "remind_every_hours": self.remind_every_hours}
