"""Use cases of the station screens: turning an order into station tickets, showing
them in fire order, starting, bumping and recalling them.

Every change replans the kitchen (kitchen.planner) in its own transaction and
publishes each ticket and order whose state or plan changed, so all screens of a
station, the expo screen and the diners' pages stay identical."""
from __future__ import annotations

from collections import defaultdict
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload
from sqlalchemy.orm.attributes import flag_modified
from sqlalchemy.orm.exc import StaleDataError

from core.context import Context
from core.errors import Conflict, NotFound
from kitchen import planner, sequencing
from kitchen.model import Ticket
from kitchen.presenters import (diner_items, expo_order_dict, names_for_kitchen, print_data, ticket_dict,
                                ticket_status)
from kitchen.signals import items_changed
from pos.orders.model import Order, OrderItem, Visit
from printers import services as printing
from printers.routing import station_printer
from pos.orders.status import PREPARING, ItemStatus, TicketStatus

FIRE_GRACE_S = sequencing.FIRE_GRACE_S  # Start on a card starts the dishes whose fire time is this close


def _rooms(ticket: Ticket) -> list[str]:
    # Only the station's room: the all-stations screen joins every station room, so a
    # replan that moves many tickets writes each one once.
    return [f"station:{ticket.station}"]


def _ticket_query():
    return select(Ticket).options(
        selectinload(Ticket.items),
        selectinload(Ticket.order).selectinload(Order.visit).selectinload(Visit.table))


def order_query():
    return select(Order).options(selectinload(Order.items), selectinload(Order.visit).selectinload(Visit.table))


def publish(ctx: Context, s: Session, tickets: set[int], orders: set[int], *, tables: set[int] = frozenset(),
            new_order: int | None = None, fires: dict[str, list[dict]] | None = None) -> None:
    """Send the current state of these tickets (to their station's room) and orders (to
    the expo room and the diners' visit room); fires (planner.Moved.fires): one "plan"
    event per station with the new fire times of the other tickets' items; tables: the
    orders (among orders) whose item statuses changed, whose tables' tiles the cashier
    sees refreshed. The diners hear of a new order from its own event, so new_order is
    left out of their room here."""
    s.flush()
    for station, changes in sorted((fires or {}).items()):
        rest = [c for c in changes if c["ticket_id"] not in tickets]  # the others go whole
        if rest:
            ctx.publish(s, f"station:{station}", "plan", {"station": station, "items": rest})
    loaded = s.scalars(_ticket_query().where(Ticket.id.in_(tickets)).order_by(Ticket.id)).all() if tickets else []
    for t in loaded:
        flag_modified(t, "status")  # a new version, so screens order what they hear
    s.flush()
    for t in loaded:
        ctx.publish(s, _rooms(t), "ticket", ticket_dict(ctx, t))
    visits = {}
    for o in s.scalars(order_query().where(Order.id.in_(orders)).order_by(Order.id)).all() if orders else []:
        ctx.publish(s, "expo", "order", expo_order_dict(ctx, o))
        if o.id != new_order:
            ctx.publish(s, f"visit:{o.visit_id}", "items", diner_items(o))
        if o.id in tables:
            visits[o.visit_id] = o.visit
    for visit in visits.values():
        if visit.is_open:  # a closed check's table already shows its next visit
            items_changed.send(ctx, session=s, visit=visit)


def replan_and_publish(ctx: Context, s: Session, tickets: set[int] = frozenset(), orders: set[int] = frozenset(),
                       *, tables: bool = False) -> None:
    """Replan the kitchen after a change to these tickets and orders, then publish them
    and whatever the new plan moved (tables=True: the changed orders' table tiles too)."""
    moved = planner.replan(ctx, s)
    publish(ctx, s, set(tickets), moved.orders | set(orders), fires=moved.fires,
            tables=set(orders) if tables else frozenset())


