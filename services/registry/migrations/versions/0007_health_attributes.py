"""the seeded tag types mark their health attributes (masked without registry:pii); audit fields unbounded

An attribute spec may say {"health": true}: health data, shown only to callers with the PII scope
(services/registry/taxonomy.py). The seeded tag types get the mark on these attributes, where a
site has not removed them; a site's own tag types mark theirs when they are added. Downgrade takes
the mark off the same attributes.

audit_log.fields becomes TEXT: a read by a caller with every scope of a resident with many tags
names more fields (each health attribute, the birth date) than 300 characters hold. Downgrade cuts
longer lists to 300 characters.

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-02 09:00:00

"""
from typing import Sequence, Union

from alembic import op
import sqlalchemy as sa


revision: str = '0007'
down_revision: Union[str, Sequence[str], None] = '0006'
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None

# The seeded attributes that are health data, as taxonomy.py marks them when this was written.
HEALTH_ATTRIBUTES = {
    "elderly": ("seriously_ill", "ability_grade", "care_class", "fall_risk_score"),
    "disabled": ("category", "grade"),
    "mental_health": ("risk_level",),
    "chronic_disease": ("condition",),
}

tag_types = sa.table("tag_types", sa.column("code", sa.String), sa.column("attributes", sa.JSON))


def _mark(health):
    connection = op.get_bind()
    rows = connection.execute(sa.select(tag_types.c.code, tag_types.c.attributes)
                              .where(tag_types.c.code.in_(list(HEALTH_ATTRIBUTES)))).all()
    for code, attributes in rows:
        marked = {name: _marked(spec, health) if name in HEALTH_ATTRIBUTES[code] else spec
                  for name, spec in attributes.items()}
        connection.execute(tag_types.update().where(tag_types.c.code == code).values(attributes=marked))


def _marked(spec, health):
    unmarked = {key: value for key, value in spec.items() if key != "health"}
    return {**unmarked, "health": True} if health else unmarked


def upgrade() -> None:
    _mark(True)
    with op.batch_alter_table('audit_log') as batch_op:
        batch_op.alter_column('fields', existing_type=sa.String(length=300), type_=sa.Text(),
                              existing_nullable=False)


def downgrade() -> None:
    audit_log = sa.table("audit_log", sa.column("fields", sa.Text))
    op.execute(audit_log.update().where(sa.func.length(audit_log.c.fields) > 300)
               .values(fields=sa.func.substr(audit_log.c.fields, 1, 300)))
    with op.batch_alter_table('audit_log') as batch_op:
        batch_op.alter_column('fields', existing_type=sa.Text(), type_=sa.String(length=300),
                              existing_nullable=False)
    _mark(False)
