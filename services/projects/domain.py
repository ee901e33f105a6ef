"""Projects domain: safety-promotion projects in the programme's intervention areas. Pure Python."""
from dataclasses import dataclass, field
from datetime import date

from safecommunity.domain import Aggregate
from safecommunity.ids import new_id

# domain.md §3; sites will configure their own list (a later issue).
INTERVENTION_AREAS = (
    "work_safety", "public_order", "traffic", "fire", "workplace_public_places", "home", "elderly",
    "children", "disabled", "schools", "food_drugs", "sports", "water", "disaster_environment",
    "special_equipment", "gas", "injury_surveillance", "emergency_response", "publicity_education",
)
STATUSES = ("new", "continuing")


@dataclass
class Project(Aggregate):
    name: str
    intervention_area: str
    status: str
    working_group: str | None = None
    target_group: str | None = None
    start_date: date | None = None
    id: str = field(default_factory=new_id)

    @classmethod
    def create(cls, **details):
        project = cls(**details)
        project.record("project.created", project_id=project.id, name=project.name,
                       intervention_area=project.intervention_area, status=project.status,
                       start_date=project.start_date)
        return project