def refresh_plan(ctx: Context) -> int:
    """Replan on the clock alone (the scheduler, between changes): a dish whose fire time
    passed without a cook starting it moves the rest of its order's plan. Returns how
    many tickets' fire times moved."""
    with ctx.db.write() as s:
        moved = planner.replan(ctx, s)
        publish(ctx, s, set(), moved.orders, fires=moved.fires)
        return len(moved.tickets)


def accept_order(ctx: Context, s: Session, order: Order) -> list[Ticket]:
    """A new order reaches the kitchen, in the caller's transaction: one ticket per
    station and course, the kitchen replanned, the diner's promised time set, the screens told and
    each ticket's print job queued."""
    by_card: dict[tuple[str, int], list[OrderItem]] = defaultdict(list)
    for item in order.items:  # one card per station and course: a dessert is not bumped with the starter
        by_card[(item.station, item.course)].append(item)
    tickets = []
    for (station, _course), items in sorted(by_card.items()):
        ticket = Ticket(order=order, station=station, status=TicketStatus.OPEN, created_at=order.created_at)
        ticket.items = items
        s.add(ticket)
        tickets.append(ticket)
    s.flush()
    moved = planner.plan_new_order(ctx, s, order)
    order.promised_at = planner.promise(ctx, order)
    publish(ctx, s, {t.id for t in tickets}, moved.orders | {order.id}, new_order=order.id, fires=moved.fires)
    for ticket in tickets:
        _queue_ticket_print(ctx, s, ticket)
    return tickets


def _queue_ticket_print(ctx: Context, s: Session, ticket: Ticket, reprint: bool = False) -> str | None:
    """The ticket's print job on its station's printer; the printer's name, or None when
    the station prints nothing."""
    printer = station_printer(ctx, ticket.station)
    if printer is None:
        return None
    printing.enqueue(ctx, s, printer.name, "kitchen_ticket", print_data(ctx, ticket_dict(ctx, ticket), reprint),
                     ticket_id=ticket.id)
    return printer.name


def reprint_ticket(ctx: Context, ticket_id: int) -> dict:
    """Print a ticket again (torn, lost, spilt on), marked REPRINT."""
    with ctx.db.write() as s:
        ticket = _load_ticket(s, ticket_id)
        printer = _queue_ticket_print(ctx, s, ticket, reprint=True)
        if printer is None:
            raise Conflict(f"Station {ticket.station!r} has no printer.", code="no_printer")
        return {"queued": True, "printer": printer}


def void_items(ctx: Context, s: Session, items: list[OrderItem], reason: str) -> None:
    """Items taken off a check after they reached the kitchen, in the caller's transaction:
    their cards show them struck through (a card with nothing left leaves the screen), the
    station prints a VOID ticket so nobody cooks them from paper, and the kitchen replans."""
    now = ctx.clock.now()
    by_ticket: dict[int, list[OrderItem]] = defaultdict(list)
    for item in items:
        item.status, item.voided_at, item.void_reason = ItemStatus.VOIDED, now, reason
        item.fire_at = item.due_at = None
        if item.ticket_id is not None:
            by_ticket[item.ticket_id].append(item)
    tickets = s.scalars(_ticket_query().where(Ticket.id.in_(by_ticket))).all() if by_ticket else []
    for ticket in tickets:
        _settle(ticket, now)
        printer = station_printer(ctx, ticket.station)
        if printer is not None:
            data = print_data(ctx, ticket_dict(ctx, ticket))
            voided = {i.id for i in by_ticket[ticket.id]}
            data["items"] = [{"qty": i.quantity, "name": n, "name_alt": alt, "modifiers": [], "note": None}
                             for i in ticket.items if i.id in voided for n, alt in [names_for_kitchen(ctx, i.names)]]
            printing.enqueue(ctx, s, printer.name, "kitchen_ticket", {**data, "void": True, "reason": reason},
                             ticket_id=ticket.id)
    replan_and_publish(ctx, s, {t.id for t in tickets}, {i.order_id for i in items}, tables=True)


