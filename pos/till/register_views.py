"""The day at the till over HTTP: open the register with a float, cash in and out, close
with the counted cash (a manager approves), the Z report as JSON, CSV and on paper; and
the page for all of it, /pos/day."""
from __future__ import annotations

from typing import Literal

from flask import Blueprint, Response, jsonify, render_template, request
from pydantic import Field, RootModel

from core.api import Out, Schema, Text, api
from core.web import current_ctx
from pos.register import services as register
from pos.register.export import csv_text
from pos.till.views import Approval
from printers.schemas import PrintQueuedOut
from staff.auth import current_actor, current_staff, require_page_role, role_guard
from staff.model import role_at_least
from staff.services import staff_list

bp = Blueprint("register", __name__)  # its page and script are the till's (pos.till.views)

cashier = role_guard("cashier")

Amount = Field(ge=1, le=10**9, description="minor units")



# -- request bodies -------------------------------------------------------------------------------

class OpenRegister(Schema):
    float: int = Field(ge=0, le=10**9, description="cash put in the drawer to start with, minor units")


class CashMove(Schema):
    kind: Literal["in", "out"]
    amount: int = Amount
    reason: Text = Field(min_length=1, max_length=200, pattern=r"\S")


class CloseRegister(Schema):
    counted: int = Field(ge=0, le=10**9, description="the cash counted in the drawer, minor units")
    approval: Approval | None = Field(None, description="a manager's id and PIN, unless a manager is signed in")


# -- responses -----------------------------------------------------------------------------------

class MovementOut(Out):
    id: int
    at: str
    time: str = Field(description="local hh:mm")
    kind: Literal["in", "out"]
    label: str
    amount: int = Field(description="positive: kind says which way")
    amount_formatted: str
    reason: str
    staff: str | None


class RegisterOut(Out):
    """The open register and the cash its drawer should hold now."""
    id: int
    business_day: str
    opened_at: str
    opened_local: str = Field(description="local yyyy-mm-dd hh:mm")
    opened_by: str | None
    float: int
    cash_sales: int = Field(description="cash payments applied to checks (change excluded)")
    cash_tips: int = Field(description="tips paid in cash: they stay in the drawer")
    cash_refunds: int
    cash_in: int
    cash_out: int
    expected: int = Field(description="float + cash sales + cash tips - cash refunds + cash in - cash out")
    payments: int = Field(description="payments taken in this session, any tender")
    formatted: dict[str, str]
    movements: list[MovementOut]


class CurrentOut(RootModel[RegisterOut | None]):
    """The open register, or null when none is open."""


class CashMovedOut(Out):
    movement: MovementOut
    current: RegisterOut = Field(description="the register after the movement")


class RegisterSummaryOut(Out):
    id: int
    business_day: str
    open: bool
    opened_at: str
    closed_at: str | None
    opened_by: str | None
    closed_by: str | None
    float: int
    expected: int | None
    counted: int | None
    difference: int | None = Field(description="counted - expected: negative when cash is missing")
    formatted: dict[str, str | None]


class RegisterListOut(RootModel[list[RegisterSummaryOut]]):
    pass


class OpenCheckOut(Out):
    visit_id: int
    label: str
    total: int
    paid: int
    due: int
    formatted: dict[str, str]


class FigureOut(Out):
    count: int
    amount: int
    amount_formatted: str


class SalesOut(Out):
    gross: int = Field(description="items before discounts and comps (voided items excluded)")
    discounts: int
    comps: int
    net: int = Field(description="gross - discounts - comps")
    service_charge: int
    tax: int
    total: int = Field(description="what the checks came to (net + service, + tax when added on top)")
    tips: int
    payments: int = Field(description="taken in this session, any tender, any check")
    rounding: int = Field(description="cash rounded to the smallest coin: payments minus what they settled")
    refunds: int
    average_check: int = Field(description="total / checks, rounded half up")


class CategorySalesOut(Out):
    category_id: int
    name: str
    qty: int
    amount: int = Field(description="net, after discounts and comps")
    amount_formatted: str


class DishSalesOut(Out):
    dish_id: int
    name: str
    category: str
    qty: int
    amount: int = Field(description="net, after discounts and comps")
    amount_formatted: str


class TenderOut(Out):
    tender: str
    label: str
    count: int
    amount: int
    tips: int
    refund_count: int
    refunds: int
    net: int
    formatted: dict[str, str]


class TaxOut(Out):
    label: str
    rate: str
    included: bool
    amount: int
    amount_formatted: str


class ServiceOut(Out):
    label: str
    rate: str
    amount: int
    amount_formatted: str


class CashOut(Out):
    float: int
    cash_sales: int
    cash_tips: int
    cash_refunds: int
    cash_in: int
    cash_out: int
    expected: int
    counted: int | None = Field(description="none while the register is open")
    difference: int | None = Field(description="counted - expected")
    formatted: dict[str, str | None]


