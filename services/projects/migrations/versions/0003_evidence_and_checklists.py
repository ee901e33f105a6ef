"""evidence items (files on disk by sha256), their AQ/T 9001 elements, and projects' evidence
checklists from templates

Revision ID: 0003
Revises: 0002
Create Date: 2026-12-02 14:00:00

"""
from typing import Sequence, Union

from alembic import op
import sqlalchemy as sa


revision: str = '0003'
down_revision: Union[str, Sequence[str], None] = '0002'
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None

AUTO_ID = sa.BigInteger().with_variant(sa.Integer(), 'sqlite')


def upgrade() -> None:
    op.create_table('evidence',
    sa.Column('id', sa.String(length=36), nullable=False),
    sa.Column('subject', sa.String(length=12), nullable=False),
    sa.Column('subject_id', sa.String(length=36), nullable=False),
    sa.Column('project_id', sa.String(length=36), nullable=True),
    sa.Column('activity_id', sa.String(length=36), nullable=True),
    sa.Column('kind', sa.String(length=30), nullable=False),
    sa.Column('elements', sa.JSON(), nullable=False),
    sa.Column('filename', sa.String(length=200), nullable=False),
    sa.Column('content_type', sa.String(length=100), nullable=False),
    sa.Column('size', sa.Integer(), nullable=False),
    sa.Column('sha256', sa.String(length=64), nullable=False),
    sa.Column('added_by', sa.String(length=120), nullable=True),
    sa.Column('added_at', sa.DateTime(timezone=True), nullable=True),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('subject', 'subject_id', 'sha256', name='uq_evidence_subject_file')
    )
    with op.batch_alter_table('evidence') as batch_op:
        batch_op.create_index(batch_op.f('ix_evidence_project_id'), ['project_id'], unique=False)

    op.create_table('evidence_elements',
    sa.Column('evidence_id', sa.String(length=36), nullable=False),
    sa.Column('element', sa.String(length=30), nullable=False),
    sa.ForeignKeyConstraint(['evidence_id'], ['evidence.id']),
    sa.PrimaryKeyConstraint('evidence_id', 'element')
    )
    with op.batch_alter_table('evidence_elements') as batch_op:
        batch_op.create_index(batch_op.f('ix_evidence_elements_element'), ['element'], unique=False)

    op.create_table('evidence_requirements',
    sa.Column('id', AUTO_ID, autoincrement=True, nullable=False),
    sa.Column('project_id', sa.String(length=36), nullable=False),
    sa.Column('template_code', sa.String(length=40), nullable=False),
    sa.Column('entry_code', sa.String(length=40), nullable=False),
    sa.Column('kind', sa.String(length=30), nullable=False),
    sa.Column('elements', sa.JSON(), nullable=False),
    sa.Column('activity_id', sa.String(length=36), nullable=True),
    sa.ForeignKeyConstraint(['project_id'], ['projects.id']),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('evidence_requirements') as batch_op:
        batch_op.create_index(batch_op.f('ix_evidence_requirements_project_id'), ['project_id'], unique=False)


def downgrade() -> None:
    for table in ('evidence_requirements', 'evidence_elements', 'evidence'):
        op.drop_table(table)
