// The open check in the pane: picking a table, fetching and drawing its check (in ticket
// order, see state.js), its items and adjustments, the actions on it, printing and closing.
import { api, h } from "/static/live.js";
import { openOrderEntry } from "/static/till/order_entry.js";
import { fmt, STATE, ITEM } from "/static/till/boot.js";
import { state, nextTicket, isSelected, closedPinned, selectKey } from "/static/till/state.js";
import { renderFloor, seatDialog, tablePicker } from "/static/till/floor.js";
import { payView, paymentsView } from "/static/till/pay.js";
import { splitView, splitDialog } from "/static/till/split.js";
import { itemDialog, discountDialog } from "/static/till/adjust.js";

export const pane = document.getElementById("check");

export function select(key) {
  selectKey(key);
  renderFloor();
  const t = state.tables.get(key);
  pane.replaceChildren(h("h2", {}, t.table), h("p", { class: "hint" }, "Loading… 載入中"));
  refresh(t);
}

export async function refresh(t) {
  const ticket = nextTicket();
  try {
    show(await api("GET", `/api/pos/visits/${t.visit_id}`), ticket);
  } catch (e) {
    if (isSelected(t) && !state.current && !state.pin) {
      pane.replaceChildren(h("h2", {}, t.table), h("p", { class: "error-box" }, e.message));
    }
  }
}

function show(check, ticket) {
  if (!isSelected(check) || closedPinned() || (state.current && state.current.ticket > ticket)) return; // stale
  state.current = { check, ticket };
  paint();
}

// The check an action answered with: newer than any fetch that is still on its way.
export function drew(check) {
  if (!isSelected(check) || closedPinned()) return;
  state.problem = null;
  state.current = { check, ticket: nextTicket() };
  paint();
}

// Inputs marked data-keep keep what the cashier typed (and the focus) while the check is
// drawn again, unless keep is false (a payment went through: the form starts afresh).
export function paint(keep = true) {
  const { pin } = state;
  if (pin?.closed) { pane.replaceChildren(...closedView(pin.closed)); return; }
  const c = state.current.check;
  const typed = {};
  let focused = null;
  for (const el of pane.querySelectorAll("input[data-keep]")) {
    if (el.dataset.visit !== String(c.visit_id)) continue;
    if (keep && el.dataset.edited) typed[el.id] = el.value;
    if (keep && document.activeElement === el) focused = el.id;
  }
  const change = pin && pin.visitId === c.visit_id
    ? h("div", { class: "change", id: "change", role: "status" }, h("span", { class: "label" }, "Change 找續"),
        h("strong", {}, pin.change), h("small", {}, `Received 收到 ${pin.tendered}`)) : null;
  pane.replaceChildren(...checkView(c, change));
  for (const [id, value] of Object.entries(typed)) {
    const el = pane.querySelector(`#${id}`);
    if (el) { el.value = value; el.dataset.edited = "1"; }
  }
  if (focused) pane.querySelector(`#${focused}`)?.focus();
}

export function keptInput(c, attrs) {
  return h("input", { ...attrs, "data-keep": true, "data-visit": c.visit_id,
                      oninput: (e) => { e.target.dataset.edited = "1"; } });
}

export function setTyped(input, value) {
  input.value = value;
  input.dataset.edited = "1";
}

export function showProblem(c, text) {
  state.problem = { visitId: c.visit_id, text };
  const box = pane.querySelector("#check-error");
  if (box) { box.textContent = text; box.classList.remove("hidden"); }
}

function checkView(c, change) {
  const adjustments = c.adjustments || [];
  const live = c.orders.flatMap((o) => o.items).filter((i) => i.status !== "voided");
  const rows = c.orders.flatMap((o) => [orderHead(o), ...o.items.flatMap((i) => itemRows(c, i, adjustments))]);
  const onCheck = adjustments.filter((a) => a.item_id === null || a.item_id === undefined);
  // The sums as the server presented them (pos.checks.presentation), as on the receipt: the
  // check's discounts are its adjustment rows (with the reason and the ×), after the subtotal.
  const sums = [...c.bill.sums, ...c.bill.after];
  const due = c.totals.due;
  const actions = h("div", { class: "check-actions" },
    c.open ? h("button", { id: "add-items", class: "primary", onclick: () => openOrderEntry({
      mode: c.table_id == null ? c.kind : "table", tableId: c.table_id, visitId: c.visit_id, label: c.table, fmt,
      onSent: () => refresh(state.tables.get(state.selected)) }) }, "Add items 加單") : null,
    live.length ? h("button", { id: "discount-check", onclick: () => discountDialog(c, null) }, "Discount whole check 全單折扣") : null,
    live.length ? h("button", { id: "split", onclick: () => splitDialog(c) }, "Split 分單") : null,
    c.table_id != null && c.open ? h("button", { id: "seat-party", onclick: () => seatDialog(c) },
      c.covers ? `Guests ${c.covers} 人數` : "Seat party 入座") : null,
    c.table_id != null && c.open ? h("button", { id: "move-check", onclick: () => tablePicker(c, "move") }, "Move 轉枱") : null,
    c.open ? h("button", { id: "merge-check", onclick: () => tablePicker(c, "merge") }, "Merge 併枱") : null);
  const close = h("button", { id: "close-table", disabled: due > 0, onclick: () => closeTable(c, close) }, "Close table 結枱");
  const receipt = rows.length ? printReceiptButton(c.visit_id, due > 0 ? "Print bill 列印賬單" : "Print receipt 列印收據") : null;
  const mine = (x) => (x && x.visitId === c.visit_id ? x : null);
  const { notice, split, problem } = state;
  return [
    h("h2", {}, `${c.table} `, h("small", {}, STATE[c.state] || c.state)),
    rows.length ? h("table", { class: "items" }, h("tbody", {}, rows)) : h("p", { class: "hint" }, "No orders yet 未有訂單"),
    rows.length ? h("p", { class: "hint tap-hint" }, "Tap an item to discount, comp or void it 點選菜式可折扣、招待或取消") : null,
    h("table", { class: "sums" }, h("tbody", {}, sums.slice(0, 1).map(sumRow))),
    onCheck.length ? h("table", { class: "check-adjustments", id: "check-adjustments" },
      h("tbody", {}, onCheck.map((a) => adjustmentRow(c, a)))) : null,
    h("table", { class: "sums" }, h("tbody", {}, sums.slice(1).filter((row) => row.key !== "discount").map(sumRow))),
    change,
    mine(notice) ? h("div", { class: "notice", id: "pay-notice", role: "status" }, notice.text) : null,
    actions,
    mine(split) ? splitView(c) : null,
    h("p", { class: `error-box${mine(problem) ? "" : " hidden"}`, id: "check-error", role: "alert" }, mine(problem)?.text),
    due > 0 ? payView(c, due) : null,
    c.payments?.length ? paymentsView(c) : null,
    h("div", { class: "pay" }, receipt, close),
  ].filter(Boolean);
}

