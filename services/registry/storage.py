"""Registry tables and repositories: the only place with queries."""
from sqlalchemy import Column, Date, ForeignKey, MetaData, String, Table, func, insert, select
from sqlalchemy.exc import IntegrityError

from safecommunity.errors import Conflict, FieldInvalid, NotFound
from safecommunity.storage import UnitOfWork
from safecommunity.tables import add_backbone_tables

from .domain import Grid, Resident

metadata = add_backbone_tables(MetaData())

grids = Table(
    "grids", metadata,
    Column("code", String(40), primary_key=True),
    Column("name", String(200), nullable=False),
    Column("level", String(20), nullable=False),
    Column("parent_code", String(40), ForeignKey("grids.code")),
)

residents = Table(
    "residents", metadata,
    Column("id", String(36), primary_key=True),
    Column("name", String(100), nullable=False),
    Column("sex", String(10), nullable=False),
    Column("birth_date", Date, nullable=False),
    Column("residence_type", String(20), nullable=False),
    Column("grid_code", String(40), ForeignKey("grids.code"), nullable=False, index=True),
    Column("registered_on", Date, nullable=False),
)


class GridNotFound(NotFound):
    pass


class GridRepository:
    def __init__(self, uow):
        self.uow = uow

    def add(self, grid):
        if self.find(grid.code) is not None:
            raise Conflict(f"grid {grid.code} already exists")
        self.uow.session.execute(insert(grids).values(
            code=grid.code, name=grid.name, level=grid.level, parent_code=grid.parent_code))
        self.uow.track(grid)

    def find(self, code):
        row = self.uow.session.execute(select(grids).where(grids.c.code == code)).first()
        return Grid(**row._mapping) if row else None

    def get(self, code):
        grid = self.find(code)
        if grid is None:
            raise GridNotFound(f"no grid {code}")
        return grid

    def referenced_by(self, field, code):
        """The grid a request names in `field`; an unknown one is that field's error (400)."""
        grid = self.find(code)
        if grid is None:
            raise FieldInvalid(field, f"no grid {code}")
        return grid

    def list(self):
        rows = self.uow.session.execute(select(grids).order_by(grids.c.code)).all()
        return [Grid(**row._mapping) for row in rows]


class ResidentRepository:
    def __init__(self, uow):
        self.uow = uow

    def add(self, resident):
        self.uow.session.execute(insert(residents).values(
            id=resident.id, name=resident.name, sex=resident.sex, birth_date=resident.birth_date,
            residence_type=resident.residence_type, grid_code=resident.grid_code,
            registered_on=resident.registered_on))
        self.uow.track(resident)

    def get(self, resident_id):
        row = self.uow.session.execute(select(residents).where(residents.c.id == resident_id)).first()
        if row is None:
            raise NotFound(f"no resident {resident_id}")
        return Resident(**row._mapping)

    def count_by_grid(self):
        rows = self.uow.session.execute(
            select(residents.c.grid_code, func.count()).group_by(residents.c.grid_code)).all()
        return dict(rows)


class RegistryUnitOfWork(UnitOfWork):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.grids = GridRepository(self)
        self.residents = ResidentRepository(self)

    def commit(self):
        try:
            super().commit()
        except IntegrityError as exc:  # a concurrent request stored the same key first
            self.rollback()
            raise Conflict(f"conflicting change, try again: {exc.orig}") from None
