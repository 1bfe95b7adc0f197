"""The cashier terminal: the floor, a table's check, cash payment, closing; QR codes."""
from __future__ import annotations

from datetime import datetime
from decimal import Decimal

from flask import Blueprint, Response, jsonify, render_template, request
from pydantic import Field, RootModel, field_validator, model_validator

from core.api import Id, Out, Schema, Text, api
from core.web import current_ctx
from core.errors import Unprocessable
from pos.checks import adjustments, billing, payments, receipts, splits, summary
from pos.checks.adjustments import refusal
from pos.checks.audit import audit_log
from pos.orders import qr
from pos.orders.visits import current_visits
from pos.checks.schemas import AdjustmentKind, CheckOut, ClosedOut, PaymentTakenOut, TablesOut
from printers.schemas import PrintQueuedOut
from printers.wrapping import display_width
from staff.auth import current_actor, current_staff, require_page_role, role_guard

bp = Blueprint("till", __name__, template_folder="templates", static_folder="static",
               static_url_path="/static/till")

cashier = role_guard("cashier")
manager = role_guard("manager")




class CashPayment(Schema):
    tendered: int = Field(ge=1, le=10**9, description="Cash handed over, in minor units")


class Approval(Schema):
    """A manager's approval typed on the terminal (not needed when a manager is signed in)."""
    manager_id: Id
    pin: str = Field(pattern=r"^[0-9]{4,8}$")


class TakePayment(Schema):
    tender: str = Field(min_length=1, max_length=16, description="cash, or a name from pos.tenders")
    amount: int | None = Field(None, ge=1, le=10**9,
                               description="toward the check (default: cash handed over, else all that is due)")
    tendered: int | None = Field(None, ge=1, le=10**9, description="cash handed over (change is given back)")
    tip: int = Field(0, ge=0, le=10**9)
    reference: Text | None = Field(None, max_length=64, description="the card terminal's reference")


RECEIPT_LABEL_COLUMNS = 20  # 58 mm paper has 32 columns: the label, a space and an amount such as -HK$1,234.50


class AddAdjustment(Schema):
    kind: AdjustmentKind
    item_id: Id | None = Field(None, description="one item; none: the whole check")
    percent: Decimal | None = Field(None, gt=0, le=100, max_digits=5, decimal_places=2)
    amount: int | None = Field(None, ge=1, le=10**9)
    reason: Text = Field(min_length=1, max_length=200, description="the cashier's, never printed for the guest")
    label: Text | None = Field(None, min_length=1, max_length=64,
                               description=f"what the guest's receipt says (none: Discount); at most "
                                           f"{RECEIPT_LABEL_COLUMNS} columns, a Chinese character taking two")
    approval: Approval | None = None

    @field_validator("label")
    @classmethod
    def _fits_a_receipt_line(cls, v: str | None) -> str | None:
        if v is not None and display_width(v) > RECEIPT_LABEL_COLUMNS:
            raise ValueError(f"a receipt label fits one receipt line beside its amount: at most "
                             f"{RECEIPT_LABEL_COLUMNS} columns (a Chinese character takes two)")
        return v

    @model_validator(mode="after")
    def _one_value(self) -> "AddAdjustment":
        if self.kind == "discount" and (self.percent is None) == (self.amount is None):
            raise ValueError("a discount has exactly one of percent and amount")
        if self.kind == "comp" and (self.percent is not None or self.amount is not None or self.item_id is None):
            raise ValueError("a comp names one item and no percent or amount")
        return self


class VoidItem(Schema):
    reason: Text = Field(min_length=1, max_length=200)
    approval: Approval | None = None


class Refund(Schema):
    amount: int = Field(ge=1, le=10**9)
    reason: Text = Field(min_length=1, max_length=200)
    approval: Approval | None = None


class SplitByItems(Schema):
    groups: list[list[Id]] = Field(min_length=1, max_length=50, description="each guest's item ids")


class RefundOut(Out):
    refund_id: int
    payment_id: int
    amount: int
    tender: str
    refundable: int


class SplitOut(Out):
    parts: list[dict] = Field(description="[{label, amount, amount_formatted}], adding up to what was split")
    total: int


class AuditOut(Out):
    id: int
    at: str
    action: str
    staff_id: int | None
    staff: str | None
    approved_by: int | None
    approver: str | None
    visit_id: int | None
    item_id: int | None
    amount: int | None
    amount_formatted: str | None
    reason: str | None
    details: dict


class AuditListOut(RootModel[list[AuditOut]]):
    pass



