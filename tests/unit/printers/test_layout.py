"""printers.layout: widths, wrapping, the documents (kitchen tickets, receipts, QR slips,
test pages, Z reports) and build()'s REPRINT / REDIRECTED banners."""
import ast
from pathlib import Path

import pytest

from printers import layout
from printers.layout import build, columns_for, display_width, kitchen_ticket, receipt, wrap

TICKET = {
    "order_number": 42, "table": "T12", "station": "wok", "ordered_at": "12:34",
    "items": [
        {"qty": 2, "name": "宮保雞丁", "name_alt": "Kung Pao Chicken", "modifiers": ["少辣", "no peanuts"],
         "note": "allergy: nuts"},
        {"qty": 1, "name": "Fried rice", "name_alt": None, "modifiers": [], "note": None},
    ],
}
RECEIPT = {
    "restaurant": "Golden Dragon", "table": "12", "check_number": 1001, "closed_at": "2025-01-02 20:15",
    "lines": [{"qty": 2, "name": "宮保雞丁", "amount": "$25.00"}, {"qty": 1, "name": "Beer", "amount": "$6.00"},
              {"qty": 1, "name": "A very long dish name that certainly does not fit on one line", "amount": "$9.50"}],
    "subtotal": "$40.50", "tax_lines": [{"rate": "5", "included": False, "amount": "$2.03"}], "total": "$42.53",
    "payments": [{"label": "Cash", "amount": "$50.00"}], "change": "$7.47",
    "visit_url": "https://pos.example/v/abc", "footer": "Thank you!",
}


def texts(doc):
    return [b["text"] for b in doc if b["type"] == "text"]


def block_with(doc, needle):
    return next(b for b in doc if b["type"] == "text" and needle in b["text"])


def test_layout_is_pure():
    tree = ast.parse(Path(layout.__file__).read_text())
    imported = {a.name.split(".")[0] for n in ast.walk(tree) if isinstance(n, ast.Import) for a in n.names}
    imported |= {n.module.split(".")[0] for n in ast.walk(tree) if isinstance(n, ast.ImportFrom) and n.module}
    assert not imported & {"flask", "sqlalchemy", "escpos", "PIL", "apscheduler"}


@pytest.mark.parametrize("s, width", [("abc", 3), ("宮保雞丁", 8), ("Ｆｕｌｌ", 8), ("e\u0301", 1), ("", 0),
                                      ("2 x 雞", 6)])
def test_display_width(s, width):
    assert display_width(s) == width


def test_wrap_latin_breaks_on_spaces():
    assert wrap("the quick brown fox jumps", 10) == ["the quick", "brown fox", "jumps"]
    assert wrap("supercalifragilistic", 8) == ["supercal", "ifragili", "stic"]
    assert wrap("a\nb", 10) == ["a", "b"]


def test_wrap_cjk_breaks_between_characters():
    lines = wrap("宮保雞丁配白飯加辣", 8)
    assert lines == ["宮保雞丁", "配白飯加", "辣"]
    assert wrap("Kung Pao 宮保雞丁 with rice 白飯", 9) == ["Kung Pao", "宮保雞丁", "with rice", "白飯"]
    assert wrap("Kung Pao宮保", 10) == ["Kung Pao宮", "保"]  # no space needed before a CJK break


def test_columns_for():
    assert [columns_for(80, s) for s in ("normal", "large", "xlarge")] == [48, 24, 16]
    assert [columns_for(58, s) for s in ("normal", "large", "xlarge")] == [32, 16, 10]
    with pytest.raises(ValueError):
        columns_for(76, "normal")


def test_kitchen_ticket_content():
    doc = kitchen_ticket(TICKET)
    table = block_with(doc, "T12")
    assert (table["size"], table["bold"]) == ("xlarge", True)
    assert block_with(doc, "#42")["size"] == "large"
    station = block_with(doc, "WOK")["text"]
    assert station.endswith("12:34") and display_width(station) == 48
    assert block_with(doc, "2 x 宮保雞丁")["size"] == "large"
    assert block_with(doc, "Kung Pao Chicken")["text"].startswith("    ")
    assert "  + 少辣" in texts(doc) and "  + no peanuts" in texts(doc)
    note = block_with(doc, "allergy")
    assert note["text"] == "  ! allergy: nuts" and note["bold"]
    assert [b["type"] for b in doc[-3:]] == ["rule", "feed", "cut"] and doc[-2]["lines"] == 3
    assert not any("REPRINT" in t for t in texts(doc))


