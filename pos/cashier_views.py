"""The cashier terminal: the floor, a table's check, cash payment, closing; QR codes."""
from __future__ import annotations

from flask import Blueprint, Response, current_app, jsonify, render_template
from pydantic import Field

from app.api import Schema, api
from pos import qr, services
from pos.schemas import CashPaymentOut, CheckOut, ClosedOut, PrintersOut, PrintQueuedOut, TablesOut
from printers import services as printing
from staff.auth import current_staff, require_page_role, role_guard

bp = Blueprint("cashier", __name__, template_folder="templates", static_folder="static",
               static_url_path="/static/cashier")

cashier = role_guard("cashier")
cook = role_guard("cook")  # printer health and test pages: the kitchen fixes its own printer


def _ctx():
    return current_app.extensions["pos_ctx"]


def _staff_id() -> int | None:
    staff = current_staff()
    return staff["id"] if staff else None


class CashPayment(Schema):
    tendered: int = Field(ge=1, le=10**9, description="Cash handed over, in minor units")


@bp.get("/pos")
@require_page_role("cashier")
def terminal():
    ctx = _ctx()
    with ctx.db.read() as s:
        seq = ctx.realtime.current_seq(s)
    r = ctx.settings.restaurant
    return render_template("pos/terminal.html", tables=services.floor(ctx), seq=seq, staff=current_staff(),
                           currency=r.currency, minor_unit=r.minor_unit, restaurant=r.name)


@bp.get("/pos/qr-sheet")
@require_page_role("cashier")
def qr_sheet():
    ctx = _ctx()
    tables = [{**v, "svg": qr.svg(v["url"])} for v in services.current_visits(ctx)]
    return render_template("pos/qr_sheet.html", tables=tables,
                           restaurant=ctx.settings.restaurant.name)


@api.route(bp, "/api/pos/tables", "GET", guard=cashier, response=TablesOut, summary="Every table with its state and totals")
def tables():
    return jsonify(services.floor(_ctx()))


@api.route(bp, "/api/pos/tables/<id:table_id>/qr.<fmt>", "GET", guard=cashier, errors=(404,),
           summary="The QR code of the table's current visit link, as png or svg")
def table_qr(table_id: int, fmt: str):
    ctx = _ctx()
    if fmt not in ("png", "svg"):
        return jsonify({"error": {"code": "unknown_format", "message": "Use png or svg."}}), 404
    url = next((v["url"] for v in services.current_visits(ctx) if v["table_id"] == table_id), None)
    if url is None:
        return jsonify({"error": {"code": "unknown_table", "message": f"There is no table {table_id}."}}), 404
    if fmt == "png":
        return Response(qr.png(url), mimetype="image/png")
    return Response(qr.svg(url), mimetype="image/svg+xml")


@api.route(bp, "/api/pos/visits/<id:visit_id>", "GET", guard=cashier, response=CheckOut, errors=(404,),
           summary="A table's check: orders, items, payments and totals")
def get_check(visit_id: int):
    return jsonify(services.open_check(_ctx(), visit_id))


@api.route(bp, "/api/pos/visits/<id:visit_id>/payments/cash", "POST", body=CashPayment, guard=cashier,
           response=CashPaymentOut, ok=(201,), errors=(404, 409), summary="Take cash; returns the change to give back")
def pay_cash(visit_id: int, body: CashPayment):
    return jsonify(services.pay_cash(_ctx(), visit_id, body.tendered, _staff_id())), 201


@api.route(bp, "/api/pos/visits/<id:visit_id>/close", "POST", guard=cashier, response=ClosedOut,
           errors=(404, 409),
           summary="Close a paid check; the table gets a new visit and QR link")
def close(visit_id: int):
    return jsonify(services.close_visit(_ctx(), visit_id, _staff_id()))


@api.route(bp, "/api/pos/visits/<id:visit_id>/receipt", "POST", guard=cashier, response=PrintQueuedOut, ok=(202,),
           errors=(404, 409), summary="Print the check's receipt again, marked REPRINT")
def reprint_receipt(visit_id: int):
    return jsonify(services.reprint_receipt(_ctx(), visit_id)), 202


@api.route(bp, "/api/printers", "GET", guard=cook, response=PrintersOut,
           summary="Each printer's health at its last attempt, queue depth and last error")
def printers():
    return jsonify(printing.queue_status(_ctx()))


@api.route(bp, "/api/printers/<name>/test", "POST", guard=cook, response=PrintQueuedOut, ok=(202,),
           errors=(404, 409), summary="Queue a test page for a printer")
def printer_self_test(name: str):
    return jsonify(printing.print_self_test(_ctx(), name)), 202