def _approval(a: Approval | None) -> dict | None:
    return a.model_dump() if a else None


@bp.get("/pos")
@require_page_role("cashier")
def terminal():
    ctx = current_ctx()
    with ctx.db.read() as s:
        seq = ctx.realtime.current_seq(s)
    r = ctx.settings.restaurant
    tenders = [t.model_dump() for t in ctx.settings.pos.tenders]
    return render_template("till/terminal.html", tables=summary.floor(ctx), seq=seq, staff=current_staff(),
                           currency=r.currency, minor_unit=r.minor_unit, restaurant=r.name, tenders=tenders,
                           tips=ctx.settings.pos.tips, tz=r.timezone, checks=summary.takeaway_checks(ctx))


@bp.get("/pos/qr-sheet")
@require_page_role("cashier")
def qr_sheet():
    ctx = current_ctx()
    tables = [{**v, "svg": qr.svg(v["url"])} for v in current_visits(ctx)]
    return render_template("till/qr_sheet.html", tables=tables,
                           restaurant=ctx.settings.restaurant.name)


@bp.get("/pos/audit")
@require_page_role("manager")
def audit_page():
    """The audit log for managers: voids, comps, discounts, refunds, drawer openings."""
    r = current_ctx().settings.restaurant
    return render_template("till/audit.html", staff=current_staff(), restaurant=r.name, tz=r.timezone)


@api.route(bp, "/api/pos/tables", "GET", guard=cashier, response=TablesOut, summary="Every table with its state and totals")
def tables():
    return jsonify(summary.floor(current_ctx()))


@api.route(bp, "/api/pos/tables/<id:table_id>/qr.<fmt>", "GET", guard=cashier, errors=(404,),
           summary="The QR code of the table's current visit link, as png or svg")
def table_qr(table_id: int, fmt: str):
    ctx = current_ctx()
    if fmt not in ("png", "svg"):
        return jsonify({"error": {"code": "unknown_format", "message": "Use png or svg."}}), 404
    url = next((v["url"] for v in current_visits(ctx) if v["table_id"] == table_id), None)
    if url is None:
        return jsonify({"error": {"code": "unknown_table", "message": f"There is no table {table_id}."}}), 404
    if fmt == "png":
        return Response(qr.png(url), mimetype="image/png")
    return Response(qr.svg(url), mimetype="image/svg+xml")


@api.route(bp, "/api/pos/visits/<id:visit_id>", "GET", guard=cashier, response=CheckOut, errors=(404,),
           summary="A table's check: orders, items, payments and totals")
def get_check(visit_id: int):
    return jsonify(summary.read_check(current_ctx(), visit_id))


@api.route(bp, "/api/pos/visits/<id:visit_id>/payments/cash", "POST", body=CashPayment, guard=cashier,
           response=PaymentTakenOut, ok=(201,), errors=(404, 409), summary="Take cash; returns the change to give back")
def pay_cash(visit_id: int, body: CashPayment):
    return jsonify(payments.pay_cash(current_ctx(), visit_id, body.tendered, current_actor())), 201


@api.route(bp, "/api/pos/visits/<id:visit_id>/payments", "POST", body=TakePayment, guard=cashier,
           response=PaymentTakenOut, ok=(201,), errors=(404, 409, 422),
           summary="Take a payment by any tender, with a tip; several may settle one check")
def take_payment(visit_id: int, body: TakePayment):
    return jsonify(payments.pay(current_ctx(), visit_id, tender=body.tender, amount=body.amount, tendered=body.tendered,
                            tip=body.tip, reference=body.reference, actor=current_actor())), 201


@api.route(bp, "/api/pos/visits/<id:visit_id>/adjustments", "POST", body=AddAdjustment, guard=cashier,
           response=CheckOut, ok=(201,), errors=(404, 409, 422),
           summary="Discount (percent or amount) or comp an item or the whole check; a manager approves comps "
                   "and discounts above pos.discount_approval_percent")
def add_adjustment(visit_id: int, body: AddAdjustment):
    return jsonify(adjustments.add_adjustment(current_ctx(), visit_id, kind=body.kind, item_id=body.item_id, percent=body.percent,
                                       amount=body.amount, reason=body.reason, label=body.label, actor=current_actor(),
                                       approval=_approval(body.approval), address=request.remote_addr)), 201


@api.route(bp, "/api/pos/visits/<id:visit_id>/adjustments/<id:adjustment_id>", "DELETE", guard=cashier,
           response=CheckOut, errors=(404, 409), summary="Take a discount or comp off the check again")
