"""Kitchen screens (one per station, and all stations) and their actions."""
from __future__ import annotations

from typing import Literal

from flask import Blueprint, abort, current_app, jsonify, render_template, request

from app.api import Out, api
from app.errors import NotFound
from kitchen import services
from staff.auth import current_staff, require_page_role, role_guard

bp = Blueprint("kitchen", __name__, template_folder="templates", static_folder="static",
               static_url_path="/static/kitchen")

cook = role_guard("cook")


class TicketItemOut(Out):
    id: int
    quantity: int
    name: str
    name_alt: str | None
    modifiers: list[str]
    note: str | None
    status: Literal["queued", "cooking", "ready", "served", "voided"]
    prep_seconds: int


class TicketOut(Out):
    id: int
    order_id: int
    order_number: int
    table: str
    station: str
    status: Literal["open", "cooking", "done"]
    created_at: str
    started_at: str | None
    bumped_at: str | None
    version: int
    items: list[TicketItemOut]


class TicketsOut(Out):
    seq: int
    tickets: list[TicketOut]


def _ctx():
    return current_app.extensions["pos_ctx"]


def _station_or_404(station: str | None) -> str | None:
    if station is not None and _ctx().settings.station(station) is None:
        raise NotFound(f"There is no station {station!r}.", code="unknown_station")
    return station


@bp.get("/kitchen", defaults={"station": None})
@bp.get("/kitchen/<station>")
@require_page_role("cook")
def screen(station: str | None):
    ctx = _ctx()
    if station is not None and ctx.settings.station(station) is None:
        abort(404)
    state = services.open_tickets(ctx, station)
    return render_template("kitchen/screen.html", station=station, state=state, staff=current_staff(),
                           stations=ctx.settings.station_names, tz=ctx.settings.restaurant.timezone,
                           now=ctx.clock.now().isoformat())


@api.route(bp, "/api/kitchen/tickets", "GET", guard=cook, response=TicketsOut, errors=(404,),
           summary="Open tickets (optionally ?station=) and the outbox seq they reflect")
def tickets():
    return jsonify(services.open_tickets(_ctx(), _station_or_404(request.args.get("station"))))


@api.route(bp, "/api/kitchen/tickets/<id:ticket_id>/start", "POST", guard=cook, response=TicketOut,
           errors=(404, 409),
           summary="Start cooking a ticket")
def start(ticket_id: int):
    return jsonify(services.start_ticket(_ctx(), ticket_id))


@api.route(bp, "/api/kitchen/tickets/<id:ticket_id>/bump", "POST", guard=cook, response=TicketOut,
           errors=(404, 409),
           summary="Bump a ticket: its dishes are ready")
def bump(ticket_id: int):
    return jsonify(services.bump_ticket(_ctx(), ticket_id))
