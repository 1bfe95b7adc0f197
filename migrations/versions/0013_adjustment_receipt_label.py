"""check adjustments: label (what the guest's receipt says; the reason stays internal)

Revision ID: 0013
Revises: 0012
Create Date: 2026-12-04 21:35:00
"""
import sqlalchemy as sa
from alembic import op


revision = '0013'
down_revision = '0012'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("check_adjustments") as batch:
        batch.add_column(sa.Column("label", sa.String(64), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("check_adjustments") as batch:
        batch.drop_column("label")