def test_reprint_banner_first():
    first = kitchen_ticket({**TICKET, "reprint": True})[0]
    assert first == {"type": "text", "text": "REPRINT", "size": "xlarge", "bold": True, "align": "center"}


def test_item_wraps_with_hanging_indent():
    doc = kitchen_ticket({**TICKET, "items": [{"qty": 3, "name": "Crispy roast pork belly with mustard",
                                               "modifiers": [], "note": None}]}, 58)
    lines = block_with(doc, "3 x")["text"].split("\n")
    assert len(lines) > 1 and all(line.startswith("    ") for line in lines[1:])


@pytest.mark.parametrize("paper_mm, cols", [(80, 48), (58, 32)])
def test_receipt_amounts_right_aligned_by_display_width(paper_mm, cols):
    doc = receipt(RECEIPT, paper_mm)
    chinese = block_with(doc, "宮保雞丁")["text"]
    assert "\n" not in chinese and chinese.endswith("$25.00")
    assert display_width(chinese) == cols  # len() would be 4 shorter
    assert display_width(block_with(doc, "Beer")["text"]) == cols
    long = block_with(doc, "A very long")["text"].split("\n")
    assert long[-1] == " " * (cols - 5) + "$9.50" and long[1].startswith("    ")
    total = block_with(doc, "TOTAL")
    assert total["size"] == "large" and display_width(total["text"]) == cols // 2


def test_receipt_structure():
    doc = receipt(RECEIPT)
    assert doc[0]["align"] == "center" and doc[0]["text"] == "Golden Dragon"
    assert {"type": "qr", "data": "https://pos.example/v/abc", "size": 6} in doc
    assert doc[-1] == {"type": "cut"}
    assert "Thank you!" in texts(doc) and any(t.startswith("Change") for t in texts(doc))
    bare = receipt({**RECEIPT, "visit_url": None, "change": None, "footer": None})
    assert not any(b["type"] == "qr" for b in bare) and not any("Change" in t for t in texts(bare))


# --- fixtures for the newer layouts and keys ---------------------------------------------

FULL_TICKET = {**TICKET, "course": 2, "fire_at": "19:42", "rush": True,
               "items": [{**TICKET["items"][0], "seat": 3}, TICKET["items"][1]]}
VOID_TICKET = {**TICKET, "void": True, "reason": "guest changed their mind", "course": 1, "fire_at": "19:42",
               "rush": True}
