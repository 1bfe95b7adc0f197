"""The kitchen ticket: what the line cooks read from two metres (pure, like printers/layout.py)."""
from __future__ import annotations

from .banners import reprint_banner
from .blocks import RULE, text
from .wrapping import columns_for, two_columns, wrapped

COURSES = {0: "DRINKS", 1: "STARTERS", 2: "MAINS", 3: "DESSERTS"}


def course_name(course: int) -> str:
    return COURSES.get(course, f"COURSE {course}")


def kitchen_ticket(t: dict, paper_mm: int = 80) -> list[dict]:
    """Kitchen ticket, read from two metres: big table name and order number, the course,
    when to fire it, one large line per item.

    t = {"table", "order_number", "station", "ordered_at", "items": [{"qty", "name",
    "name_alt"?, "modifiers"?, "note"?, "seat"?}], "course"? (0 drinks, 1 starters, 2 mains,
    3 desserts, else "COURSE N"), "fire_at"? ("HH:MM"), "fire_now"?, "rush"?, "void"?,
    "reason"? (why the items were voided), "reprint"?}

    A void ticket ("void": True) lists the dishes to stop: a VOID banner at the top and at
    the bottom and every item line starting with VOID; fire time and RUSH don't apply to it.
    """
    normal, large, xlarge = (columns_for(paper_mm, s) for s in ("normal", "large", "xlarge"))
    void = bool(t.get("void"))
    doc: list[dict] = []
    if t.get("reprint"):
        doc.append(reprint_banner())
    if void:
        doc.append(text("VOID", "xlarge", True, "center", invert=True))
    elif t.get("rush"):
        doc.append(text("*** RUSH ***", "large", True, "center", invert=True))
    doc += [text(wrapped(str(t["table"]), xlarge), "xlarge", True), text(f"#{t['order_number']}", "large")]
    if t.get("course") is not None:
        doc.append(text(wrapped(course_name(t["course"]), large), "large", True))
    if not void and (t.get("fire_now") or t.get("fire_at")):
        doc.append(text("FIRE NOW" if t.get("fire_now") else wrapped(f"FIRE {t['fire_at']}", large), "large", True))
    doc.append(text(two_columns(str(t["station"]).upper(), t["ordered_at"], normal)))
    if void and t.get("reason"):
        doc.append(text(wrapped(str(t["reason"]), normal, "Reason: "), bold=True))
    doc.append(RULE)
    for item in t["items"]:
        if void:
            doc.append(text(wrapped(item["name"], large, f"VOID {item['qty']} x ", "     "), "large", True))
        else:
            doc.append(text(wrapped(item["name"], large, f"{item['qty']} x "), "large"))
        if item.get("name_alt"):
            doc.append(text(wrapped(item["name_alt"], normal, "    ")))
        if item.get("seat") is not None:
            doc.append(text(wrapped(str(item["seat"]), normal, "    Seat "), bold=True))
        for mod in item.get("modifiers") or []:
            doc.append(text(wrapped(mod, normal, "  + ")))
        if item.get("note"):
            doc.append(text(wrapped(item["note"], normal, "  ! "), bold=True))
    doc.append(RULE)
    if void:
        doc.append(text("VOID", "xlarge", True, "center", invert=True))
    doc += [{"type": "feed", "lines": 3}, {"type": "cut"}]
    return doc
