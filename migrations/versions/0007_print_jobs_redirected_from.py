"""print jobs: redirected_from; printer states: down_since (failed over to the backup)

Jobs now store their layout's input data and are laid out at print time for the
printer that prints them (a 58 mm backup gets a 58 mm ticket); the REDIRECTED
banner comes from this column instead of being baked into the stored document.
A printer that failed over stays down (new jobs go straight to its backup) until a
status probe finds it answering again.

Revision ID: 0007
Revises: 0006
Create Date: 2026-11-27 13:20:00
"""
from alembic import op
import sqlalchemy as sa
import core.database


revision = '0007'
down_revision = '0006'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('print_jobs') as batch:
        batch.add_column(sa.Column('redirected_from', sa.String(length=64), nullable=True))
    with op.batch_alter_table('printer_states') as batch:
        batch.add_column(sa.Column('down_since', core.database.UTCDateTime(timezone=True), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table('printer_states') as batch:
        batch.drop_column('down_since')
    with op.batch_alter_table('print_jobs') as batch:
        batch.drop_column('redirected_from')
