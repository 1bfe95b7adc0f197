"""payments: rounding (cash paid minus what it settled, when cash is rounded to the smallest coin)

Revision ID: 0012
Revises: 0011
Create Date: 2026-12-04 20:45:00
"""
import sqlalchemy as sa
from alembic import op


revision = '0012'
down_revision = '0011'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("payments") as batch:
        batch.add_column(sa.Column("rounding", sa.Integer(), nullable=False, server_default="0"))


def downgrade() -> None:
    with op.batch_alter_table("payments") as batch:
        batch.drop_column("rounding")
