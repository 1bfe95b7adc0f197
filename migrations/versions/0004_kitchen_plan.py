"""kitchen plan, courses, rush, promises, prep learning

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-27 10:27:02.622644
"""
from alembic import op
import sqlalchemy as sa
import core.database


revision = '0004'
down_revision = '0003'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('prep_estimates',
    sa.Column('dish_id', sa.Integer(), nullable=False),
    sa.Column('seconds', sa.Integer(), nullable=True),
    sa.Column('samples', sa.Integer(), nullable=False),
    sa.Column('outliers', sa.Integer(), nullable=False),
    sa.Column('recent', sa.JSON(), nullable=False),
    sa.Column('updated_at', core.database.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['dish_id'], ['dishes.id'], name=op.f('fk_prep_estimates_dish_id_dishes'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('dish_id', name=op.f('pk_prep_estimates'))
    )
    with op.batch_alter_table('categories', schema=None) as batch_op:
        batch_op.add_column(sa.Column('course', sa.Integer(), server_default='2', nullable=False))

    with op.batch_alter_table('order_items', schema=None) as batch_op:
        batch_op.add_column(sa.Column('extra_prep_seconds', sa.Integer(), server_default='0', nullable=False))
        batch_op.add_column(sa.Column('course', sa.Integer(), server_default='2', nullable=False))
        batch_op.add_column(sa.Column('fire_at', core.database.UTCDateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column('due_at', core.database.UTCDateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column('timed', sa.Boolean(), server_default=sa.false(), nullable=False))
        batch_op.add_column(sa.Column('cook_seconds', sa.Integer(), nullable=True))
        batch_op.create_index('ix_order_items_dish_measured', ['dish_id', 'ready_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_order_items_status'), ['status'], unique=False)

    with op.batch_alter_table('tickets', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_tickets_status'), ['status'], unique=False)

    with op.batch_alter_table('orders', schema=None) as batch_op:
        batch_op.add_column(sa.Column('rush', sa.Boolean(), server_default=sa.false(), nullable=False))
        batch_op.add_column(sa.Column('promised_at', core.database.UTCDateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column('late_at', core.database.UTCDateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column('served_at', core.database.UTCDateTime(timezone=True), nullable=True))



def downgrade() -> None:
    with op.batch_alter_table('tickets', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_tickets_status'))

    with op.batch_alter_table('orders', schema=None) as batch_op:
        batch_op.drop_column('served_at')
        batch_op.drop_column('late_at')
        batch_op.drop_column('promised_at')
        batch_op.drop_column('rush')

    with op.batch_alter_table('order_items', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_order_items_status'))
        batch_op.drop_index('ix_order_items_dish_measured')
        batch_op.drop_column('cook_seconds')
        batch_op.drop_column('timed')
        batch_op.drop_column('due_at')
        batch_op.drop_column('fire_at')
        batch_op.drop_column('course')
        batch_op.drop_column('extra_prep_seconds')

    with op.batch_alter_table('categories', schema=None) as batch_op:
        batch_op.drop_column('course')

    op.drop_table('prep_estimates')
