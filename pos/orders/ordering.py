"""Validating and pricing an order against the menu: pure, no framework imports.

The catalogue is plain data, built by the menu service::

    {dish_id: {"price": 6800, "sold_out": False, "station": "wok", "prep_seconds": 480,
               "course": 2, "names": {...}, "groups": [{"id": 1, "names": {...}, "min": 1, "max": 1,
                                           "options": {option_id: {"names": {...},
                                                       "price_delta": 0, "prep_delta": 0}}}]}}

Every problem of every line is reported at once, so the diner sees them all.
"""
from __future__ import annotations

from dataclasses import dataclass, field


class OrderRejected(Exception):
    def __init__(self, problems: list[dict]):
        super().__init__(f"{len(problems)} problem(s) in the order")
        self.problems = problems

    @property
    def code(self) -> str:
        """sold_out when that is the only kind of problem, else invalid_order."""
        codes = {p["code"] for p in self.problems}
        return "sold_out" if codes == {"sold_out"} else "invalid_order"


@dataclass(frozen=True)
class RequestedLine:
    dish_id: int
    quantity: int
    option_ids: tuple[int, ...] = ()
    note: str | None = None


@dataclass(frozen=True)
class PricedLine:
    dish_id: int
    names: dict
    quantity: int
    unit_price: int
    modifiers: list = field(default_factory=list)  # [{"option_id", "group_id", "names", "price_delta"}]
    note: str | None = None
    station: str = ""
    prep_seconds: int = 0  # the dish's plus its options' deltas
    extra_prep_seconds: int = 0  # the options' deltas alone
    course: int = 2

    @property
    def amount(self) -> int:
        return self.unit_price * self.quantity


def price_lines(catalogue: dict, lines: list[RequestedLine]) -> list[PricedLine]:
    problems: list[dict] = []
    priced: list[PricedLine] = []
    if not lines:
        raise OrderRejected([{"line": None, "code": "empty_order", "message": "The order has no items."}])
    for i, line in enumerate(lines):
        dish = catalogue.get(line.dish_id)
        if dish is None:
            problems.append({"line": i, "code": "unknown_dish", "dish_id": line.dish_id,
                             "message": f"There is no dish {line.dish_id} on the menu."})
            continue
        if dish["sold_out"]:
            problems.append({"line": i, "code": "sold_out", "dish_id": line.dish_id,
                             "message": "This dish is sold out."})
        if len(set(line.option_ids)) != len(line.option_ids):
            problems.append({"line": i, "code": "duplicate_option", "message": "An option is chosen twice."})
        option_group = {oid: g for g in dish["groups"] for oid in g["options"]}
        unknown = [oid for oid in line.option_ids if oid not in option_group]
        for oid in unknown:
            problems.append({"line": i, "code": "unknown_option", "option_id": oid,
                             "message": f"Option {oid} does not belong to this dish."})
        modifiers, price, extra = [], dish["price"], 0
        for group in dish["groups"]:
            picked = [oid for oid in line.option_ids if option_group.get(oid) is group]
            if len(picked) < group["min"]:
                problems.append({"line": i, "code": "missing_required_option", "group_id": group["id"],
                                 "message": f"Choose at least {group['min']} in this group."})
            if len(picked) > group["max"]:
                problems.append({"line": i, "code": "too_many_options", "group_id": group["id"],
                                 "message": f"Choose at most {group['max']} in this group."})
            for oid in picked:
                opt = group["options"][oid]
                price += opt["price_delta"]
                extra += opt["prep_delta"]
                modifiers.append({"option_id": oid, "group_id": group["id"], "names": opt["names"],
                                  "price_delta": opt["price_delta"]})
        priced.append(PricedLine(line.dish_id, dish["names"], line.quantity, max(price, 0), modifiers,
                                 line.note, dish["station"], max(dish["prep_seconds"] + extra, 0), extra,
                                 dish.get("course", 2)))
    if problems:
        raise OrderRejected(problems)
    return priced
