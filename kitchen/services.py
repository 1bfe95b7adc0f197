"""Use cases of the kitchen: turning an order into station tickets, showing them,
starting and bumping them."""
from __future__ import annotations

from collections import defaultdict
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload
from sqlalchemy.orm.exc import StaleDataError

from app.context import Context
from app.errors import Conflict, NotFound
from kitchen.model import Ticket
from menu.model import localized
from pos.checks import table_summary
from pos.model import Order, OrderItem, Visit
from printers import layout
from printers import services as printing


def _names(ctx: Context, names: dict) -> tuple[str, str | None]:
    """The dish name in the kitchen's language, and the other language's name if different."""
    langs = ctx.settings.restaurant.languages
    main = localized(names, ctx.settings.restaurant.kitchen_lang, langs)
    alt = next((names[l] for l in langs if names.get(l) and names[l] != main), None)
    return main, alt


def ticket_dict(ctx: Context, t: Ticket) -> dict:
    items = []
    for i in t.items:
        main, alt = _names(ctx, i.names)
        items.append({"id": i.id, "quantity": i.quantity, "name": main, "name_alt": alt,
                      "modifiers": [_names(ctx, m["names"])[0] for m in i.modifiers], "note": i.note,
                      "status": i.status, "prep_seconds": i.prep_seconds})
    return {"id": t.id, "order_id": t.order_id, "order_number": t.order.number,
            "table": t.order.visit.table.name, "station": t.station, "status": t.status,
            "created_at": t.created_at.isoformat(),
            "started_at": t.started_at.isoformat() if t.started_at else None,
            "bumped_at": t.bumped_at.isoformat() if t.bumped_at else None,
            "version": t.version, "items": items}


def _print_document(ctx: Context, t: dict, paper_mm: int, reprint: bool = False) -> list:
    local = ctx.settings.restaurant.tz
    at = datetime.fromisoformat(t["created_at"]).astimezone(local).strftime("%H:%M")
    return layout.kitchen_ticket({
        "order_number": t["order_number"], "table": t["table"], "station": t["station"], "ordered_at": at,
        "items": [{"qty": i["quantity"], "name": i["name"], "name_alt": i["name_alt"],
                   "modifiers": i["modifiers"], "note": i["note"]} for i in t["items"]],
        "reprint": reprint}, paper_mm)


def _rooms(ticket: Ticket) -> list[str]:
    return [f"station:{ticket.station}", "kitchen"]


def create_tickets(ctx: Context, s: Session, order: Order) -> list[Ticket]:
    """One ticket per station for a new order, each with its print job, in the
    caller's transaction."""
    by_station: dict[str, list[OrderItem]] = defaultdict(list)
    for item in order.items:
        by_station[item.station].append(item)
    tickets = []
    for station, items in by_station.items():
        ticket = Ticket(order=order, station=station, status="open", created_at=order.created_at)
        ticket.items = items
        s.add(ticket)
        tickets.append(ticket)
    s.flush()
    for ticket in tickets:
        data = ticket_dict(ctx, ticket)
        ctx.publish(s, _rooms(ticket), "ticket", data)
        st = ctx.settings.station(ticket.station)
        printer = ctx.settings.printer(st.printer if st else None)
        if printer is not None and printer.enabled:
            printing.enqueue(ctx, s, printer.name, "kitchen_ticket",
                             _print_document(ctx, data, printer.paper_mm), ticket_id=ticket.id)
    return tickets


def _ticket_query():
    return select(Ticket).options(
        selectinload(Ticket.items),
        selectinload(Ticket.order).selectinload(Order.visit).selectinload(Visit.table))


def open_tickets(ctx: Context, station: str | None = None) -> dict:
    """Tickets not yet bumped, oldest first, with the outbox position they reflect."""
    with ctx.db.read() as s:
        # The seq before the tickets: on PostgreSQL (READ COMMITTED) each statement sees
        # new commits, so a ticket committed in between is then in the list and in the
        # backlog after seq (the screen keeps the newer version), never in neither.
        seq = ctx.realtime.current_seq(s)
        q = _ticket_query().where(Ticket.status != "done").order_by(Ticket.id)
        if station:
            q = q.where(Ticket.station == station)
        return {"seq": seq, "tickets": [ticket_dict(ctx, t) for t in s.scalars(q).all()]}


def _change(ctx: Context, ticket_id: int, action: str) -> dict:
    try:
        with ctx.db.write() as s:
            ticket = s.scalar(_ticket_query().where(Ticket.id == ticket_id))
            if ticket is None:
                raise NotFound(f"There is no ticket {ticket_id}.", code="unknown_ticket")
            now = ctx.clock.now()
            if action == "start":
                if ticket.status != "open":
                    raise Conflict("This ticket has already been started.", code="already_started")
                ticket.status, ticket.started_at = "cooking", now
                for i in ticket.items:
                    if i.status == "queued":
                        i.status, i.started_at = "cooking", now
            else:
                if ticket.status == "done":
                    raise Conflict("This ticket has already been bumped.", code="already_bumped")
                ticket.status, ticket.bumped_at = "done", now
                ticket.started_at = ticket.started_at or now
                for i in ticket.items:
                    if i.status in ("queued", "cooking"):
                        i.status, i.ready_at = "ready", now
                        i.started_at = i.started_at or now
            s.flush()
            data = ticket_dict(ctx, ticket)
            ctx.publish(s, _rooms(ticket), "ticket", data)
            visit = ticket.order.visit
            ctx.publish(s, f"visit:{visit.id}", "items",
                        {"items": [{"id": i.id, "order_id": i.order_id, "status": i.status}
                                   for i in ticket.items]})
            if visit.is_open:  # a closed check's table already shows its next visit
                ctx.publish(s, "pos", "table", table_summary(ctx, s, visit))
            return data
    except StaleDataError:
        raise Conflict("Someone else changed this ticket at the same moment.", code="concurrent_change") from None


def start_ticket(ctx: Context, ticket_id: int) -> dict:
    return _change(ctx, ticket_id, "start")


def bump_ticket(ctx: Context, ticket_id: int) -> dict:
    return _change(ctx, ticket_id, "bump")
