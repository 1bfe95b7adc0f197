"""Kitchen screens (one per station, all stations, the expo pass, prep times) and their actions."""
from __future__ import annotations


from flask import Blueprint, jsonify, render_template, request
from pydantic import Field

from core.api import Out, Schema, api
from core.web import current_ctx
from core.errors import NotFound
from kitchen import expo, planner, sequencing, services
from printers.schemas import PrintQueuedOut
from staff.auth import current_staff, require_page_role, role_guard
from pos.orders.schemas import ItemStatusName
from pos.orders.status import PassStatus, TicketStatus, literal

bp = Blueprint("kitchen", __name__, template_folder="templates", static_folder="static",
               static_url_path="/static/kitchen")

cook = role_guard("cook")
manager = role_guard("manager")


class TicketItemOut(Out):
    id: int
    dish_id: int
    quantity: int
    name: str
    name_alt: str | None
    modifiers: list[str]
    note: str | None
    status: ItemStatusName
    prep_seconds: int
    course: int = Field(description="0 drinks (not held), 1 starters, 2 mains, 3 desserts")
    fire_at: str | None = Field(description="when the plan has a cook start it")
    due_at: str | None = Field(description="when the plan has it ready")
    started_at: str | None
    ready_at: str | None


class TicketOut(Out):
    id: int
    order_id: int
    order_number: int
    table: str
    station: str
    status: literal(TicketStatus)
    created_at: str
    started_at: str | None
    bumped_at: str | None
    version: int
    rush: bool
    late: bool
    promised_at: str | None
    fire_at: str | None = Field(description="the earliest fire time of its items still to cook")
    due_at: str | None
    items: list[TicketItemOut]


class TicketsOut(Out):
    seq: int
    now: str
    tickets: list[TicketOut]


class ExpoItemOut(Out):
    id: int
    quantity: int
    name: str
    modifiers: list[str]
    note: str | None
    station: str
    course: int
    status: ItemStatusName
    due_at: str | None
    ready_at: str | None


class ExpoOrderOut(Out):
    id: int
    number: int
    table: str
    visit_id: int
    source: str
    created_at: str
    rush: bool
    promised_at: str | None
    late: bool
    served_at: str | None
    status: literal(PassStatus)
    due_at: str | None
    items: list[ExpoItemOut]


class ExpoOut(Out):
    seq: int
    now: str
    orders: list[ExpoOrderOut]


class RushIn(Schema):
    rush: bool


class PrepTimeOut(Out):
    dish_id: int
    name: str
    station: str
    menu_seconds: int
    learned_seconds: int | None
    samples: int
    outliers: int
    recent: list[int]


class PrepTimesOut(Out):
    learning: bool
    window: int
    min_samples: int
    dishes: list[PrepTimeOut]



def _station_or_404(station: str | None) -> str | None:
    if station is not None and current_ctx().settings.station(station) is None:
        raise NotFound(f"There is no station {station!r}.", code="unknown_station")
    return station


def _screen_settings(ctx) -> dict:
    k = ctx.settings.kitchen
    return {"warn_s": round(k.warn_minutes * 60), "late_s": round(k.late_minutes * 60),
            "fire_grace_s": sequencing.FIRE_GRACE_S}


@bp.get("/kitchen", defaults={"station": None})
@bp.get("/kitchen/<station>")
@require_page_role("cook")
def screen(station: str | None):
    ctx = current_ctx()
    state = services.open_tickets(ctx, _station_or_404(station))
    return render_template("kitchen/screen.html", station=station, state=state, staff=current_staff(),
                           stations=ctx.settings.station_names, tz=ctx.settings.restaurant.timezone,
                           now=ctx.clock.now().isoformat(), screen=_screen_settings(ctx))


@bp.get("/expo")
@require_page_role("cook")
def expo_screen():
    ctx = current_ctx()
    return render_template("kitchen/expo.html", state=expo.expo_orders(ctx), staff=current_staff(),
                           stations=ctx.settings.station_names, tz=ctx.settings.restaurant.timezone,
                           now=ctx.clock.now().isoformat(), screen=_screen_settings(ctx))


@bp.get("/kitchen/prep-times")
@require_page_role("manager")
def prep_times_page():
    ctx = current_ctx()
    return render_template("kitchen/prep_times.html", data=planner.prep_times(ctx), staff=current_staff(),
                           stations=ctx.settings.station_names)


