import { connectLive, api, h, money } from "/static/live.js";
import { watchPrinters } from "/static/printers.js";

const boot = JSON.parse(document.getElementById("boot").textContent);
const fmt = (m) => money(m, boot.currency, boot.minor_unit);
const unit = 10 ** boot.minor_unit;
const tables = new Map(boot.tables.map((t) => [t.table_id, t]));
const pane = document.getElementById("check");
const STATE = { free: "Free 空枱", ordering: "Ordering 已落單", eating: "Eating 用餐中", paid: "Paid 已付款" };

// The check pane. The socket's "table" event of the cashier's own payment or closing
// usually arrives before the HTTP answer, and fetches can come back out of order, so:
// - every fetch and every action takes a ticket (an increasing number); a check is drawn
//   only while its table is selected and only if no newer ticket has been drawn;
// - the outcome of the cashier's action (the change to hand back, the closed table's new
//   QR code) is pinned: later refreshes keep it, until the cashier picks a table.
let selected = null; // table id
let current = null;  // { check, ticket } drawn in the pane
let pin = null;      // { visitId, change } after taking cash; { closed } after closing the table
let tickets = 0;

function renderFloor() {
  document.getElementById("floor").replaceChildren(...[...tables.values()].map((t) =>
    h("button", { class: `tile ${t.state}${t.table_id === selected ? " selected" : ""}`, "data-table": t.table_id,
                  "data-state": t.state, onclick: () => select(t.table_id) },
      h("span", { class: "name" }, t.table, t.late ? h("span", { class: "late-badge" }, "LATE 遲") : null),
      h("span", { class: "state" }, STATE[t.state] || t.state),
      h("span", {}, t.items ? `${t.items} · ${t.total_formatted}` : `${t.seats} seats`))));
}

function select(tableId) {
  selected = tableId;
  pin = null;
  current = null;
  renderFloor();
  const t = tables.get(tableId);
  pane.replaceChildren(h("h2", {}, t.table), h("p", { class: "hint" }, "Loading… 載入中"));
  refresh(t);
}

async function refresh(t) {
  const ticket = ++tickets;
  try {
    show(await api("GET", `/api/pos/visits/${t.visit_id}`), ticket);
  } catch (e) {
    if (selected === t.table_id && !current && !pin) {
      pane.replaceChildren(h("h2", {}, t.table), h("p", { class: "error-box" }, e.message));
    }
  }
}

function show(check, ticket) {
  if (check.table_id !== selected || pin?.closed || (current && current.ticket > ticket)) return; // stale
  current = { check, ticket };
  paint();
}

function paint() {
  if (pin?.closed) { pane.replaceChildren(...closedView(pin.closed)); return; }
  const c = current.check;
  const old = pane.querySelector("#tendered");  // keep what the cashier is typing
  const typed = old && old.dataset.visit === String(c.visit_id) ? old.value : "";
  const hadFocus = old && document.activeElement === old;
  const change = pin && pin.visitId === c.visit_id
    ? h("div", { class: "change", id: "change", role: "status" }, h("span", { class: "label" }, "Change 找續"),
        h("strong", {}, pin.change), h("small", {}, `Received 收到 ${pin.tendered}`)) : null;
  pane.replaceChildren(...checkView(c, change, typed));
  if (hadFocus) pane.querySelector("#tendered")?.focus();
}

function checkView(c, change, typed) {
  const f = c.totals.formatted;
  const rows = c.orders.flatMap((o) => [orderHead(o), ...o.items.map((i) => h("tr", { class: i.status, "data-item": i.id },
    h("td", {}, `${i.quantity} × ${i.name}`, i.modifiers.length ? h("small", {}, ` (${i.modifiers.join(", ")})`) : null,
      i.note ? h("small", { class: "note" }, ` “${i.note}”`) : null),
    h("td", {}, h("span", { class: "chip" }, i.status)), h("td", { class: "amt" }, fmt(i.amount))))]);
  const sums = [["Subtotal 小計", f.subtotal], c.totals.service_charge ? ["Service 服務費", f.service_charge] : null,
    c.totals.tax ? [c.totals.tax_included ? "incl. tax 含稅" : "Tax 稅", f.tax] : null, ["Total 合計", f.total, "total"],
    c.totals.paid ? ["Paid 已付", f.paid] : null, ["Due 應付", f.due, "total"]].filter(Boolean);
  const due = c.totals.due;
  let pay = null;
  if (due > 0) {
    const tendered = h("input", { type: "number", min: 0, step: (1 / unit).toFixed(boot.minor_unit), inputmode: "decimal",
                                  id: "tendered", "data-visit": c.visit_id, placeholder: "Cash received 收現金",
                                  onkeydown: (e) => { if (e.key === "Enter") take.click(); } });
    tendered.value = typed;
    const take = h("button", { class: "primary", id: "take-cash", onclick: () => payCash(c, tendered, take) }, "Take cash 收現金");
    const quick = [due, ...[100, 500, 1000].map((x) => x * unit).filter((x) => x > due)].slice(0, 4);
    pay = h("div", { class: "pay" }, tendered,
      h("div", { class: "quick" }, quick.map((q) => h("button", {
        onclick: () => { tendered.value = (q / unit).toFixed(boot.minor_unit); tendered.focus(); } }, fmt(q)))),
      take);
  }
  const close = h("button", { id: "close-table", disabled: due > 0, onclick: () => closeTable(c, close) }, "Close table 結枱");
  const receipt = rows.length ? printReceiptButton(c.visit_id, due > 0 ? "Print bill 列印賬單" : "Print receipt 列印收據") : null;
  return [
    h("h2", {}, `${c.table} `, h("small", {}, STATE[c.state] || c.state)),
    rows.length ? h("table", {}, h("tbody", {}, rows)) : h("p", { class: "hint" }, "No orders yet 未有訂單"),
    h("table", { class: "sums" }, h("tbody", {}, sums.map(([k, v, cls]) => h("tr", { class: `sum ${cls || ""}` },
      h("td", {}, k), h("td", { class: "amt" }, v))))),
    change, pay, h("div", { class: "pay" }, receipt, close),
  ].filter(Boolean);
}

