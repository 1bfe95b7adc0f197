"""dishes: dietary tags (vegetarian, vegan) and spice level, for the diner's filters

Revision ID: 0010
Revises: 0009
Create Date: 2026-11-27 15:50:00
"""
from alembic import op
import sqlalchemy as sa


revision = '0010'
down_revision = '0009'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('dishes', schema=None) as batch_op:
        batch_op.add_column(sa.Column('diet', sa.JSON(), server_default='[]', nullable=False))
        batch_op.add_column(sa.Column('spice', sa.Integer(), server_default='0', nullable=False))


def downgrade() -> None:
    with op.batch_alter_table('dishes', schema=None) as batch_op:
        batch_op.drop_column('spice')
        batch_op.drop_column('diet')