def retell_check(ctx: Context, s: Session, visit: Visit) -> None:
    """The kitchen's cards and the pass show the check's new table; nothing is printed again."""
    orders = {o.id for o in visit.orders}
    tickets = {t for o in visit.orders for i in o.items if (t := i.ticket_id) is not None}
    publish(ctx, s, tickets, orders)


def reprint_order_tickets(ctx: Context, order_id: int) -> dict:
    """Print every kitchen ticket of an order again, marked REPRINT (from the cashier's
    check: "the kitchen never got table 5's order")."""
    with ctx.db.write() as s:
        tickets = s.scalars(_ticket_query().where(Ticket.order_id == order_id).order_by(Ticket.id)).all()
        if not tickets:
            raise NotFound(f"There is no order {order_id} with kitchen tickets.", code="unknown_order")
        printers = [p for t in tickets if (p := _queue_ticket_print(ctx, s, t, reprint=True))]
        if not printers:
            raise Conflict("None of this order's stations has a printer.", code="no_printer")
        return {"queued": len(printers), "printers": sorted(set(printers))}


def _fire_key(t: dict) -> tuple:
    """Cards in the order cooks should work: those with a dish cooking, then by fire time."""
    cooking = any(i["status"] == ItemStatus.COOKING for i in t["items"])
    return (not cooking, t["fire_at"] or t["created_at"], t["id"])


def open_tickets(ctx: Context, station: str | None = None) -> dict:
    """Tickets not yet bumped, in fire order, with the outbox position they reflect."""
    with ctx.db.read() as s:
        # The seq before the tickets: on PostgreSQL (READ COMMITTED) each statement sees
        # new commits, so a ticket committed in between is then in the list and in the
        # backlog after seq (the screen keeps the newer version), never in neither.
        seq = ctx.realtime.current_seq(s)
        q = _ticket_query().where(Ticket.status != TicketStatus.DONE).order_by(Ticket.id)
        if station:
            q = q.where(Ticket.station == station)
        tickets = sorted((ticket_dict(ctx, t) for t in s.scalars(q).all()), key=_fire_key)
        return {"seq": seq, "now": ctx.clock.now().isoformat(), "tickets": tickets}


# -- actions --------------------------------------------------------------------

def _load_ticket(s: Session, ticket_id: int) -> Ticket:
    ticket = s.scalar(_ticket_query().where(Ticket.id == ticket_id))
    if ticket is None:
        raise NotFound(f"There is no ticket {ticket_id}.", code="unknown_ticket")
    return ticket


def _start(items: list[OrderItem], now: datetime) -> None:
    for i in items:
        i.status, i.started_at, i.timed = ItemStatus.COOKING, now, True


def _bump(items: list[OrderItem], now: datetime) -> None:
    for i in items:
        i.status, i.ready_at = ItemStatus.READY, now
        planner.record_measurement(i)


def _settle(ticket: Ticket, now: datetime) -> None:
    """The ticket's status and times from its items."""
    ticket.status = ticket_status(ticket.items)
    if ticket.status != TicketStatus.OPEN and ticket.started_at is None:
        ticket.started_at = now
    ticket.bumped_at = now if ticket.status == TicketStatus.DONE else None


def _act(ctx: Context, ticket_id, change) -> dict:
    """Run change(session, ticket, now) -> dish ids measured, then settle, replan, publish.
    ticket_id may be a function of the session finding it inside the same transaction."""
    try:
        with ctx.db.write() as s:
            ticket = _load_ticket(s, ticket_id(s) if callable(ticket_id) else ticket_id)
            now = ctx.clock.now()
            measured = change(s, ticket, now)
            _settle(ticket, now)
            if measured:
                planner.refresh_estimates(ctx, s, measured)
            replan_and_publish(ctx, s, {ticket.id}, {ticket.order_id}, tables=True)
            return ticket_dict(ctx, ticket)
    except StaleDataError:
        raise Conflict("Someone else changed this ticket at the same moment.", code="concurrent_change") from None


