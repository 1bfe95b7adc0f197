"""Shapes of the dining room's JSON responses, declared for /api/openapi.json and checked
against real responses by tests/web/test_api_contract.py."""
from __future__ import annotations

from typing import Literal

from pydantic import Field, RootModel

from core.api import Out
from pos.orders.schemas import ItemOut

TableState = Literal["free", "seated", "ordering", "waiting", "eating", "bill", "paid", "pickup"]


class CheckOrderOut(Out):
    id: int
    number: int
    created_at: str
    promised_at: str | None
    late: bool
    items: list[ItemOut]


class PaymentOut(Out):
    id: int
    kind: Literal["payment", "refund"]
    tender: str
    amount: int = Field(description="received toward the check (a refund: given back)")
    rounding: int = Field(description="cash rounded to the smallest coin: amount minus what it settled")
    tendered: int
    change: int
    tip: int
    reference: str | None
    refund_of: int | None
    created_at: str


class TotalsOut(Out):
    subtotal: int
    discounts: int
    comps: int
    service_charge: int
    tax: int
    total: int
    paid: int
    due: int
    tips: int
    rounding: int = Field(description="what cash rounding changed the payments by (negative: less was paid)")
    cash_due: int = Field(description="what settling the due in cash takes: rounded to the smallest coin")
    tax_included: bool
    formatted: dict[str, str]


AdjustmentKind = Literal["discount", "comp"]


class AdjustmentOut(Out):
    id: int
    kind: AdjustmentKind
    item_id: int | None = Field(description="none: the whole check")
    percent: str | None
    amount: int | None
    reason: str = Field(description="the cashier's: staff screens and the audit log only")
    label: str | None = Field(description="what the guest's receipt says (none: Discount)")
    taken: int = Field(description="what it takes off the check now")
    taken_formatted: str


class BillRowOut(Out):
    key: Literal["subtotal", "discount", "service", "tax", "total", "rounding", "paid", "tips", "due"]
    amount: int
    formatted: str
    label: str | None = Field(None, description="discount: what the guest's receipt says (none: Discount)")
    percent: str | None = Field(None, description="discount: its percent, if it is one")
    rate: str | None = Field(None, description="service, tax: the rate in percent")
    included: bool | None = Field(None, description="tax: already in the prices (shown, not added)")


class BillOut(Out):
    """The check's sums as the guest's receipt shows them (pos.checks.presentation)."""
    sums: list[BillRowOut] = Field(description="subtotal (the items less their own discounts and comps), the "
                                               "check's discounts, service, tax, total, cash rounding")
    after: list[BillRowOut] = Field(description="paid and tips (when any), then due")


VisitKind = Literal["table", "takeaway", "counter"]


class CheckOut(Out):
    visit_id: int
    table_id: int | None = Field(description="none for a takeaway or counter check")
    table: str = Field(description="the table's name, or the takeaway or counter pickup")
    kind: VisitKind
    pickup: str | None
    covers: int | None
    open: bool
    opened_at: str
    state: TableState
    orders: list[CheckOrderOut]
    payments: list[PaymentOut]
    adjustments: list[AdjustmentOut]
    totals: TotalsOut
    bill: BillOut


class TableOut(Out):
    """A table's tile on the floor, or an open takeaway or counter check (table_id none)."""
    table_id: int | None
    table: str
    seats: int
    x: int | None = Field(description="floor plan column (none: not placed yet)")
    y: int | None
    shape: Literal["square", "round"] | None
    kind: VisitKind
    pickup: str | None
    visit_id: int
    open: bool
    covers: int | None
    requests: int = Field(description="diners' requests not yet resolved")
    state: TableState
    items: int
    total: int
    due: int
    total_formatted: str
    opened_at: str
    late: bool = Field(description="an order is past the time promised to the diner")


class TablesOut(RootModel[list[TableOut]]):
    pass


class PaymentTakenOut(Out):
    payment_id: int
    tender: str
    amount: int = Field(description="received toward the check (cash: the due rounded to the smallest coin)")
    rounding: int = Field(description="amount minus what it settled on the check")
    tip: int
    tendered: int = Field(description="handed over (cash) or charged (amount plus tip)")
    change: int
    change_formatted: str
    check: CheckOut


class ClosedOut(Out):
    """The closed check, and the table's next visit and link (none for takeaway and counter)."""
    closed_visit_id: int
    next_visit_id: int | None
    table_id: int | None
    url: str | None
