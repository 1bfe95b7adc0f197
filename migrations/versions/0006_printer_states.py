"""printer states

Revision ID: 0006
Revises: 0005
Create Date: 2026-11-27 12:19:54.612923
"""
from alembic import op
import sqlalchemy as sa
import core.database


revision = '0006'
down_revision = '0005'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('printer_states',
    sa.Column('printer', sa.String(length=64), nullable=False),
    sa.Column('state', sa.String(length=16), nullable=False),
    sa.Column('detail', sa.Text(), nullable=True),
    sa.Column('checked_at', core.database.UTCDateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('printer', name=op.f('pk_printer_states'))
    )


def downgrade() -> None:
    op.drop_table('printer_states')
