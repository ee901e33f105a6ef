"""Registry domain: the grid hierarchy and the residents registered in it. Pure Python."""
import uuid
from dataclasses import dataclass
from datetime import date

from safecommunity.domain import Aggregate
from safecommunity.errors import Conflict

# Top to bottom; a site may use fewer levels, but a child always sits below its parent.
GRID_LEVELS = ("district", "street", "community", "grid")


class GridOutOfOrder(Conflict):
    pass


@dataclass
class Grid(Aggregate):
    code: str
    name: str
    level: str
    parent_code: str | None = None

    @property
    def id(self):
        return self.code

    @classmethod
    def create(cls, code, name, level, parent=None):
        if parent is not None and GRID_LEVELS.index(level) <= GRID_LEVELS.index(parent.level):
            raise GridOutOfOrder(f"a {level} cannot sit under the {parent.level} {parent.code}")
        grid = cls(code=code, name=name, level=level, parent_code=parent.code if parent else None)
        grid.record("grid.created", code=code, name=name, level=level, parent_code=grid.parent_code)
        return grid


@dataclass
class Resident(Aggregate):
    id: str
    name: str
    sex: str
    birth_date: date
    residence_type: str
    grid_code: str
    registered_on: date

    @classmethod
    def register(cls, name, sex, birth_date, residence_type, grid, registered_on=None):
        resident = cls(id=str(uuid.uuid4()), name=name, sex=sex, birth_date=birth_date,
                       residence_type=residence_type, grid_code=grid.code,
                       registered_on=registered_on or date.today())
        # Consumers get what population denominators need, never the name.
        resident.record("resident.registered", resident_id=resident.id, grid_code=grid.code, sex=sex,
                        birth_year=birth_date.year, residence_type=residence_type,
                        registered_on=resident.registered_on)
        return resident
