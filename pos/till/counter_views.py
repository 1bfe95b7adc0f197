"""The terminal's own orders and the room around the checks: counter and takeaway orders
(and orders typed for a table), the open takeaway checks, diners' requests, and the
floor plan a manager arranges."""
from __future__ import annotations

import uuid
from typing import Literal

from flask import Blueprint, jsonify, request
from pydantic import Field, RootModel, model_validator

from core.api import Id, Schema, Text, api
from core.web import current_ctx
from pos.checks import adjustments, moves, summary
from pos.orders import requests, services as orders
from pos.orders.schemas import MAX_LINES, OrderLine, OrderOut, RequestOut
from pos.till.views import Approval
from pos.orders.ordering import RequestedLine
from pos.checks.schemas import CheckOut, TablesOut, VisitKind
from staff.auth import current_actor, role_guard

bp = Blueprint("counter", __name__)

cashier = role_guard("cashier")
manager = role_guard("manager")




class StaffLine(OrderLine):
    seat: int | None = Field(None, ge=1, le=50, description="which guest, for splitting by seats")


class StaffOrder(Schema):
    kind: VisitKind
    table_id: Id | None = Field(None, description="kind table: the table")
    visit_id: Id | None = Field(None, description="add to this open check instead (any kind)")
    pickup: Text | None = Field(None, min_length=1, max_length=40, description="takeaway/counter: name or number")
    covers: int | None = Field(None, ge=1, le=99, description="guests, for the day's covers")
    idempotency_key: str = Field(default_factory=lambda: uuid.uuid4().hex, min_length=8, max_length=64,
                                 pattern=r"^[A-Za-z0-9_-]+$", description="made once per order by the terminal")
    items: list[StaffLine] = Field(min_length=1, max_length=MAX_LINES)

    @model_validator(mode="after")
    def _where(self) -> "StaffOrder":
        if self.visit_id is not None:
            return self
        if self.kind == "table" and self.table_id is None:
            raise ValueError("a table order names its table_id")
        if self.kind != "table" and not (self.pickup or "").strip():
            raise ValueError("a takeaway or counter order has a pickup name or number")
        return self


class StaffOrderOut(OrderOut):
    label: str = Field(description="what the kitchen calls it: the table or the pickup")
    url: str = Field(description="the page where the check can be followed (its QR code is on the receipt)")


class Placement(Schema):
    table_id: Id
    x: int = Field(ge=0, le=40)
    y: int = Field(ge=0, le=40)
    shape: Literal["square", "round"] | None = None


class Floor(Schema):
    tables: list[Placement] = Field(min_length=1, max_length=200)


class Resolve(Schema):
    resolution: Text | None = Field(None, max_length=300)


class RequestsOut(RootModel[list[RequestOut]]):
    pass


@api.route(bp, "/api/pos/orders", "POST", body=StaffOrder, guard=cashier, response=StaffOrderOut, ok=(201, 200),
           errors=(404, 409, 422),
           summary="An order typed at the terminal: for a table, or a takeaway or counter order under a pickup name")
def staff_order(body: StaffOrder):
    lines = [RequestedLine(i.dish_id, i.quantity, tuple(i.options), (i.note or "").strip() or None)
             for i in body.items]
    order, created = orders.place_staff_order(
        current_ctx(), kind=body.kind, table_id=body.table_id, visit_id=body.visit_id, pickup=(body.pickup or "").strip() or None,
        key=body.idempotency_key, items=lines, seats=[i.seat for i in body.items], covers=body.covers)
    return jsonify(order), 201 if created else 200


@api.route(bp, "/api/pos/checks", "GET", guard=cashier, response=TablesOut,
           summary="The open takeaway and counter checks")
def open_checks():
    return jsonify(summary.takeaway_checks(current_ctx()))


@api.route(bp, "/api/pos/floor", "PUT", body=Floor, guard=manager, response=TablesOut, errors=(404, 409),
           summary="Arrange tables on the floor plan (grid cells)")
def arrange(body: Floor):
    return jsonify(moves.arrange_floor(current_ctx(), [p.model_dump() for p in body.tables]))


@api.route(bp, "/api/pos/requests", "GET", guard=cashier, response=RequestsOut,
           summary="Diners' requests not yet resolved, oldest first")
def open_requests():
    return jsonify(requests.open_requests(current_ctx()))


@api.route(bp, "/api/pos/requests/<id:request_id>/ack", "POST", guard=cashier, response=RequestOut, errors=(404,),
           summary="Someone is on it: the terminal stops ringing")
def acknowledge(request_id: int):
    return jsonify(requests.acknowledge(current_ctx(), request_id, current_actor().id))


@api.route(bp, "/api/pos/requests/<id:request_id>/resolve", "POST", body=Resolve, guard=cashier,
           response=RequestOut, errors=(404, 409), summary="Done: the request leaves the list")
def resolve(request_id: int, body: Resolve):
    return jsonify(requests.resolve(current_ctx(), request_id, current_actor().id, body.resolution))



class MoveCheck(Schema):
    to_table_id: Id


class MergeCheck(Schema):
    into_visit_id: Id = Field(description="the check that takes this one's orders and payments")


class PriceOverride(Schema):
    unit_price: int = Field(ge=0, le=10**9, description="minor units")
    reason: Text = Field(min_length=1, max_length=200)
    approval: Approval | None = None


@api.route(bp, "/api/pos/visits/<id:visit_id>/move", "POST", body=MoveCheck, guard=cashier, response=CheckOut,
           errors=(404, 409), summary="Move a check to a free table (nothing is sent to the kitchen again)")
def move_check(visit_id: int, body: MoveCheck):
    return jsonify(moves.move_check(current_ctx(), visit_id, body.to_table_id, current_actor()))


@api.route(bp, "/api/pos/visits/<id:visit_id>/merge", "POST", body=MergeCheck, guard=cashier, response=CheckOut,
           errors=(404, 409), summary="Merge this check into another table's; this table gets its next visit")
def merge_check(visit_id: int, body: MergeCheck):
    return jsonify(moves.merge_checks(current_ctx(), visit_id, body.into_visit_id, current_actor()))


@api.route(bp, "/api/pos/items/<id:item_id>/price", "POST", body=PriceOverride, guard=cashier, response=CheckOut,
           errors=(404, 409), summary="Charge an item at another price (manager; audited)")
def override_price(item_id: int, body: PriceOverride):
    return jsonify(adjustments.override_price(current_ctx(), item_id, unit_price=body.unit_price, reason=body.reason,
                                       actor=current_actor(), approval=body.approval.model_dump() if body.approval
                                       else None, address=request.remote_addr))


class Seat(Schema):
    covers: int = Field(ge=1, le=99)


@api.route(bp, "/api/pos/visits/<id:visit_id>/covers", "POST", body=Seat, guard=cashier, response=CheckOut,
           errors=(404, 409), summary="Seat a party: how many guests (the table shows seated; the day counts covers)")
def seat_party(visit_id: int, body: Seat):
    return jsonify(moves.seat_party(current_ctx(), visit_id, body.covers, current_actor()))
