"""pin failures per address, outbox autoincrement

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-27 09:09:54.285994
"""
from alembic import op
import sqlalchemy as sa
import core.database


revision = '0003'
down_revision = '0002'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('pin_failures',
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('address', sa.String(length=64), nullable=False),
    sa.Column('failures', sa.Integer(), nullable=False),
    sa.Column('locked_until', core.database.UTCDateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['user_id'], ['staff_users.id'], name=op.f('fk_pin_failures_user_id_staff_users'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('user_id', 'address', name=op.f('pk_pin_failures'))
    )
    with op.batch_alter_table('staff_users', schema=None) as batch_op:
        batch_op.drop_column('locked_until')
        batch_op.drop_column('failed_pins')
    # SQLite reuses the largest rowid once rows are deleted unless the table has
    # AUTOINCREMENT; outbox seqs must never repeat. (PostgreSQL sequences never do.)
    if op.get_bind().dialect.name == "sqlite":
        with op.batch_alter_table('outbox', recreate="always",
                                  table_kwargs={"sqlite_autoincrement": True}) as batch_op:
            pass


def downgrade() -> None:
    with op.batch_alter_table('staff_users', schema=None) as batch_op:
        batch_op.add_column(sa.Column('failed_pins', sa.Integer(), server_default="0", nullable=False))
        batch_op.add_column(sa.Column('locked_until', core.database.UTCDateTime(timezone=True), nullable=True))
    op.drop_table('pin_failures')
