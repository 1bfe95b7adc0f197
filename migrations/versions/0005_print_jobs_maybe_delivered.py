"""print jobs that may have printed

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-27 12:11:28.254050
"""
from alembic import op
import sqlalchemy as sa
import core.database


revision = '0005'
down_revision = '0004'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('print_jobs', schema=None) as batch_op:
        batch_op.add_column(sa.Column('maybe_delivered', sa.Boolean(), server_default=sa.false(), nullable=False))


def downgrade() -> None:
    with op.batch_alter_table('print_jobs', schema=None) as batch_op:
        batch_op.drop_column('maybe_delivered')

