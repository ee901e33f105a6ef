"""Configurable code lists: group tags (with their attributes and age rules) and unit types.

The rows below are the seed a new registry starts with (the 0002 migration writes them to the
tag_types and unit_types tables); a site adds its own through the API. Pure Python.
"""
from dataclasses import dataclass, field
from datetime import date

SENSITIVE = "registry:sensitive"  # grants every sensitive tag; "registry:sensitive:<tag>" grants one

ATTRIBUTE_TYPES = ("bool", "int", "text", "date", "choice", "secret")  # secret: masked without PII scope
# An attribute spec may also say {"health": true}: health data (a diagnosis, a disability grade, a
# fall-risk score), masked like a secret without the PII scope whatever its type.
HEALTH = "health"
SPEC_KEYS = {"type", "choices", "min", "max", HEALTH}
WHOLE_NUMBERS = (-(2**31), 2**31 - 1)  # an int attribute's bounds when its spec gives none (a database integer)
MOST_CHOICES, CHOICE_MAX = 100, 100


@dataclass(frozen=True)
class TagType:
    code: str
    name: str
    sensitive: bool = False
    min_age: int | None = None
    max_age: int | None = None
    attributes: dict = field(default_factory=dict)  # name -> {"type", "choices"?, "min"?, "max"?, "health"?}

    def personal(self, name):
        """Is this attribute personal data (a secret, or health data), shown only with the PII scope?"""
        spec = self.attributes.get(name, {})
        return spec.get("type") == "secret" or spec.get(HEALTH) is True

    def visible_to(self, scopes):
        return not self.sensitive or SENSITIVE in scopes or f"{SENSITIVE}:{self.code}" in scopes

    def check_age(self, birth_date, on):
        """Why a person born on birth_date cannot carry this tag on the given day, or None."""
        age = age_on(birth_date, on)
        if self.min_age is not None and age < self.min_age:
            return f"{self.code} is for people aged {self.min_age} or more (this resident is {age})"
        if self.max_age is not None and age > self.max_age:
            return f"{self.code} is for people aged {self.max_age} or less (this resident is {age})"
        return None

    def check_attributes(self, values):
        """{attribute: [reason]} for values this tag does not take; empty when they are sound."""
        errors = {}
        for name, value in values.items():
            spec = self.attributes.get(name)
            reason = f"{self.code} has no attribute {name}" if spec is None else _check_value(spec, value)
            if reason:
                errors[name] = [reason]
        return errors


def _check_value(spec, value):
    kind = spec["type"]
    if value is None:
        return None
    if kind == "bool" and not isinstance(value, bool):
        return "must be true or false"
    if kind == "int":
        if isinstance(value, bool) or not isinstance(value, int):
            return "must be a whole number"
        least, most = spec.get("min", WHOLE_NUMBERS[0]), spec.get("max", WHOLE_NUMBERS[1])
        if not least <= value <= most:
            return f"must be {least} to {most}"
    if kind in ("text", "secret") and (not isinstance(value, str) or len(value) > 200):
        return "must be text of at most 200 characters"
    if kind == "date":
        try:
            date.fromisoformat(value)
        except (TypeError, ValueError):
            return "must be a date (YYYY-MM-DD)"
    if kind == "choice" and value not in spec["choices"]:
        return f"must be one of {', '.join(spec['choices'])}"
    return None


def age_on(birth_date, on):
    return on.year - birth_date.year - ((on.month, on.day) < (birth_date.month, birth_date.day))


def check_attribute_specs(attributes):
    """{attribute: [reason]} for attribute definitions a new tag type cannot have."""
    errors = {}
    for name, spec in attributes.items():
        if reason := _spec_problem(spec):
            errors[name] = [reason]
    return errors


def _spec_problem(spec):
    if not isinstance(spec, dict) or spec.get("type") not in ATTRIBUTE_TYPES:
        return f"needs a type, one of {', '.join(ATTRIBUTE_TYPES)}"
    if unknown := sorted(set(spec) - SPEC_KEYS):
        return f"has unknown keys {', '.join(unknown)}; a spec takes {', '.join(sorted(SPEC_KEYS))}"
    if spec["type"] == "choice" and not _choices_sound(spec.get("choices")):
        return f"a choice needs a list of 1 to {MOST_CHOICES} texts of at most {CHOICE_MAX} characters"
    if not isinstance(spec.get(HEALTH, False), bool):
        return "health must be true or false"
    bounds = [spec.get(key, limit) for key, limit in zip(("min", "max"), WHOLE_NUMBERS, strict=True)]
    if not all(type(bound) is int and WHOLE_NUMBERS[0] <= bound <= WHOLE_NUMBERS[1] for bound in bounds):
        return f"min and max must be whole numbers from {WHOLE_NUMBERS[0]} to {WHOLE_NUMBERS[1]}"
    if bounds[0] > bounds[1]:
        return "min must not be above max"
    return None