const SUM_LABELS = { subtotal: "Subtotal 小計", total: "Total 合計", rounding: "Cash rounding 現金調整",
  paid: "Paid 已付", tips: "Tips 小費", due: "Due 應付" };

function sumLabel(row) {
  if (row.key === "service") return `Service 服務費 ${row.rate}%`;
  if (row.key === "tax") return `${row.included ? "incl. tax 含稅" : "Tax 稅"} ${row.rate}%`;
  return SUM_LABELS[row.key] || row.key;
}

// One line of the sums; the total and what is due stand out.
function sumRow(row) {
  const cls = row.key === "total" || row.key === "due" ? "total" : row.key;
  return h("tr", { class: `sum ${cls}`, "data-sum": row.key }, h("td", {}, sumLabel(row)),
    h("td", { class: "amt" }, row.formatted));
}

function itemRows(c, i, adjustments) {
  const voided = i.status === "voided";
  const row = h("tr", { class: `${i.status}${voided ? "" : " item"}`, "data-item": i.id, "data-status": i.status,
                        onclick: voided ? null : () => itemDialog(c, i) },
    h("td", {}, `${i.quantity} × ${i.name}`, i.modifiers.length ? h("small", {}, ` (${i.modifiers.join(", ")})`) : null,
      i.note ? h("small", { class: "note" }, ` “${i.note}”`) : null),
    h("td", {}, h("span", { class: `chip ${i.status}` }, ITEM[i.status] || i.status)), h("td", { class: "amt" }, fmt(i.amount)));
  return [row, ...adjustments.filter((a) => a.item_id === i.id).map((a) => adjustmentRow(c, a))];
}

function adjustmentLabel(a) {
  const what = a.kind === "comp" ? "Comp 招待" : a.item_id == null ? "Check discount 全單折扣" : "Discount 折扣";
  // Number(): the server may write 10 as "1E+1" (Decimal.normalize)
  return [what, a.percent ? `${Number(a.percent)}%` : null, a.reason ? `· ${a.reason}` : null].filter(Boolean).join(" ");
}

// A discount or comp in force, with a × that takes it off again (no approval: the check grows).
function adjustmentRow(c, a) {
  const remove = h("button", { class: "remove-adj", "data-adjustment": a.id, title: "Remove 移除",
                               "aria-label": `Remove ${adjustmentLabel(a)}`, onclick: async (e) => {
    e.stopPropagation();
    remove.disabled = true;
    try { drew(await api("DELETE", `/api/pos/visits/${c.visit_id}/adjustments/${a.id}`)); }
    catch (err) { remove.disabled = false; showProblem(c, err.message); }
  } }, "×");
  return h("tr", { class: `adj ${a.kind}`, "data-adjustment": a.id },
    h("td", { colspan: 2 }, h("span", { class: "adj-label" }, adjustmentLabel(a)), remove),
    h("td", { class: "amt" }, a.taken_formatted !== undefined ? fmt(-a.taken) : ""));
}

// -- printing and closing -----------------------------------------------------------------------

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
  if (r.table_id == null) {  // takeaway or counter: no next party
    return [h("h2", {}, `${r.table} closed 已結帳`),
      h("div", { class: "pay" }, printReceiptButton(r.closed_visit_id, "Reprint receipt 補印收據"))];
  }
  return [h("h2", {}, `${r.table} closed 已結帳`),
    h("div", { class: "newqr" }, h("p", {}, "New QR code for the next guests 新客人二維碼"),
      h("img", { src: `/api/pos/tables/${r.table_id}/qr.png?v=${r.next_visit_id}`, alt: `QR ${r.table}` }),
      h("p", {}, h("a", { href: r.url, target: "_blank", rel: "noopener", id: "next-link" }, "open link 開啟連結"))),
    h("div", { class: "pay" }, printReceiptButton(r.closed_visit_id, "Reprint receipt 補印收據"))];
}

async function closeTable(c, button) {
  button.disabled = true;
  try {
    const r = await api("POST", `/api/pos/visits/${c.visit_id}/close`);
    if (!isSelected(c)) return;
    state.pin = { closed: { ...r, table: c.table } };
    paint();
  } catch (e) { button.disabled = false; showProblem(c, e.message); }
}
