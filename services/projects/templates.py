"""Project templates: a site's checklist of projects as data (templates/*.yaml, or a folder of its
own: PROJECT_TEMPLATES_DIR), and what a project made from one of its entries gets: its fields,
activities and evidence checklist. Pure Python (schemas/templates.py validates the files)."""
from dataclasses import dataclass
from datetime import date

from safecommunity.errors import FieldInvalid

SHIPPED = "templates"  # the folder beside this file with the templates every site has


class TemplateInvalid(ValueError):
    """A template file that does not validate, with the entry and field named."""

    def __init__(self, source, problems):
        self.source, self.problems = source, problems
        super().__init__(f"{source}: " + "; ".join(f"{where}: {why}" for where, why in problems))


@dataclass(frozen=True)
class Template:
    code: str
    name: str
    entries: tuple   # entry dicts as schemas/templates.py loads them

    def entry(self, code):
        for entry in self.entries:
            if entry["code"] == code:
                return entry
        raise FieldInvalid("entry", f"template {self.code} has no entry {code} (its entries: "
                                    f"{', '.join(e['code'] for e in self.entries)})")

    def summary(self):
        return {"code": self.code, "name": self.name, "entries": len(self.entries)}


def find(templates, code):
    if code not in templates:
        raise FieldInvalid("template", f"no template {code} (there are: {', '.join(sorted(templates)) or 'none'})")
    return templates[code]


def problems_of(errors, entries, prefix=""):
    """marshmallow's nested messages as (where, why), the entry named by its index and code:
    ("entries[3] dog_bites: measures.0.kind", "Must be one of ...")."""
    found = []
    for key, value in errors.items():
        where = f"{prefix}.{key}" if prefix else str(key)
        if isinstance(value, dict):
            found += problems_of(value, entries, where)
        else:
            found += [(name_entry(where, entries), message) for message in value]
    return found


def name_entry(where, entries):
    parts = where.split(".")
    if parts[0] != "entries" or len(parts) < 2 or not parts[1].isdigit():
        return where
    index = int(parts[1])
    code = entries[index].get("code") if index < len(entries) and isinstance(entries[index], dict) else None
    return f"entries[{index}] {code or '(no code)'}: " + (".".join(parts[2:]) or "(the entry)")


def next_day(month_day, since):
    """The first day on or after `since` that is month_day ("11-09"); 29 February in a leap year."""
    month, day = (int(part) for part in month_day.split("-"))
    for year in range(since.year, since.year + 9):
        try:
            found = date(year, month, day)
        except ValueError:
            continue
        if found >= since:
            return found
    raise FieldInvalid("entry", f"no day {month_day}")


def activity_commands(entry, starts_on, owner, place):
    """The entry's activities as schedule commands: a recurring one from starts_on, a dated one on
    its day's next date; owner (owner_department or owner_assignment_id) and place (grid_code or
    place) for those that do not name their own."""
    commands = []
    for item in entry["activities"]:
        command = {"name": item["name"], "kind": item["kind"], "measure_kind": item.get("measure_kind"),
                   "campaign": item.get("campaign"), "hours": item.get("hours")}
        if item.get("frequency"):
            command.update(frequency=item["frequency"], starts_on=starts_on)
        else:
            command.update(on=next_day(item["day"], starts_on))
        command.update({"owner_department": item["owner_department"]} if item.get("owner_department") else owner)
        command.update({"place": item["place"]} if item.get("place") else place)
        commands.append(command)
    return commands


def requirements(entry):
    """The evidence the entry requires: [{kind, elements, activity}] (activity: the name of one of
    its activities, or None for the project's own)."""
    return [{"kind": item["kind"], "elements": list(item["elements"]), "activity": item.get("activity")}
            for item in entry["evidence"]]


def activities_start(start_date, today):
    """Activities start on the project's start, or today if that is past (no occurrence is missed
    the moment it is made)."""
    return max(start_date or today, today)