def _choices_sound(choices):
    return (isinstance(choices, list) and 0 < len(choices) <= MOST_CHOICES
            and all(isinstance(choice, str) and 0 < len(choice) <= CHOICE_MAX for choice in choices))


def _health(spec):
    return {**spec, HEALTH: True}


def _bool(*names):
    return {name: {"type": "bool"} for name in names}


SEED_TAG_TYPES = (
    TagType("elderly", "Elderly 老年人", min_age=60, attributes={
        **_bool("living_alone", "empty_nest", "very_old"),
        "seriously_ill": _health({"type": "bool"}),
        "ability_grade": _health({"type": "choice", "choices": ["intact", "mild", "moderate", "severe"]}),
        "care_class": _health({"type": "choice", "choices": ["A", "B", "C"]}),  # from the ability assessment
        "fall_risk_score": _health({"type": "int", "min": 0, "max": 100})}),
    TagType("child_0_6", "Child 0-6 学龄前儿童", max_age=6),
    TagType("student", "Student 学生", min_age=4, max_age=25, attributes={"school": {"type": "text"}}),
    TagType("left_behind_child", "Left-behind child 留守儿童", max_age=17,
            attributes={"guardian_relation": {"type": "text"}}),
    TagType("disabled", "Disabled 残疾人", attributes={
        "certificate_number": {"type": "secret"},
        "category": _health({"type": "choice", "choices": ["visual", "hearing", "speech", "physical",
                                                           "intellectual", "mental", "multiple"]}),
        "grade": _health({"type": "int", "min": 1, "max": 4})}),
    TagType("mental_health", "Mental-health patient 精神障碍患者", sensitive=True,
            attributes={"risk_level": _health({"type": "int", "min": 0, "max": 5})}),
    TagType("chronic_disease", "Chronic disease 慢性病", attributes={"condition": _health({"type": "text"})}),
    TagType("correction", "Community correction / released 社区矫正/刑满释放", sensitive=True,
            attributes={"status": {"type": "choice", "choices": ["community_correction", "released"]},
                        "until": {"type": "date"}}),
    TagType("key_person", "Key person 重点人员", sensitive=True, attributes={"reason": {"type": "secret"}}),
)

NINE_SMALL = "nine_small_places"
SEED_UNIT_TYPES = (
    ("enterprise", "Enterprise 企业", "enterprise"),
    ("small_micro_firm", "Small or micro firm 小微企业", "enterprise"),
    ("construction_site", "Construction site 建筑工地", "enterprise"),
    ("hazardous_chemicals", "Hazardous-chemicals business 危化品企业", "enterprise"),
    ("school", "School 学校", "education"),
    ("kindergarten", "Kindergarten 幼儿园", "education"),
    ("hospital", "Hospital or health centre 医院/卫生服务中心", "health"),
    ("entertainment_venue", "Entertainment venue 娱乐场所", "public_place"),
    ("market", "Market 市场", "public_place"),
    ("high_rise", "High-rise building 高层建筑", "public_place"),
    ("key_fire_site", "Key fire-monitored site 消防重点单位", "public_place"),
    ("small_shop", "Small shop 小商店", NINE_SMALL),
    ("small_restaurant", "Small restaurant 小餐饮", NINE_SMALL),
    ("small_hotel", "Small hotel 小旅馆", NINE_SMALL),
    ("small_clinic", "Small clinic 小医院/诊所", NINE_SMALL),
    ("small_school", "Small school or training centre 小学校/培训机构", NINE_SMALL),
    ("small_entertainment", "Small karaoke or dance hall 小歌舞娱乐场所", NINE_SMALL),
    ("small_internet_cafe", "Small internet café 小网吧", NINE_SMALL),
    ("small_beauty_bath", "Small beauty salon or bathhouse 小美容洗浴场所", NINE_SMALL),
    ("small_workshop", "Small production workshop 小生产加工企业", NINE_SMALL),
)

# Facility types and how often each must be inspected (days).
FACILITY_TYPES = {
    "hydrant": 30, "extinguisher": 30, "fire_door": 90, "smoke_alarm": 90, "gas_alarm": 90,
    "camera": 90, "lift": 365, "emergency_shelter": 180, "emergency_supplies": 90, "signage": 180,
    "traffic_signal": 90, "height_barrier": 180,
}
FACILITY_STATUSES = ("in_order", "faulty", "out_of_service")
RISK_GRADES = ("major", "high", "moderate", "low")  # 重大 / 较大 / 一般 / 低 (red, orange, yellow, blue)
UNIT_SCALES = ("micro", "small", "medium", "large")
