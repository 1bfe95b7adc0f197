"""The diner page's interface strings, in the page's language, from the message
catalogues (core/translations, Flask-Babel). The page's script gets them in its boot data,
so it carries no translations of its own and a phone downloads one language only.

Placeholders are {name}, filled in by the script (diner.js ``fill``)."""
from __future__ import annotations

from flask_babel import gettext as _

from pos.orders.status import ItemStatus


def diner_strings() -> dict:
    """Every string diner.js shows, keyed as the script uses them."""
    return {
        # the menu
        "add": _("Add to order"), "soldOut": _("Sold out"), "qty": _("Quantity"),
        "note": _("Notes for the kitchen"), "contains": _("Contains: "), "colon": _(": "), "sep": _("; "),
        "requiredOne": _("choose {n}"), "requiredRange": _("choose {min}–{max}"),
        "optional": _("optional, up to {max}"), "choose": _("Choose: {groups}"),
        "spice": [_("Not spicy"), _("Mildly spicy"), _("Spicy"), _("Very spicy")],
        "allergens": {"peanut": _("Peanut"), "sesame": _("Sesame"), "soy": _("Soy"), "egg": _("Egg"),
                      "milk": _("Milk"), "fish": _("Fish"), "shellfish": _("Shellfish"), "gluten": _("Gluten")},
        "diets": {"vegetarian": _("Vegetarian"), "vegan": _("Vegan")},
        # filters
        "filters": _("Filters"), "avoid": _("No {allergen}"), "notSpicy": _("Not spicy"),
        "hidden": _("{n} dishes hidden by your filters"), "hiddenOne": _("1 dish hidden by your filters"),
        "showAll": _("Show all"), "nothing": _("No dish matches your filters."),
        "filterNote": _("Allergen information comes from our recipes. Please tell staff about a severe allergy."),
        # the cart and ordering
        "cart": _("View order · {items} · {total}"), "itemsOne": _("{n} item"), "itemsOther": _("{n} items"),
        "place": _("Place order"), "yourOrder": _("Your order"), "remove": _("Remove"), "close": _("Close"),
        "empty": _("Your order is empty"), "sending": _("Sending…"),
        "retrying": _("No connection, retrying…"), "sent": _("Order sent"),
        "problems": _("Some items cannot be ordered:"),
        "serviceAdded": _("Service charge {pct}% added"),
        "slowDown": _("You have ordered many times in a short while. Please wait a few minutes or ask our staff."),
        "errors": {
            "sold_out": _("sold out, please remove it"), "unknown_dish": _("no longer on the menu, please remove it"),
            "unknown_option": _("a choice is no longer available, please remove it and add it again"),
            "missing_required_option": _("a required choice is missing, please remove it and add it again"),
            "too_many_options": _("too many choices, please remove it and add it again"),
            "duplicate_option": _("a choice is picked twice, please remove it and add it again"),
            "validation_error": _("please check this item"), "other": _("cannot be ordered")},
        # the table's orders
        "yours": _("Your table's orders"), "order": _("Order #{number}"),
        "subtotal": _("Subtotal"), "service": _("Service charge"), "servicePct": _("Service charge ({pct}%)"),
        "tax": _("Tax"), "taxPct": _("Tax ({pct}%)"), "taxIncludedPct": _("Tax included ({pct}%)"),
        "discount": _("Discount"), "rounding": _("Cash rounding"), "total": _("Total"), "paid": _("Paid"),
        ItemStatus.QUEUED: _("Queued"), ItemStatus.COOKING: _("Cooking"), ItemStatus.READY: _("Ready"),
        ItemStatus.SERVED: _("Served"), ItemStatus.VOIDED: _("Cancelled"),
        "promised": _("Ready by about {time}"), "eta": _("about {time}"),
        "closed": _("This table's bill has been settled. Thank you! To order again, please ask our staff for a "
                    "new code."),
        "offline": _("Offline: the menu still works, your order is kept and sent when the connection is back."),
        # asking the staff
        "waiter": _("Call a waiter"), "bill": _("Ask for the bill"), "problem": _("Problem with a dish"),
        "asked": {"waiter": _("A waiter has been called"), "bill": _("The bill is on its way"),
                  "problem": _("Staff have your message")},
        "seen": _("Staff are on their way"), "which": _("Which dish?"), "why": _("What is wrong?"),
        "more": _("Anything to add (optional)"), "send": _("Send"),
        "askFailed": _("Could not reach the staff. Please try again or wave to us."),
        "reasons": {"wrong_dish": _("Not what I ordered"), "cold": _("Cold"), "taste": _("Tastes wrong"),
                    "foreign_object": _("Something in it"), "missing": _("Never came"),
                    "slow": _("Taking too long"), "other": _("Other")},
    }
