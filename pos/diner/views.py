"""The diner's phone: the menu page of one table visit, ordering, live status."""
from __future__ import annotations

from typing import Literal

from flask import Blueprint, jsonify, make_response, render_template
from pydantic import Field

from core import i18n
from core.api import Id, Schema, Text, api
from core.web import current_ctx, language
from core.errors import DomainError
from menu import photos
from menu import services as menu
from menu.model import localized
from pos.diner import services
from pos.orders import requests, services as orders
from pos.diner.text import diner_strings
from pos.orders.ordering import RequestedLine
from pos.checks.schemas import CheckOut
from pos.orders.schemas import MAX_LINES, OrderLine, OrderOut, RequestOut

bp = Blueprint("diner", __name__, template_folder="templates", static_folder="static",
               static_url_path="/static/diner")



class PlaceOrder(Schema):
    idempotency_key: str = Field(min_length=8, max_length=64, pattern=r"^[A-Za-z0-9_-]+$",
                                 description="Made once per cart by the client; a retry with the same key "
                                             "returns the first order instead of ordering twice.")
    items: list[OrderLine] = Field(min_length=1, max_length=MAX_LINES)


@bp.get("/v/<token>")
def diner_page(token: str):
    ctx = current_ctx()
    lang = language(ctx)
    # The seq first: whatever commits after it is in the backlog the page asks for, and
    # whatever the check below already shows again is de-duplicated by the page.
    with ctx.db.read() as s:
        seq = ctx.realtime.current_seq(s)
    try:
        check = services.diner_view(ctx, token, lang)
    except DomainError as e:
        receipt = services.closed_receipt(ctx, token, lang) if e.code == "visit_closed" else None
        # The paper receipt's QR code lands here: a closed check's receipt is a page that works (200).
        shown = receipt is not None and bool(receipt.get("lines"))
        return render_template("diner/link_error.html", error=e, receipt=receipt, lang=lang), 200 if shown else e.status
    r = ctx.settings.restaurant
    boot = {"token": token, "lang": lang, "kind": check["kind"], "languages": list(r.languages), "currency": r.currency,
            "minor_unit": r.minor_unit, "service_pct": str(r.service_rate(check["kind"])), "visit_id": check["visit_id"], "seq": seq,
            "menu": menu.menu_for(ctx, lang), "check": check, "tz": r.timezone,
            "apology": localized(ctx.settings.kitchen.late_apology, lang, i18n.fallbacks(lang, r.languages)),
            "t": diner_strings(), "photo_widths": {"thumb": photos.THUMB_WIDTHS, "hero": photos.HERO_WIDTHS}}
    languages = [(code, i18n.SHORT.get(code, code), i18n.NAMES.get(code, code)) for code in r.languages]
    resp = make_response(render_template("diner/diner.html", boot=boot,
                                         check=check, lang=lang, restaurant=r.name, languages=languages))
    resp.set_cookie("lang", lang, max_age=365 * 86400, samesite="Lax")
    return resp


@api.route(bp, "/api/visits/<token>", "GET", summary="The visit's check: orders, item states, totals",
           response=CheckOut, errors=(403,))
def get_visit(token: str):
    ctx = current_ctx()
    return jsonify(services.diner_view(ctx, token, language(ctx)))


@api.route(bp, "/api/visits/<token>/orders", "POST", body=PlaceOrder, response=OrderOut, ok=(201, 200),
           errors=(403, 409, 429),
           summary="Place an order for this visit (idempotent by idempotency_key)")
def place_order(token: str, body: PlaceOrder):
    lines = [RequestedLine(i.dish_id, i.quantity, tuple(i.options), (i.note or "").strip() or None)
             for i in body.items]
    order, created = orders.place_order(current_ctx(), token, body.idempotency_key, lines)
    return jsonify(order), 201 if created else 200


class AskStaff(Schema):
    kind: Literal["waiter", "bill", "problem"]
    item_id: Id | None = Field(None, description="problem: the dish")
    reason: Literal["wrong_dish", "cold", "taste", "foreign_object", "missing", "slow", "other"] | None = None
    text: Text | None = Field(None, max_length=300)


@api.route(bp, "/api/visits/<token>/requests", "POST", body=AskStaff, response=RequestOut, ok=(201, 200),
           errors=(403, 404, 422, 429),
           summary="Call a waiter, ask for the bill, or report a problem with a dish; rings on the terminal")
def ask_staff(token: str, body: AskStaff):
    data, created = requests.ask_staff(current_ctx(), token, body.kind, body.item_id, body.reason,
                                       (body.text or "").strip() or None)
    return jsonify(data), 201 if created else 200
