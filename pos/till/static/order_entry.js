// Order entry at the terminal: a table's order, or a takeaway or counter order under a
// pickup name. The cart stays on the terminal until "Send": lines can be changed or
// removed freely before that (nothing has reached the kitchen); after it, only a void
// takes an item back. One idempotency key per cart, kept across retries, so a double tap
// or a lost answer never sends the order twice.
import { api, h } from "/static/live.js";

let menuCache = null;

async function loadMenu() {
  if (!menuCache) menuCache = await api("GET", "/api/menu");
  return menuCache;
}

function newKey() {
  return Array.from(crypto.getRandomValues(new Uint8Array(16)), (b) => b.toString(16).padStart(2, "0")).join("");
}

// The option picker of a dish with modifier groups: each group's min..max choices, then
// onAdd(ids, names); onBack() returns to the dish's category.
function optionPicker(d, { fmt, onAdd, onBack }) {
  const chosen = new Map(d.groups.map((g) => [g.id, new Set()]));
  const ok = h("button", { class: "primary", id: "options-ok", disabled: true }, "Add 加入");
  const check = () => { ok.disabled = d.groups.some((g) => chosen.get(g.id).size < g.min); };
  const picker = h("div", { class: "options" }, h("h3", {}, d.name), d.groups.map((g) => h("fieldset", {},
    h("legend", {}, `${g.name} (${g.min ? `choose ${g.min}${g.max > g.min ? `–${g.max}` : ""} 必選` : "optional 可選"})`),
    g.options.map((o) => {
      const b = h("button", { class: "option", "data-option": o.id, onclick: () => {
        const set = chosen.get(g.id);
        if (set.has(o.id)) set.delete(o.id);
        else { if (set.size >= g.max) { const first = set.values().next().value; set.delete(first);
          picker.querySelector(`[data-option="${first}"]`)?.classList.remove("on"); } set.add(o.id); }
        b.classList.toggle("on", set.has(o.id)); check(); } },
        o.name, o.price_delta ? ` +${fmt(o.price_delta)}` : "");
      return b;
    }))), ok, h("button", { onclick: onBack }, "Back 返回"));
  ok.addEventListener("click", () => {
    const ids = [...chosen.values()].flatMap((s) => [...s]);
    const names = d.groups.flatMap((g) => g.options.filter((o) => ids.includes(o.id)).map((o) => o.name));
    onAdd(ids, names);
  });
  return picker;
}

// The cart's lines, each changed in place; onChange() after a change that needs a redraw.
function cartLines(cart, { mode, fmt, onChange }) {
  return cart.map((line, i) => h("li", { "data-line": i },
    h("span", { class: "what" }, `${line.dish.name}`, line.optionNames.length ? h("small", {}, ` ${line.optionNames.join(", ")}`) : null),
    h("button", { class: "qty", "aria-label": "less", onclick: () => { line.qty = Math.max(1, line.qty - 1); onChange(); } }, "−"),
    h("span", { class: "n" }, String(line.qty)),
    h("button", { class: "qty", "aria-label": "more", onclick: () => { line.qty += 1; onChange(); } }, "+"),
    mode === "table" ? h("select", { class: "seat", "aria-label": "seat", onchange: (e) => { line.seat = Number(e.target.value) || null; } },
      h("option", { value: "" }, "Seat 座位"), Array.from({ length: 12 }, (_, k) => h("option", { value: k + 1, selected: line.seat === k + 1 }, `${k + 1}`))) : null,
    h("input", { class: "note", placeholder: "Note 備註", maxlength: 200, value: line.note, oninput: (e) => { line.note = e.target.value; } }),
    h("span", { class: "amt" }, fmt(line.unit * line.qty)),
    h("button", { class: "remove", "aria-label": "remove", onclick: () => { cart.splice(i, 1); onChange(); } }, "×")));
}

// The body of POST /api/pos/orders for the cart.
function orderBody(cart, { mode, key, visitId, tableId, pickup }) {
  const body = { kind: mode, idempotency_key: key,
    items: cart.map((l) => ({ dish_id: l.dish.id, quantity: l.qty, options: l.options, note: l.note.trim() || null, seat: l.seat })) };
  if (visitId) body.visit_id = visitId;
  else if (mode === "table") body.table_id = tableId;
  else body.pickup = pickup.value.trim();
  return body;
}