FULL_RECEIPT = {
    **RECEIPT, "header_lines": ["12 Harbour Road, Wan Chai", "Tel 2345 6789", "BR 12345678"],
    "table": None, "pickup": "Alice", "served_by": "Amy",
    "lines": [{"qty": 2, "name": "宮保雞丁", "amount": "$25.00", "modifiers": ["少辣", "no peanuts"],
               "reductions": [{"kind": "discount", "label": "Happy hour", "amount": "-$2.00"}]},
              {"qty": 1, "name": "Beer", "amount": "$6.00", "comp": True,
               "reductions": [{"kind": "comp", "amount": "-$6.00"}]}],
    "subtotal": "$48.00", "discounts": [{"label": "Member", "percent": "10", "amount": "-$4.80"}],
    "service_lines": [{"rate": "10", "amount": "$4.32"}],
    "tax_lines": [{"rate": "5", "included": True, "amount": "$2.26"}], "total": "$47.52",
    "payments": [{"label": "Visa", "amount": "$20.00", "reference": "**** 4242 auth 123456"},
                 {"label": "Cash", "amount": "$20.00"}],
    "tip": "$2.00", "change": "$7.29",
}
DAY = {
    "restaurant": "Golden Dragon", "business_date": "2025-01-02", "opened_at": "2025-01-02 10:58",
    "closed_at": "2025-01-02 23:10", "printed_at": "2025-01-03 00:05", "register": "Front",
    "gross": "$4,210.50", "net": "$3,870.25", "service": "$351.84", "tips": "$210.00",
    "covers": 180, "checks": 82, "average_check": "$47.20",
    "sales_by_category": [{"name": "Mains", "qty": 120, "amount": "$2,400.00"},
                          {"name": "Drinks", "qty": 95, "amount": "$570.00"}],
    "sales_by_dish": [{"name": "宮保雞丁", "qty": 40, "amount": "$500.00"},
                      {"name": "Crispy roast pork belly with mustard and rice", "qty": 7, "amount": "$126.00"}],
    "tenders": [{"label": "Cash", "count": 30, "amount": "$1,200.00"},
                {"label": "Visa", "count": 52, "amount": "$2,670.25"}],
    "taxes": [{"label": "VAT 5%", "amount": "$184.30"}],
    "discounts": {"count": 12, "amount": "-$150.00"}, "comps": {"count": 3, "amount": "-$36.00"},
    "voids": {"count": 2, "amount": "$24.00"}, "refunds": {"count": 1, "amount": "-$18.00"},
    "cash": {"float": "$200.00", "cash_sales": "$1,200.00", "cash_in": "$50.00", "cash_out": "-$80.00",
             "refunds": "-$18.00", "expected": "$1,352.00", "counted": "$1,350.00", "difference": "-$2.00"},
    "cash_movements": [{"time": "14:02", "label": "Paid out", "amount": "-$80.00",
                        "reason": "fish market, receipt in drawer"},
                       {"time": "18:30", "label": "Paid in", "amount": "$50.00"}],
}
QR_SLIP = {"restaurant": "Golden Dragon", "table": "12", "url": "https://pos.example/t/12?k=abc",
           "printed_at": "2025-01-02 20:16"}
SELF_TEST = {"restaurant": "Golden Dragon", "printer": "kitchen", "paper_mm": 80, "profile": "TM-T20II",
             "printed_at": "2025-01-02 09:00"}
DATA = {"kitchen_ticket": FULL_TICKET, "receipt": FULL_RECEIPT, "qr_slip": QR_SLIP, "self_test": SELF_TEST,
        "drawer": {}, "day_report": DAY}

LONG = "Extra large seafood platter with garlic butter 龍蝦 " + "海鮮拼盤" * 6 + " " + "x" * 60
LONG_DATA = {
    "kitchen_ticket": [
        {**FULL_TICKET, "table": "Terrace table number twelve 露台", "order_number": 123456, "course": 12,
         "fire_at": "19:42 (after the starters)", "station": "wok and grill station " * 3,
         "items": [{"qty": 10, "name": LONG, "name_alt": LONG, "modifiers": [LONG], "note": "no " * 30,
                    "seat": "window seat " * 5}]},
        {**VOID_TICKET, "table": "露台" * 9, "reason": LONG,
         "items": [{"qty": 100, "name": LONG, "modifiers": [LONG], "note": LONG, "seat": 12}]},
        {**TICKET, "fire_now": True, "rush": True}],
    "receipt": [
        RECEIPT,
        {**FULL_RECEIPT, "restaurant": "金龍酒家 Golden Dragon Seafood Restaurant", "header_lines": [LONG, LONG],
         "pickup": LONG, "served_by": LONG, "closed_at": LONG,
         "lines": [{"qty": 12, "name": LONG, "amount": "$1,234,567.00", "modifiers": [LONG],
                    "reductions": [{"kind": "discount", "label": LONG, "amount": "-$100,000.00"}], "comp": True}],
         "discounts": [{"label": LONG, "amount": "-$1.00"}], "service_lines": [{"rate": "12.5", "amount": "$1"}],
         "tax_lines": [{"rate": "7.25", "amount": "$1"}], "total": "$1,234,567,890.00",
         "refunds": [{"label": LONG, "amount": "-$1,000,000.00"}], "rounding": "-$0.04",
         "payments": [{"label": LONG, "amount": "$9", "reference": LONG}], "footer": LONG, "tip": "$1"},
        {**FULL_RECEIPT, "table": "12", "pickup": "Bob"}],
    "qr_slip": [QR_SLIP, {**QR_SLIP, "restaurant": LONG, "table": LONG, "printed_at": LONG}],
    "self_test": [SELF_TEST, {**SELF_TEST, "restaurant": LONG, "printer": LONG, "profile": LONG}],
    "drawer": [{}],
    "day_report": [
        DAY, {k: DAY[k] for k in ("restaurant", "business_date", "printed_at")},
        {**DAY, "restaurant": LONG, "register": LONG,
         "sales_by_dish": [{"name": LONG, "qty": 123456, "amount": "$123,456,789.00"}],
         "sales_by_category": [{"name": LONG, "qty": 1, "amount": "$1" + "0" * 40}],
         "tenders": [{"label": LONG, "count": 1, "amount": "$1"}], "taxes": [{"label": LONG, "amount": "$1"}],
         "cash_movements": [{"time": "14:02", "label": LONG, "amount": "$1", "reason": LONG}]}],
}


