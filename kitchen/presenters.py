"""Tickets and orders as the kitchen's screens, the pass, the diners and the ticket printer
see them; the kitchen's names for a dish; a ticket's and an order's status from its items."""
from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime

from core.context import Context
from core.time import CLOCK, iso, local_text
from kitchen.model import Ticket
from menu.model import localized
from pos.orders.model import Order, OrderItem
from pos.orders.status import COOKED, DONE, PREPARING, STARTED, ItemStatus, PassStatus, TicketStatus


def names_for_kitchen(ctx: Context, names: dict) -> tuple[str, str | None]:
    """The dish name in the kitchen's language, and its name in another language if
    different: a different language first (English beside Chinese), not merely the other
    script of the same one (Simplified beside Traditional)."""
    langs = ctx.settings.restaurant.languages
    main = localized(names, ctx.settings.restaurant.kitchen_lang, langs)
    base = ctx.settings.restaurant.kitchen_lang.split("-")[0]
    others = sorted((lang for lang in langs if names.get(lang) and names[lang] != main),
                    key=lambda lang: lang.split("-")[0] == base)
    return main, (names[others[0]] if others else None)


def ticket_status(items: Iterable[OrderItem]) -> str:
    """open: nothing started; cooking: something started or ready; done: nothing left to cook."""
    statuses = [i.status for i in items]
    if all(st in DONE for st in statuses):
        return TicketStatus.DONE
    return TicketStatus.COOKING if any(st in STARTED for st in statuses) else TicketStatus.OPEN


def ticket_dict(ctx: Context, t: Ticket) -> dict:
    items = []
    for i in t.items:
        main, alt = names_for_kitchen(ctx, i.names)
        items.append({"id": i.id, "dish_id": i.dish_id, "quantity": i.quantity, "name": main, "name_alt": alt,
                      "modifiers": [names_for_kitchen(ctx, m["names"])[0] for m in i.modifiers],
                      "note": i.note, "status": i.status, "prep_seconds": i.prep_seconds, "course": i.course,
                      "fire_at": iso(i.fire_at), "due_at": iso(i.due_at),
                      "started_at": iso(i.started_at), "ready_at": iso(i.ready_at)})
    open_items = [i for i in t.items if i.status in PREPARING and i.fire_at is not None]
    order = t.order
    return {"id": t.id, "order_id": t.order_id, "order_number": order.number,
            "table": order.visit.label, "station": t.station, "status": t.status,
            "created_at": t.created_at.isoformat(), "started_at": iso(t.started_at),
            "bumped_at": iso(t.bumped_at), "version": t.version, "rush": order.rush,
            "late": order.late_at is not None, "promised_at": iso(order.promised_at),
            "fire_at": iso(min((i.fire_at for i in open_items), default=None)),
            "due_at": iso(max((i.due_at for i in open_items), default=None)),
            "items": items}


def print_data(ctx: Context, t: dict, reprint: bool = False) -> dict:
    """The kitchen ticket's layout data (printers.layout.kitchen_ticket) from ticket_dict."""
    def hhmm(text: str | None) -> str | None:
        return local_text(datetime.fromisoformat(text), ctx.settings.restaurant.tz, CLOCK) if text else None

    fire_at = t["fire_at"]
    fire_now = fire_at is not None and datetime.fromisoformat(fire_at) <= ctx.clock.now()
    return {"order_number": t["order_number"], "table": t["table"], "station": t["station"],
            "ordered_at": hhmm(t["created_at"]), "course": t["items"][0]["course"] if t["items"] else None,
            "fire_at": hhmm(fire_at), "fire_now": fire_now, "rush": t["rush"],
            "items": [{"qty": i["quantity"], "name": i["name"], "name_alt": i["name_alt"],
                       "modifiers": i["modifiers"], "note": i["note"]}
                      for i in t["items"] if i["status"] != ItemStatus.VOIDED],
            "reprint": reprint}


def servable(o: Order) -> list[OrderItem]:
    """What the pass can send out now: the ready dishes of every course whose dishes are
    all ready (drinks, course 0, one by one as they are ready)."""
    complete = {}
    for i in o.items:
        if i.status != ItemStatus.VOIDED and i.course > 0:
            complete[i.course] = complete.get(i.course, True) and i.status in COOKED
    return [i for i in o.items if i.status == ItemStatus.READY and (i.course <= 0 or complete[i.course])]


def expo_status(o: Order) -> str:
    live = [i for i in o.items if i.status != ItemStatus.VOIDED]
    if not live:
        return PassStatus.VOIDED
    if all(i.status == ItemStatus.SERVED for i in live):
        return PassStatus.SERVED
    if all(i.status in COOKED for i in live):
        return PassStatus.READY
    if servable(o):
        return PassStatus.PART_READY  # a course (or a drink) can go out; the rest is cooking
    return PassStatus.COOKING if any(i.status != ItemStatus.QUEUED for i in live) else PassStatus.QUEUED


def expo_order_dict(ctx: Context, o: Order) -> dict:
    """An order as the expo (pass) screen shows it: each item's state at its station."""
    live = [i for i in o.items if i.status in PREPARING]
    status = expo_status(o)
    return {"id": o.id, "number": o.number, "table": o.visit.label, "visit_id": o.visit_id,
            "source": o.source, "created_at": o.created_at.isoformat(), "rush": o.rush,
            "promised_at": iso(o.promised_at), "late": o.late_at is not None,
            "served_at": iso(o.served_at), "status": status,
            "due_at": iso(max((i.due_at for i in live if i.due_at is not None), default=None)),
            "items": [{"id": i.id, "quantity": i.quantity, "name": names_for_kitchen(ctx, i.names)[0],
                       "modifiers": [names_for_kitchen(ctx, m["names"])[0] for m in i.modifiers],
                       "note": i.note, "station": i.station, "course": i.course, "status": i.status,
                       "due_at": iso(i.due_at), "ready_at": iso(i.ready_at)} for i in o.items]}


def diner_items(o: Order) -> dict:
    """The visit room's view of an order's items: their status and planned ready time."""
    return {"order_id": o.id, "late": o.late_at is not None,
            "items": [{"id": i.id, "order_id": o.id, "status": i.status, "due_at": iso(i.due_at)}
                      for i in o.items]}