def start_ticket(ctx: Context, ticket_id: int) -> dict:
    """Start the card's items whose fire time has come; on a card that is all on hold,
    the cook overrides the plan and starts everything."""
    def change(s, ticket, now):
        queued = [i for i in ticket.items if i.status == ItemStatus.QUEUED]
        if not queued:
            raise Conflict("This ticket has already been started.", code="already_started")
        due = [i for i in queued if i.fire_at is None or (i.fire_at - now).total_seconds() <= FIRE_GRACE_S]
        _start(due or queued, now)
    return _act(ctx, ticket_id, change)


def bump_ticket(ctx: Context, ticket_id: int) -> dict:
    """Everything left on the card is ready."""
    def change(s, ticket, now):
        left = [i for i in ticket.items if i.status in PREPARING]
        if not left:
            raise Conflict("This ticket has already been bumped.", code="already_bumped")
        _bump(left, now)
        return {i.dish_id for i in left}
    return _act(ctx, ticket_id, change)


def _item_ticket(item_id: int):
    """The ticket of a kitchen item, found inside the action's transaction."""
    def find(s: Session) -> int:
        ticket_id = s.scalar(select(OrderItem.ticket_id).where(OrderItem.id == item_id))
        if ticket_id is None:
            raise NotFound(f"There is no kitchen item {item_id}.", code="unknown_item")
        return ticket_id
    return find


def _one_item(ticket: Ticket, item_id: int) -> OrderItem:
    item = next(i for i in ticket.items if i.id == item_id)
    if item.status == ItemStatus.VOIDED:
        raise Conflict("This item was voided.", code="voided")
    return item


def start_item(ctx: Context, item_id: int) -> dict:
    def change(s, ticket, now):
        item = _one_item(ticket, item_id)
        if item.status != ItemStatus.QUEUED:
            raise Conflict("This item has already been started.", code="already_started")
        _start([item], now)
    return _act(ctx, _item_ticket(item_id), change)


def bump_item(ctx: Context, item_id: int) -> dict:
    def change(s, ticket, now):
        item = _one_item(ticket, item_id)
        if item.status not in PREPARING:
            raise Conflict("This item has already been bumped.", code="already_bumped")
        _bump([item], now)
        return {item.dish_id}
    return _act(ctx, _item_ticket(item_id), change)


def _recall_items(items: list[OrderItem]) -> set[int]:
    """Undo the last bump among these items: those bumped at that moment cook again."""
    ready = [i for i in items if i.status == ItemStatus.READY and i.ready_at is not None]
    if not ready:
        raise Conflict("There is no bump to recall.", code="nothing_to_recall")
    last = max(i.ready_at for i in ready)
    undone = [i for i in ready if i.ready_at == last]
    for i in undone:
        # Cooking again, but since when is unknown: no measurement from this cook.
        i.status, i.ready_at, i.cook_seconds, i.timed = ItemStatus.COOKING, None, None, False
        i.started_at = i.started_at or last
    return {i.dish_id for i in undone}


def recall_ticket(ctx: Context, ticket_id: int) -> dict:
    """Undo the ticket's last bump (its items back on the screen, cooking)."""
    return _act(ctx, ticket_id, lambda s, ticket, now: _recall_items(ticket.items))


def recall_last(ctx: Context, station: str | None = None) -> dict:
    """Undo the most recent bump at the station (or in the whole kitchen): the bump bar's
    recall key. Found and undone in one transaction, so two presses undo two bumps."""
    def last_bumped(s: Session) -> int:
        q = (select(OrderItem.ticket_id).where(OrderItem.status == ItemStatus.READY, OrderItem.ticket_id.is_not(None))
             .order_by(OrderItem.ready_at.desc(), OrderItem.id.desc()).limit(1))
        ticket_id = s.scalar(q.where(OrderItem.station == station) if station else q)
        if ticket_id is None:
            raise Conflict("There is no bump to recall here.", code="nothing_to_recall")
        return ticket_id
    return _act(ctx, last_bumped, lambda s, ticket, now: _recall_items(ticket.items))