def assert_fits(doc, paper_mm):
    for b in doc:
        if b["type"] == "text":
            cols = columns_for(paper_mm, b["size"])
            assert all(display_width(line) <= cols for line in b["text"].split("\n")), b


@pytest.mark.parametrize("paper_mm", [80, 58])
@pytest.mark.parametrize("kind", sorted(layout.LAYOUTS))
def test_every_line_fits_its_size(kind, paper_mm):
    for data in LONG_DATA[kind] + [DATA[kind]]:
        assert_fits(build(kind, data, paper_mm, reprint=True, redirected_from="a very long printer name " * 4),
                    paper_mm)
        assert_fits(layout.LAYOUTS[kind](data, paper_mm), paper_mm)


def test_legacy_long_ticket_and_receipt_fit():
    long = {**TICKET, "items": [{"qty": 10, "name": "Extra large seafood platter with garlic butter 龍蝦",
                                 "name_alt": "海鮮拼盤" * 6, "modifiers": ["x" * 60], "note": "no " * 30}]}
    for paper_mm in (80, 58):
        assert_fits(kitchen_ticket(long, paper_mm), paper_mm)
        assert_fits(receipt(RECEIPT, paper_mm), paper_mm)


# --- wrapping helpers -------------------------------------------------------------------

def test_wrap_first_line_room():
    assert wrap("Kung Pao Chicken with rice", 12, first_columns=8) == ["Kung Pao", "Chicken with", "rice"]
    assert wrap("宮保雞丁配白飯", 8, first_columns=4) == ["宮保", "雞丁配白", "飯"]
    # a first word that only fits a full line moves there rather than being split
    assert wrap("Spaghetti carbonara", 10, first_columns=5) == ["", "Spaghetti", "carbonara"]
    assert wrap("Supercalifragilistic", 8, first_columns=4) == ["Supe", "rcalifra", "gilistic"]


def test_two_columns_wraps_a_right_text_wider_than_the_line():
    out = layout.two_columns("Total", "$" + "9" * 30, 16).split("\n")
    assert out[0] == "Total" and all(display_width(line) == 16 for line in out[1:])


def test_table_rows_align_qty_and_amount():
    rows = layout.table_rows([("Kung Pao Chicken", 40, "$500.00"), ("宮保雞丁", 7, "$1,126.00"),
                              ("Crispy roast pork belly with mustard and rice", 120, "$6.00")], 32,
                             ("", "Qty", "Amount"))
    firsts = [r.split("\n")[0] for r in rows]
    assert all(display_width(line) == 32 for line in firsts)
    for line, qty in zip(firsts, ("Qty", "40", "7", "120")):
        head = line[:-11]  # "  " + the amount column (9 wide)
        assert head.endswith(qty) and display_width(head) == 21  # every qty ends on column 21
    assert rows[3].split("\n")[1].startswith("  ")  # wrapped name: indented continuation
    narrow = layout.table_rows([("Mains", 1, "$" + "9" * 25)], 32)
    assert all(display_width(line) <= 32 for r in narrow for line in r.split("\n"))


# --- kitchen ticket: course, fire, rush, seat, void -------------------------------------

