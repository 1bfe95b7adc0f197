"""The durable print queue: one row per ticket or receipt to print."""
from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from sqlalchemy import JSON, ForeignKey, Index, String, Text, false
from sqlalchemy.orm import Mapped, mapped_column

from core.database import Base, UTCDateTime


class JobStatus(StrEnum):
    """Where a print job is in the queue (stored as its string value)."""
    PENDING = "pending"    # waiting for its printer (or its next attempt)
    PRINTING = "printing"  # claimed by a worker that is sending it
    PRINTED = "printed"    # the printer confirmed it
    FAILED = "failed"      # it cannot be printed (its document cannot be laid out)


# Not finished yet: the printer's queue.
QUEUED = frozenset({JobStatus.PENDING, JobStatus.PRINTING})


class PrintJob(Base):
    __tablename__ = "print_jobs"
    id: Mapped[int] = mapped_column(primary_key=True)
    printer: Mapped[str] = mapped_column(String(64))
    kind: Mapped[str] = mapped_column(String(32))  # kitchen_ticket, receipt, ...
    ticket_id: Mapped[int | None] = mapped_column(ForeignKey("tickets.id"))
    # The layout's input data: printed as printers.layout.build(kind, document, paper_mm), laid
    # out at print time for the printer that prints it.
    document: Mapped[dict] = mapped_column(JSON)
    status: Mapped[str] = mapped_column(String(16), default=JobStatus.PENDING)
    attempts: Mapped[int] = mapped_column(default=0)
    next_attempt_at: Mapped[datetime] = mapped_column(UTCDateTime)
    claimed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    claimed_by: Mapped[str | None] = mapped_column(String(64))
    last_error: Mapped[str | None] = mapped_column(Text)
    # An earlier attempt may have printed it (sent, then no confirmation): any further
    # attempt prints it marked REPRINT, so a duplicate is never mistaken for a new order.
    maybe_delivered: Mapped[bool] = mapped_column(default=False, server_default=false())
    # Moved here from this printer, which kept failing: printed under a REDIRECTED banner.
    redirected_from: Mapped[str | None] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    printed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    __table_args__ = (Index("ix_print_jobs_queue", "printer", "status", "next_attempt_at"),)


class PrinterState(Base):
    """What a printer said at its last attempt (any process's worker writes it)."""
    __tablename__ = "printer_states"
    printer: Mapped[str] = mapped_column(String(64), primary_key=True)
    state: Mapped[str] = mapped_column(String(16))  # online paper_low paper_out offline unreachable
    detail: Mapped[str | None] = mapped_column(Text)
    checked_at: Mapped[datetime] = mapped_column(UTCDateTime)
    # Set when its jobs failed over to its backup: new jobs go straight to the backup
    # until a status probe (printers.worker) or a printed job finds it working again.
    down_since: Mapped[datetime | None] = mapped_column(UTCDateTime)
