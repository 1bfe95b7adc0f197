"""Shapes of the printers' JSON responses (/api/openapi.json)."""
from __future__ import annotations

from typing import Literal

from pydantic import Field, RootModel

from core.api import Out


class PrinterOut(Out):
    name: str
    enabled: bool
    queue_depth: int
    state: Literal["unknown", "online", "paper_low", "paper_out", "offline", "unreachable"] = Field(
        description="what the printer said at its last attempt")
    state_detail: str | None
    checked_at: str | None
    failed_over_to: str | None = Field(description="its backup, while its jobs go there (it kept failing)")
    down_since: str | None
    last_error: str | None
    last_printed_at: str | None


class PrintersOut(RootModel[list[PrinterOut]]):
    pass


class PrintQueuedOut(Out):
    """A print job was queued (a test page, a reprint) on the named printer."""
    queued: bool
    printer: str
