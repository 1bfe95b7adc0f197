"""print jobs: those still waiting with a document laid out before 0007 are set aside

Since 0007 a job stores its layout's input data and is laid out at print time; jobs
queued before it stored a ready layout (a JSON array). Such a job can no longer be
printed: one still pending (or claimed) is marked failed with a message saying to print
it again from its screen, where it stays visible. Printed and failed ones are history
and stay as they are; the worker no longer lays out arrays.

Revision ID: 0011
Revises: 0010
Create Date: 2026-12-03 13:30:00
"""
from alembic import op


revision = '0011'
down_revision = '0010'
branch_labels = None
depends_on = None

MESSAGE = "Queued before migration 0007 (an old layout): print it again from its screen."


def upgrade() -> None:
    is_array = ("json_typeof(document) = 'array'" if op.get_bind().dialect.name == "postgresql"
                else "json_type(document) = 'array'")
    op.execute(f"UPDATE print_jobs SET status = 'failed', claimed_by = NULL, last_error = '{MESSAGE}' "
               f"WHERE status IN ('pending', 'printing') AND {is_array}")


def downgrade() -> None:
    pass  # the jobs stay failed: their old layout was never printable by the new worker