@pytest.mark.parametrize("course, name", [(0, "DRINKS"), (1, "STARTERS"), (2, "MAINS"), (3, "DESSERTS"),
                                          (4, "COURSE 4")])
def test_kitchen_ticket_course(course, name):
    doc = kitchen_ticket({**TICKET, "course": course})
    block = next(b for b in doc if b["type"] == "text" and b["text"] == name)
    assert (block["size"], block["bold"]) == ("large", True)
    assert doc.index(block) > doc.index(block_with(doc, "#42"))
    assert not any(t in ("DRINKS", "STARTERS", "MAINS", "DESSERTS") for t in texts(kitchen_ticket(TICKET)))


def test_kitchen_ticket_fire():
    fire = block_with(kitchen_ticket({**TICKET, "fire_at": "19:42"}), "FIRE")
    assert (fire["text"], fire["size"], fire["bold"]) == ("FIRE 19:42", "large", True)
    assert block_with(kitchen_ticket({**TICKET, "fire_at": "19:42", "fire_now": True}), "FIRE")["text"] == "FIRE NOW"
    assert block_with(kitchen_ticket({**TICKET, "fire_at": None, "fire_now": True}), "FIRE")["text"] == "FIRE NOW"
    assert not any("FIRE" in t for t in texts(kitchen_ticket({**TICKET, "fire_at": None})))


def test_kitchen_ticket_rush_mark():
    doc = kitchen_ticket({**TICKET, "rush": True})
    rush = block_with(doc, "RUSH")
    assert (rush["size"], rush["bold"], rush.get("invert")) == ("large", True, True)
    assert doc.index(rush) < doc.index(block_with(doc, "T12"))
    assert not any("RUSH" in t for t in texts(kitchen_ticket({**TICKET, "rush": False})))


def test_kitchen_ticket_seat_under_the_item():
    doc = kitchen_ticket(FULL_TICKET)
    seat = block_with(doc, "Seat 3")
    assert seat["text"] == "    Seat 3" and seat["bold"]
    assert doc.index(block_with(doc, "2 x 宮保雞丁")) < doc.index(seat) < doc.index(block_with(doc, "1 x Fried rice"))
    assert not any("Seat" in t for t in texts(kitchen_ticket(TICKET)))


def test_new_keys_absent_leave_the_ticket_unchanged():
    plain = kitchen_ticket(TICKET)
    assert kitchen_ticket({**TICKET, "course": None, "fire_at": None, "fire_now": False, "rush": False,
                           "void": False, "reason": None}) == plain
    assert [b["type"] for b in plain].count("text") == 3 + 6  # header + items: nothing new by default
    assert not any(b.get("invert") for b in plain)


@pytest.mark.parametrize("paper_mm", [80, 58])
def test_void_ticket(paper_mm):
    doc = kitchen_ticket(VOID_TICKET, paper_mm)
    blocks = [b for b in doc if b["type"] == "text"]
    banner = {"type": "text", "text": "VOID", "size": "xlarge", "bold": True, "align": "center", "invert": True}
    assert blocks[0] == banner and blocks[-1] == banner
    assert [b["type"] for b in doc[-3:]] == ["text", "feed", "cut"]
    items = [b for b in blocks if b["size"] == "large" and " x " in b["text"]]
    assert [b["text"].split("\n")[0].split(" x ")[0] for b in items] == ["VOID 2", "VOID 1"]
    assert all(b["bold"] for b in items)
    assert block_with(doc, "Reason:")["text"].startswith("Reason: guest")
    assert "STARTERS" in texts(doc) and block_with(doc, "T12")["size"] == "xlarge"
    assert not any("FIRE" in t or "RUSH" in t for t in texts(doc))  # nothing to fire on a void
    assert "  + 少辣" in texts(doc)  # which variant is voided


def test_void_item_continuation_is_indented_under_the_quantity():
    doc = kitchen_ticket({**VOID_TICKET, "items": [{"qty": 2, "name": "Crispy roast pork belly with mustard"}]}, 58)
    lines = block_with(doc, "VOID 2 x")["text"].split("\n")
    assert len(lines) > 1 and all(line.startswith("     ") and line[5] != " " for line in lines[1:])