// Each order's line on the check, with a button that prints its kitchen tickets again
// (marked REPRINT) when the kitchen says it never got them.
function orderHead(o) {
  const b = h("button", { class: "reprint-kitchen", "data-order": o.id, onclick: async () => {
    b.disabled = true;
    try {
      const r = await api("POST", `/api/kitchen/orders/${o.id}/reprint`);
      b.textContent = `Sent to ${r.printers.join(", ")} 已送出`;
    } catch (e) { alert(e.message); }
    b.disabled = false;
  } }, "Reprint kitchen 重印廚房單");
  return h("tr", { class: "order-head" }, h("td", { colspan: 3 }, `#${o.number} `, b));
}

// A copy of the check on the receipt printer, marked REPRINT (the first receipt prints by
// itself when the check is paid); the button says where it went.
function printReceiptButton(visitId, label) {
  const b = h("button", { class: "print-receipt", onclick: async () => {
    b.disabled = true;
    try {
      const r = await api("POST", `/api/pos/visits/${visitId}/receipt`);
      b.textContent = `Sent to ${r.printer} 已送出`;
    } catch (e) { alert(e.message); }
    b.disabled = false;
  } }, label);
  return b;
}

function closedView(r) {
  return [h("h2", {}, `${r.table} closed 已結帳`),
    h("div", { class: "newqr" }, h("p", {}, "New QR code for the next guests 新客人二維碼"),
      h("img", { src: `/api/pos/tables/${r.table_id}/qr.png?v=${r.next_visit_id}`, alt: `QR ${r.table}` }),
      h("p", {}, h("a", { href: r.url, target: "_blank", rel: "noopener", id: "next-link" }, "open link 開啟連結"))),
    h("div", { class: "pay" }, printReceiptButton(r.closed_visit_id, "Reprint receipt 補印收據"))];
}

async function payCash(c, input, button) {
  const minor = Math.round(Number(input.value) * unit);
  if (!(minor > 0)) { input.focus(); return; }
  button.disabled = true;
  const ticket = ++tickets;
  try {
    const r = await api("POST", `/api/pos/visits/${c.visit_id}/payments/cash`, { tendered: minor });
    if (selected !== c.table_id || pin?.closed) return;
    pin = { visitId: c.visit_id, change: r.change_formatted, tendered: fmt(r.tendered) };
    if (!current || current.ticket < ticket) current = { check: r.check, ticket };
    paint();
  } catch (e) { button.disabled = false; alert(e.message); }
}

async function closeTable(c, button) {
  button.disabled = true;
  try {
    const r = await api("POST", `/api/pos/visits/${c.visit_id}/close`);
    if (selected !== c.table_id) return;
    pin = { closed: { ...r, table: c.table } };
    paint();
  } catch (e) { button.disabled = false; alert(e.message); }
}

connectLive({
  rooms: ["pos"], seq: boot.seq,
  keyOf: (e) => (e.kind === "table" ? `t${e.data.table_id}` : `e${e.seq}`),
  onEvent: (e) => {
    if (e.kind !== "table") return;
    tables.set(e.data.table_id, e.data);
    renderFloor();
    if (e.data.table_id === selected && !pin?.closed) refresh(e.data);
  },
  onReset: async () => {
    (await api("GET", "/api/pos/tables")).forEach((t) => tables.set(t.table_id, t));
    renderFloor();
    if (selected !== null && !pin?.closed) refresh(tables.get(selected));
  },
  onStatus: (st) => { document.getElementById("conn").className = `status-dot ${st}`; },
});
document.getElementById("logout").addEventListener("click", async () => { await api("POST", "/api/staff/logout"); location.href = "/login?next=/pos"; });
renderFloor();
watchPrinters(document.getElementById("printers"));