def remove_adjustment(visit_id: int, adjustment_id: int):
    return jsonify(adjustments.remove_adjustment(current_ctx(), visit_id, adjustment_id, current_actor()))


@api.route(bp, "/api/pos/items/<id:item_id>/void", "POST", body=VoidItem, guard=cashier, response=CheckOut,
           errors=(404, 409), summary="Void an item the kitchen has (manager); the kitchen gets a VOID ticket")
def void_item(item_id: int, body: VoidItem):
    return jsonify(adjustments.void_item(current_ctx(), item_id, reason=body.reason, actor=current_actor(),
                                  approval=_approval(body.approval), address=request.remote_addr))


@api.route(bp, "/api/pos/payments/<id:payment_id>/refund", "POST", body=Refund, guard=cashier, response=RefundOut,
           ok=(201,), errors=(404, 409), summary="Refund (part of) a payment (manager); cash opens the drawer")
def refund(payment_id: int, body: Refund):
    return jsonify(payments.refund(current_ctx(), payment_id, amount=body.amount, reason=body.reason, actor=current_actor(),
                               approval=_approval(body.approval), address=request.remote_addr)), 201


def _parts(ctx, amounts: list[int], labels: list[str]) -> dict:
    return {"parts": [{"label": lb, "amount": a, "amount_formatted": summary.money(ctx, a)}
                      for lb, a in zip(labels, amounts)], "total": sum(amounts)}


@api.route(bp, "/api/pos/visits/<id:visit_id>/split", "GET", guard=cashier, response=SplitOut, errors=(404, 422),
           summary="What each guest pays: ?by=equal&n=3 (of what is still due) or ?by=seats")
def split(visit_id: int):
    ctx = current_ctx()
    b = summary.bill_of(ctx, visit_id)
    by = request.args.get("by", "equal")
    if by == "seats":
        shares = splits.split_by_seats(b)
        return jsonify(_parts(ctx, list(shares.values()),
                              [f"Seat {k}" if k is not None else "Table" for k in shares]))
    if by != "equal":
        raise Unprocessable("by is equal or seats (POST groups of items to split by items).", code="bad_split")
    n = request.args.get("n", "2")
    if not n.isdigit() or not 1 <= int(n) <= 50:
        raise Unprocessable("n is a number of guests from 1 to 50.", code="bad_split")
    return jsonify(_parts(ctx, splits.split_equal(b.due, int(n)), [f"{i + 1} of {n}" for i in range(int(n))]))


@api.route(bp, "/api/pos/visits/<id:visit_id>/split", "POST", body=SplitByItems, guard=cashier, response=SplitOut,
           errors=(404, 422), summary="What each guest pays for the items they had (every item in one group)")
def split_by_items(visit_id: int, body: SplitByItems):
    ctx = current_ctx()
    try:
        amounts = splits.split_by_lines(summary.bill_of(ctx, visit_id), body.groups)
    except billing.BillingError as e:
        raise refusal(e) from None
    return jsonify(_parts(ctx, amounts, [f"Guest {i + 1}" for i in range(len(amounts))]))


@api.route(bp, "/api/pos/audit", "GET", guard=manager, response=AuditListOut, errors=(422,),
           summary="The audit log, newest first: ?action=void&staff_id=3&since=ISO&until=ISO")
def audit(*_):
    args = request.args
    try:
        since = datetime.fromisoformat(args["since"]) if args.get("since") else None
        until = datetime.fromisoformat(args["until"]) if args.get("until") else None
        staff_id = int(args["staff_id"]) if args.get("staff_id") else None
    except ValueError:
        raise Unprocessable("since and until are ISO times; staff_id a number.", code="bad_filter") from None
    return jsonify(audit_log(current_ctx(), action=args.get("action") or None, staff_id=staff_id,
                                  since=since, until=until))


@api.route(bp, "/api/pos/visits/<id:visit_id>/close", "POST", guard=cashier, response=ClosedOut,
           errors=(404, 409),
           summary="Close a paid check; the table gets a new visit and QR link")
def close(visit_id: int):
    return jsonify(payments.close_visit(current_ctx(), visit_id, current_actor()))


@api.route(bp, "/api/pos/visits/<id:visit_id>/receipt", "POST", guard=cashier, response=PrintQueuedOut, ok=(202,),
           errors=(404, 409), summary="Print the check's receipt again, marked REPRINT")
def reprint_receipt(visit_id: int):
    return jsonify(receipts.reprint_receipt(current_ctx(), visit_id)), 202
