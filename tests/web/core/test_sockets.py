"""Rooms, authorisation and resync over the Flask-SocketIO test client."""
from app.factory import socketio_of
from core.context import NOBODY
from kitchen import services as kitchen
from pos.checks import payments
from pos.checks import summary
from tests.helpers import KUNG_PAO, MILK_TEA, order, token_of, visit_of


def connect(app, client=None):
    return socketio_of(app).test_client(app, flask_test_client=client)


def join(sock, rooms, after=0, token=None):
    return sock.emit("join", {"rooms": rooms, "after": after, "token": token}, callback=True)


def updates(sock):
    return [m["args"][0] for m in sock.get_received() if m["name"] == "update"]


def test_station_screen_receives_its_tickets_only(app, ctx, client, sign_in):
    sign_in(client, "cook")
    wok, bar = connect(app, client), connect(app, client)
    assert join(wok, ["station:wok"])["events"] == []
    join(bar, ["station:bar"])
    order(ctx, token_of(ctx), KUNG_PAO, MILK_TEA)
    [w] = updates(wok)
    assert w["kind"] == "ticket" and w["data"]["station"] == "wok" and w["room"] == "station:wok"
    assert w["data"]["items"][0]["name"] == "宮保雞丁" and w["data"]["items"][0]["note"] == "no peanuts"
    [b] = updates(bar)
    assert b["data"]["items"][0]["name"] == "港式奶茶" and b["seq"] != w["seq"]


def test_a_screen_that_was_away_gets_what_it_missed_in_order(app, ctx, client, sign_in):
    sign_in(client, "cook")
    screen = connect(app, client)
    join(screen, ["station:wok"])
    order(ctx, token_of(ctx, "T1"), KUNG_PAO)
    last = updates(screen)[-1]["seq"]
    screen.disconnect()
    order(ctx, token_of(ctx, "T2"), KUNG_PAO)
    t = kitchen.open_tickets(ctx, "wok")["tickets"][0]
    kitchen.bump_ticket(ctx, t["id"])
    again = connect(app, client)
    ack = join(again, ["station:wok"], after=last)
    assert ack["reset"] is False
    missed = ack["events"]
    assert [(e["data"]["table"], e["data"]["status"]) for e in missed] == [("T2", "open"), ("T1", "done")]
    assert [e["seq"] for e in missed] == sorted(e["seq"] for e in missed) and missed[0]["seq"] > last
    assert join(again, ["station:wok"], after=ack["seq"])["events"] == []


def test_rooms_are_refused_without_the_right_role_or_token(app, ctx, client, sign_in):
    anon = connect(app)
    assert join(anon, ["station:wok"])["error"]["code"] == "forbidden"
    assert join(anon, ["kitchen"])["error"]["code"] == "forbidden"
    assert join(anon, ["pos"])["error"]["code"] == "forbidden"
    visit_id = visit_of(ctx)
    assert join(anon, [f"visit:{visit_id}"], token="forged")["error"]["code"] == "forbidden"
    assert join(anon, [f"visit:{visit_of(ctx, 'T2')}"], token=token_of(ctx))["error"]["code"] == "forbidden"
    assert "error" not in join(anon, [f"visit:{visit_id}", "menu"], token=token_of(ctx))
    assert join(anon, "station:wok")["error"]["code"] == "bad_request"
    assert join(anon, ["menu"], after=-1)["error"]["code"] == "bad_request"
    assert join(anon, ["menu"], after=True)["error"]["code"] == "bad_request"
    assert join(anon, ["menu"], after=2**70)["error"]["code"] == "bad_request"
    sign_in(client, "cook")
    cook = connect(app, client)
    assert "error" not in join(cook, ["station:wok"])
    assert join(cook, ["station:nowhere"])["error"]["code"] == "forbidden"
    assert join(cook, ["pos"])["error"]["code"] == "forbidden"


def test_diner_hears_order_item_states_and_closing(app, ctx):
    token, visit_id = token_of(ctx), visit_of(ctx)
    diner = connect(app)
    join(diner, [f"visit:{visit_id}"], token=token)
    order(ctx, token, KUNG_PAO)
    t = kitchen.open_tickets(ctx, "wok")["tickets"][0]
    kitchen.start_ticket(ctx, t["id"])
    kitchen.bump_ticket(ctx, t["id"])
    payments.pay_cash(ctx, visit_id, 50000, NOBODY)
    payments.close_visit(ctx, visit_id, NOBODY)
    kinds = [(u["kind"], u["data"].get("items", [{}])[0].get("status")) for u in updates(diner)]
    assert kinds == [("order", "queued"), ("items", "cooking"), ("items", "ready"), ("visit_closed", None)]


def test_cashier_terminal_hears_table_changes(app, ctx, client, sign_in):
    sign_in(client, "cashier")
    pos = connect(app, client)
    join(pos, ["pos"])
    order(ctx, token_of(ctx, "T7"), MILK_TEA)
    [u] = updates(pos)
    assert u["kind"] == "table" and u["data"]["table"] == "T7" and u["data"]["state"] == "ordering"


def test_nothing_is_sent_for_a_rolled_back_transaction(app, ctx, client, sign_in):
    sign_in(client, "cook")
    screen = connect(app, client)
    join(screen, ["station:wok"])
    try:
        order(ctx, token_of(ctx), KUNG_PAO, {"dish_id": 999, "quantity": 1})
    except Exception:
        pass
    assert updates(screen) == []


def test_a_client_ahead_of_the_database_is_told_to_reset(app, ctx):
    anon = connect(app)
    ack = join(anon, ["menu"], after=10**9)
    assert ack["reset"] is True


def test_odd_join_payloads_get_an_answer_not_a_crash(app, ctx):
    anon = connect(app)
    assert anon.emit("join", callback=True)["error"]["code"] == "bad_request"
    assert join(anon, [f"visit:{'²'}"], token=token_of(ctx))["error"]["code"] == "forbidden"
    assert join(anon, ["visit:\u0661"], token=token_of(ctx))["error"]["code"] == "forbidden"
    assert join(anon, [f"visit:0{visit_of(ctx)}"], token=token_of(ctx))["error"]["code"] == "forbidden"


def test_bumping_after_the_table_closed_does_not_show_the_old_check_on_the_floor(app, ctx, client, sign_in):
    token, visit_id = token_of(ctx, "T4"), visit_of(ctx, "T4")
    order(ctx, token, MILK_TEA)
    payments.pay_cash(ctx, visit_id, 10000, NOBODY)
    closed = payments.close_visit(ctx, visit_id, NOBODY)
    sign_in(client, "cashier")
    pos = connect(app, client)
    join(pos, ["pos"])
    ticket = kitchen.open_tickets(ctx, "bar")["tickets"][0]
    kitchen.bump_ticket(ctx, ticket["id"])
    assert [u for u in updates(pos) if u["kind"] == "table"] == []
    assert {t["table"]: t for t in summary.floor(ctx)}["T4"]["visit_id"] == closed["next_visit_id"]