function errorText(e) {
  return e.message + (e.body?.error?.details ? ` (${e.body.error.details.map((d) => d.message).join("; ")})` : "");
}

// mode: "table" (with tableId, label) | "takeaway" | "counter"; fmt: money formatter;
// onSent(order) after the kitchen has it.
export async function openOrderEntry({ mode, tableId = null, visitId = null, label = "", fmt, onSent }) {
  const menu = await loadMenu();
  const cart = [];  // {dish, options: [ids], optionNames, qty, note, seat}
  let key = newKey();
  const dlg = h("dialog", { class: "order-entry", id: "order-entry" });
  const pickup = mode === "table" || visitId ? null
    : h("input", { id: "pickup", placeholder: "Name or number 名稱或號碼", maxlength: 40, required: true });
  const cartBox = h("ol", { class: "cart", id: "cart" });
  const total = h("strong", { id: "cart-total" });
  const error = h("p", { class: "error-box hidden", role: "alert" });
  const dishes = h("div", { class: "dishes" });
  const tabs = h("nav", { class: "cats" }, menu.map((c, i) => h("button", {
    class: i === 0 ? "here" : "", "data-cat": c.id, onclick: (e) => { tabs.querySelectorAll("button").forEach((b) => b.classList.remove("here"));
      e.currentTarget.classList.add("here"); showCategory(c); } }, c.name)));
  const categoryOf = (d) => menu.find((c) => c.dishes.includes(d));

  function showCategory(c) {
    dishes.replaceChildren(...c.dishes.map((d) => h("button", {
      class: `dish${d.sold_out ? " sold-out" : ""}`, disabled: d.sold_out, "data-dish": d.id,
      onclick: () => (d.groups.length ? pickOptions(d) : add(d, [])) }, h("span", {}, d.name), h("small", {}, fmt(d.price)))));
  }

  function pickOptions(d) {
    dishes.replaceChildren(optionPicker(d, { fmt, onAdd: (ids, names) => add(d, ids, names),
      onBack: () => showCategory(categoryOf(d)) }));
  }

  function add(d, options, optionNames = []) {
    const delta = d.groups.flatMap((g) => g.options).filter((o) => options.includes(o.id)).reduce((a, o) => a + o.price_delta, 0);
    cart.push({ dish: d, options, optionNames, unit: d.price + delta, qty: 1, note: "", seat: null });
    renderCart();
    showCategory(categoryOf(d));
  }

  function renderCart() {
    cartBox.replaceChildren(...cartLines(cart, { mode, fmt, onChange: renderCart }));
    total.textContent = fmt(cart.reduce((a, l) => a + l.unit * l.qty, 0));
    send.disabled = cart.length === 0;
  }

  const send = h("button", { class: "primary", id: "send-order", disabled: true, onclick: async () => {
    error.classList.add("hidden");
    if (pickup && !pickup.value.trim()) {
      error.textContent = "Type the pickup name or number 請輸入取餐名稱或號碼";
      error.classList.remove("hidden");
      pickup.focus();
      return;
    }
    send.disabled = true;
    try {
      const order = await api("POST", "/api/pos/orders", orderBody(cart, { mode, key, visitId, tableId, pickup }));
      key = newKey();
      dlg.close();
      dlg.remove();
      onSent?.(order);
    } catch (e) {
      error.textContent = errorText(e);
      error.classList.remove("hidden");
      send.disabled = false;
    }
  } }, "Send to kitchen 送單");

  dlg.append(
    h("header", {}, h("h2", {}, label ? `Order for ${label} 點菜` : mode === "takeaway" ? "Takeaway 外賣" : "Counter 櫃台"),
      pickup, h("button", { class: "close", "aria-label": "close", onclick: () => { dlg.close(); dlg.remove(); } }, "×")),
    h("div", { class: "entry-body" }, h("section", { class: "menu-pick" }, tabs, dishes),
      h("aside", { class: "cart-box" }, cartBox, h("p", { class: "cart-sum" }, "Total 合計 ", total), error, send)));
  document.body.append(dlg);
  showCategory(menu[0]);
  renderCart();
  dlg.showModal();
  return dlg;
}