def test_void_ticket_without_reason():
    assert not any("Reason" in t for t in texts(kitchen_ticket({**VOID_TICKET, "reason": None})))


# --- receipt: header lines, pickup, modifiers, discounts, comps, payments, QR caption ---

def test_receipt_header_lines_centred_under_the_name():
    doc = receipt(FULL_RECEIPT)
    assert [b["text"] for b in doc[1:4]] == FULL_RECEIPT["header_lines"]
    assert all(b["align"] == "center" and b["size"] == "normal" for b in doc[1:4])


def test_receipt_pickup_instead_of_table():
    doc = receipt(FULL_RECEIPT)
    pickup = block_with(doc, "Pickup:")
    assert (pickup["text"], pickup["size"]) == ("Pickup: Alice", "large")
    assert "Check #1001" in texts(doc) and not any("Table" in t for t in texts(doc))
    both = receipt({**FULL_RECEIPT, "table": "12"})
    assert block_with(both, "Table 12")["text"].endswith("Check #1001") and block_with(both, "Pickup: Alice")
    bare = receipt({**FULL_RECEIPT, "pickup": None})
    assert "Check #1001" in texts(bare) and not any("Pickup" in t or "None" in t for t in texts(bare))


def test_receipt_line_modifiers_discount_and_comp():
    doc = receipt(FULL_RECEIPT)
    t = texts(doc)
    i = t.index(block_with(doc, "2 x 宮保雞丁")["text"])
    assert t[i + 1: i + 3] == ["    + 少辣", "    + no peanuts"]
    assert t[i + 3].startswith("    Happy hour") and t[i + 3].endswith("-$2.00") and display_width(t[i + 3]) == 48
    beer = t.index(block_with(doc, "1 x Beer")["text"])
    assert t[beer].endswith("$6.00") and display_width(t[beer]) == 48  # its price, then what the comp takes off
    assert t[beer + 1].startswith("    Complimentary 招待") and t[beer + 1].endswith("-$6.00")


def test_receipt_totals_order_and_one_column_of_amounts():
    doc = receipt({**FULL_RECEIPT, "rounding": "-$0.02", "refunds": [{"label": "Visa", "amount": "-$5.00"}],
                   "payments": [{"label": "Visa", "amount": "$22.00", "reference": "**** 4242 auth 123456",
                                 "tip": "$2.00"}, {"label": "Cash 現金", "amount": "$30.00"}]})
    t = texts(doc)
    order = ["Subtotal 小計", "Member 10%", "Service 10% 服務費", "incl. Tax 5% 含稅", "TOTAL 合計", "Cash rounding",
             "Visa", "**** 4242", "incl. tip 小費", "Cash 現金", "Change 找續", "Refund 退款 Visa"]
    at = [next(i for i, s in enumerate(t) if s.lstrip().startswith(label)) for label in order]
    assert at == sorted(at)
    assert t[at[7]] == "  **** 4242 auth 123456"
    assert t[at[8]].endswith("$2.00") and display_width(t[at[8]]) == 48  # the tip under its tender
    amounts = [b for b in doc if b.get("amounts")]
    assert all(display_width(b["text"].split("\n")[-1]) == (24 if b["size"] == "large" else 48) for b in amounts)
    assert {b["size"] for b in amounts} == {"normal", "large"} and block_with(doc, "TOTAL")["size"] == "large"
    assert all(b.get("amounts") for b in doc if b["type"] == "text" and b["text"].rstrip().endswith(("0", "2")))


def test_receipt_served_by_and_qr_caption():
    doc = receipt(FULL_RECEIPT, 58)
    assert "Served by: Amy" in texts(doc)
    qr = next(i for i, b in enumerate(doc) if b["type"] == "qr")
    assert doc[qr - 1] == {"type": "text", "text": "掃碼查看訂單 Scan for your order", "size": "normal",
                           "bold": False, "align": "center"}
    assert not any("Served" in t or "掃碼" in t for t in texts(receipt({**RECEIPT, "visit_url": None})))


# --- day report -------------------------------------------------------------------------


# --- build() and the banners ------------------------------------------------------------


