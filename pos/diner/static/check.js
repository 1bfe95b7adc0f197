// The table's check: its orders and their items' statuses, the totals (the bill), and the
// table being closed once the check is settled.
import { api, h } from "/static/live.js";
import { state, boot, token, lang, t, fill, hhmm, forgetCart } from "/static/diner/state.js";
import { renderCartBar } from "/static/diner/cart.js";
import { renderHelp } from "/static/diner/requests.js";
import { renderMenu } from "/static/diner/diner.js";

export function mergeOrder(order) {
  if (!state.check.orders.some((o) => o.id === order.id)) {
    state.check.orders.push({ id: order.id, number: order.number, created_at: order.created_at,
                              promised_at: order.promised_at, late: order.late, items: order.items });
  }
  refreshCheck();
  renderHelp();  // a dish to report a problem with
}

let refreshAgain = null;
export async function refreshCheck() {
  if (state.closed) return;
  try { state.check = await api("GET", `/api/visits/${token}?lang=${encodeURIComponent(lang)}`); }
  catch (e) {
    if (e.body?.error?.code === "visit_closed") { showClosed(); return; }
    // no answer (offline): draw what the page has, and ask again shortly so the totals catch up
    if (!e.status && !refreshAgain) refreshAgain = setTimeout(() => { refreshAgain = null; refreshCheck(); }, 3000);
  }
  renderOrders();
}

export function renderOrders() {
  const { check } = state;
  const box = document.getElementById("orders");
  if (!check.orders.length) { box.replaceChildren(); return; }
  // The bill's lines as the server presented them (pos.checks.presentation): subtotal, the
  // check's discounts, service, tax, total, cash rounding, then what is paid.
  const label = (row) => ({
    subtotal: t.subtotal, total: t.total, rounding: t.rounding, paid: t.paid,
    discount: `${row.label || t.discount}${row.percent ? ` ${row.percent}%` : ""}`,
    service: fill(t.servicePct, { pct: row.rate }),
    tax: fill(row.included ? t.taxIncludedPct : t.taxPct, { pct: row.rate }),
  })[row.key];
  const sums = [...check.bill.sums, ...check.bill.after.filter((row) => row.key === "paid")]
    .map((row) => [label(row), row.formatted, row.key]);
  box.replaceChildren(h("h2", {}, t.yours), ...check.orders.map((o) => {
    const waiting = o.items.some((i) => i.status === "queued" || i.status === "cooking");
    return h("div", { class: "order", "data-order": o.id },
    h("strong", {}, fill(t.order, { number: o.number })),
    o.promised_at && waiting ? h("span", { class: "promise", "data-promised": o.promised_at }, ` · ${fill(t.promised, { time: hhmm(o.promised_at) })}`) : null,
    o.late && o.items.some((i) => ["queued", "cooking", "ready"].includes(i.status))
      ? h("p", { class: "apology", role: "status" }, boot.apology) : null,
    h("ul", {}, o.items.map((i) => h("li", { "data-item": i.id, class: i.status },
      h("div", { class: "item" }, `${i.quantity} × ${i.name}`,
        i.modifiers.length ? h("small", {}, ` (${i.modifiers.join(", ")})`) : null,
        i.note ? h("small", { class: "note" }, i.note) : null),
      (i.status === "queued" || i.status === "cooking") && i.due_at
        ? h("small", { class: "eta", "data-due": i.due_at }, fill(t.eta, { time: hhmm(i.due_at) })) : null,
      h("span", { class: `chip ${i.status}`, "data-status": i.status }, t[i.status] || i.status)))));
  }),
    h("table", { class: "totals", id: "bill" }, h("tbody", {}, sums.map(([k, v, key]) =>
      h("tr", { class: key, "data-sum": key }, h("td", {}, k), h("td", {}, v))))));
}

export function setItemStatus(data) {
  const { items } = data;
  for (const u of items) for (const o of state.check.orders) for (const i of o.items) {
    if (i.id === u.id) { i.status = u.status; i.due_at = u.due_at; }
  }
  for (const o of state.check.orders) if (o.id === data.order_id && data.late !== undefined) o.late = data.late;
  renderOrders();
  if (items.some((u) => u.status === "voided")) refreshCheck(); // the totals changed
}

// The table's check was settled: the bill stays readable, ordering stops.
export function showClosed() {
  if (state.closed) return;
  state.closed = true;
  const el = document.getElementById("closed");
  el.replaceChildren(h("strong", {}, t.closed));
  el.classList.remove("hidden");
  forgetCart();
  for (const id of ["dish-dialog", "cart-dialog"]) { const d = document.getElementById(id); if (d.open) d.close(); }
  renderCartBar(); renderMenu();
  window.scrollTo({ top: 0, behavior: "smooth" });
}
