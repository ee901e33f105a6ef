"""compounds (小区/院落) as records of their own; a building belongs to one by its code

Each distinct (grid, compound name) the buildings named becomes a compound in that grid, coded
"CP-" + the first 12 hex digits of sha1("<grid>/<name>") (buildings.compound_code_for: a client
that still sends a name finds the same compound), registered on its first building's day, with
the property manager its buildings all share (or none). Downgrade puts the names back.

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-24 02:30:00

"""
import hashlib
from typing import Sequence, Union

from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision: str = '0005'
down_revision: Union[str, Sequence[str], None] = '0004'
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None


def code_for(grid_code, name):  # a copy of buildings.compound_code_for, as it was when written
    return "CP-" + hashlib.sha1(f"{grid_code}/{name}".encode()).hexdigest()[:12]


def upgrade() -> None:
    """Upgrade schema."""
    op.create_table('compounds',
    sa.Column('code', sa.String(length=40), nullable=False),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('grid_code', sa.String(length=40), nullable=False),
    sa.Column('property_manager', sa.String(length=200), nullable=True),
    sa.Column('address', sa.String(length=300), nullable=True),
    sa.Column('registered_on', sa.Date(), nullable=False),
    sa.ForeignKeyConstraint(['grid_code'], ['grids.code'], ),
    sa.PrimaryKeyConstraint('code')
    )
    op.create_index('ix_compounds_grid_name', 'compounds', ['grid_code', 'name'], unique=False)
    with op.batch_alter_table('buildings', schema=None) as batch_op:
        batch_op.add_column(sa.Column('compound_code', sa.String(length=40), nullable=True))

    bind = op.get_bind()
    named = bind.execute(sa.text(
        "SELECT grid_code, compound, min(registered_on) AS first_day, count(DISTINCT property_manager) AS managers,"
        " min(property_manager) AS manager, count(*) - count(property_manager) AS unmanaged"
        " FROM buildings WHERE compound IS NOT NULL GROUP BY grid_code, compound")).all()
    for row in named:
        code = code_for(row.grid_code, row.compound)
        shared = row.manager if row.managers == 1 and row.unmanaged == 0 else None
        bind.execute(sa.text("INSERT INTO compounds (code, name, grid_code, property_manager, registered_on)"
                             " VALUES (:code, :name, :grid, :manager, :day)"),
                     {"code": code, "name": row.compound, "grid": row.grid_code, "manager": shared,
                      "day": row.first_day})
        bind.execute(sa.text("UPDATE buildings SET compound_code = :code WHERE grid_code = :grid AND compound = :name"),
                     {"code": code, "grid": row.grid_code, "name": row.compound})

    with op.batch_alter_table('buildings', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_buildings_compound'))
        batch_op.drop_column('compound')
        batch_op.create_index(batch_op.f('ix_buildings_compound_code'), ['compound_code'], unique=False)
        batch_op.create_foreign_key('fk_buildings_compound_code_compounds', 'compounds', ['compound_code'], ['code'])


def downgrade() -> None:
    """Downgrade schema."""
    with op.batch_alter_table('buildings', schema=None) as batch_op:
        batch_op.add_column(sa.Column('compound', sa.String(length=200), nullable=True))
    op.execute("UPDATE buildings SET compound = (SELECT name FROM compounds WHERE compounds.code = buildings.compound_code)")
    with op.batch_alter_table('buildings', schema=None) as batch_op:
        batch_op.drop_constraint('fk_buildings_compound_code_compounds', type_='foreignkey')
        batch_op.drop_index(batch_op.f('ix_buildings_compound_code'))
        batch_op.drop_column('compound_code')
        batch_op.create_index(batch_op.f('ix_buildings_compound'), ['compound'], unique=False)
    op.drop_index('ix_compounds_grid_name', table_name='compounds')
    op.drop_table('compounds')