@api.route(bp, "/api/kitchen/tickets", "GET", guard=cook, response=TicketsOut, errors=(404,),
           summary="Open tickets in fire order (optionally ?station=) and the outbox seq they reflect")
def tickets():
    return jsonify(services.open_tickets(current_ctx(), _station_or_404(request.args.get("station"))))


@api.route(bp, "/api/kitchen/tickets/<id:ticket_id>/start", "POST", guard=cook, response=TicketOut,
           errors=(404, 409), summary="Start a ticket: its items due to fire (all of them if all are held)")
def start(ticket_id: int):
    return jsonify(services.start_ticket(current_ctx(), ticket_id))


@api.route(bp, "/api/kitchen/tickets/<id:ticket_id>/bump", "POST", guard=cook, response=TicketOut,
           errors=(404, 409), summary="Bump a ticket: every dish left on it is ready")
def bump(ticket_id: int):
    return jsonify(services.bump_ticket(current_ctx(), ticket_id))


@api.route(bp, "/api/kitchen/tickets/<id:ticket_id>/recall", "POST", guard=cook, response=TicketOut,
           errors=(404, 409), summary="Undo the ticket's last bump")
def recall(ticket_id: int):
    return jsonify(services.recall_ticket(current_ctx(), ticket_id))


@api.route(bp, "/api/kitchen/tickets/<id:ticket_id>/reprint", "POST", guard=cook, response=PrintQueuedOut, ok=(202,),
           errors=(404, 409), summary="Print a ticket again, marked REPRINT")
def reprint(ticket_id: int):
    return jsonify(services.reprint_ticket(current_ctx(), ticket_id)), 202


class OrderReprintOut(Out):
    queued: int = Field(description="tickets queued")
    printers: list[str]


@api.route(bp, "/api/kitchen/orders/<id:order_id>/reprint", "POST", guard=cook, response=OrderReprintOut,
           ok=(202,), errors=(404, 409), summary="Print every kitchen ticket of an order again, marked REPRINT")
def reprint_order(order_id: int):
    return jsonify(services.reprint_order_tickets(current_ctx(), order_id)), 202


@api.route(bp, "/api/kitchen/stations/<station>/recall", "POST", guard=cook, response=TicketOut,
           errors=(404, 409), summary="Undo the station's last bump (the bump bar's recall key)")
def recall_last(station: str):
    return jsonify(services.recall_last(current_ctx(), _station_or_404(station)))


@api.route(bp, "/api/kitchen/recall", "POST", guard=cook, response=TicketOut,
           errors=(409,), summary="Undo the kitchen's last bump at any station (the all-stations screen)")
def recall_last_anywhere():
    return jsonify(services.recall_last(current_ctx()))


@api.route(bp, "/api/kitchen/items/<id:item_id>/start", "POST", guard=cook, response=TicketOut,
           errors=(404, 409), summary="Start one item (a held one too: the cook overrides the plan)")
def start_item(item_id: int):
    return jsonify(services.start_item(current_ctx(), item_id))


@api.route(bp, "/api/kitchen/items/<id:item_id>/bump", "POST", guard=cook, response=TicketOut,
           errors=(404, 409), summary="Bump one item: it is ready")
def bump_item(item_id: int):
    return jsonify(services.bump_item(current_ctx(), item_id))


@api.route(bp, "/api/expo/orders", "GET", guard=cook, response=ExpoOut,
           summary="Orders not yet served, with each item's state per station")
def expo_list():
    return jsonify(expo.expo_orders(current_ctx()))


@api.route(bp, "/api/expo/orders/<id:order_id>/served", "POST", guard=cook, response=ExpoOrderOut,
           errors=(404, 409), summary="The expeditor sends out what is ready: each complete course, ready drinks")
def served(order_id: int):
    return jsonify(expo.serve_order(current_ctx(), order_id))


@api.route(bp, "/api/expo/orders/<id:order_id>/rush", "POST", guard=cook, body=RushIn, response=ExpoOrderOut,
           errors=(404, 409), summary="Flag an order rush (planned before all others) or clear the flag")
def rush(order_id: int, body: RushIn):
    return jsonify(expo.set_rush(current_ctx(), order_id, body.rush))


@api.route(bp, "/api/kitchen/prep-times", "GET", guard=manager, response=PrepTimesOut,
           summary="Each dish's prep time on the menu and as measured by the kitchen")
def prep_times():
    return jsonify(planner.prep_times(current_ctx()))