class ReportOut(Out):
    """The Z report: as stored when the register closed, or as it stands while it is open."""
    register_id: int
    business_day: str
    status: Literal["open", "closed"]
    opened_at: str
    closed_at: str | None
    opened_local: str
    closed_local: str | None
    opened_by: str | None
    closed_by: str | None
    approved_by: str | None
    generated_at: str
    currency: str
    minor_unit: int
    counting: str = Field(description="which checks the report counts")
    visit_ids: list[int]
    checks: int
    open_checks: int = Field(0, description="checks with orders still open when the report was made: they count when they close")
    open_check_list: list[OpenCheckOut] = Field([], description="those checks, with what is paid and unpaid on each: "
                                                                "they go into the report of the session they close in")
    covers: int
    covers_basis: Literal["recorded", "estimated", "mixed"]
    covers_note: str
    sales: SalesOut
    formatted: dict[str, str]
    sales_by_category: list[CategorySalesOut]
    sales_by_dish: list[DishSalesOut]
    tenders: list[TenderOut]
    taxes: list[TaxOut]
    service: ServiceOut
    discounts: FigureOut
    comps: FigureOut
    voids: FigureOut
    refunds: FigureOut
    cash: CashOut
    cash_movements: list[MovementOut]


class ClosedRegisterOut(Out):
    session: RegisterSummaryOut = Field(description="the register session as closed")
    printer: str | None = Field(description="where the Z report prints (none: no receipt printer)")
    report: ReportOut


# -- the page ------------------------------------------------------------------------------------

@bp.get("/pos/day")
@require_page_role("cashier")
def day_page():
    ctx = current_ctx()
    r = ctx.settings.restaurant
    staff = current_staff()
    managers = [m for m in staff_list(ctx) if role_at_least(m["role"], "manager")]
    return render_template("till/day.html", restaurant=r.name, staff=staff, boot={
        "current": register.current(ctx), "registers": register.history(ctx), "currency": r.currency,
        "minor_unit": r.minor_unit, "is_manager": role_at_least(staff["role"], "manager"),
        "managers": managers})


# -- the API -------------------------------------------------------------------------------------

@api.route(bp, "/api/pos/register", "GET", guard=cashier, response=CurrentOut,
           summary="The open register with its running cash figures, or null")
def get_current():
    return jsonify(register.current(current_ctx()))


@api.route(bp, "/api/pos/register/open", "POST", body=OpenRegister, guard=cashier, response=RegisterOut,
           ok=(201,), errors=(409,), summary="Open the register with a float (the drawer opens; audited)")
def open_register(body: OpenRegister):
    return jsonify(register.open_register(current_ctx(), body.float, current_actor())), 201


@api.route(bp, "/api/pos/register/cash", "POST", body=CashMove, guard=cashier, response=CashMovedOut,
           ok=(201,), errors=(409,), summary="Put cash in or take it out of the drawer, with a reason (audited)")
def cash(body: CashMove):
    return jsonify(register.cash_movement(current_ctx(), body.kind, body.amount, body.reason, current_actor())), 201


@api.route(bp, "/api/pos/register/close", "POST", body=CloseRegister, guard=cashier, response=ClosedRegisterOut,
           errors=(409, 429), summary="Close the day with the counted cash (a manager approves); prints the Z report")
def close(body: CloseRegister):
    return jsonify(register.close_register(current_ctx(), body.counted, current_actor(),
                                           body.approval.model_dump() if body.approval else None,
                                           request.remote_addr))


@api.route(bp, "/api/pos/registers", "GET", guard=cashier, response=RegisterListOut,
           summary="The most recent register sessions, newest first")
def registers():
    return jsonify(register.history(current_ctx()))


@api.route(bp, "/api/pos/registers/<id:register_id>/report", "GET", guard=cashier, response=ReportOut,
           errors=(404,), summary="A register session's Z report (while open: as it stands now)")
def report(register_id: int):
    return jsonify(register.day_report(current_ctx(), register_id))


@api.route(bp, "/api/pos/registers/<id:register_id>/report.csv", "GET", guard=cashier, errors=(404,),
           summary="The Z report as CSV (section, name, count, amount), to download")
def report_csv(register_id: int):
    report = register.day_report(current_ctx(), register_id)
    name = f"z-report-{report['business_day']}-{register_id}.csv"
    # A byte order mark, so spreadsheets read the Chinese dish names as UTF-8.
    return Response("\ufeff" + csv_text(report), mimetype="text/csv", headers={
        "Content-Disposition": f'attachment; filename="{name}"',
        "Cache-Control": "no-store"})


@api.route(bp, "/api/pos/registers/<id:register_id>/print", "POST", guard=cashier, response=PrintQueuedOut,
           ok=(202,), errors=(404, 409), summary="Print a closed register's Z report again, marked REPRINT")
def print_report(register_id: int):
    return jsonify(register.print_report(current_ctx(), register_id)), 202
