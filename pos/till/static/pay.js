// Paying the check: the pay box (a tender's form: cash with the change to hand back, or a
// card-like tender with its reference and a tip), the payments taken so far, and refunds.
import { api, h } from "/static/live.js";
import { clockText } from "/static/time.js";
import { boot, fmt, unit, STEP, toMinor, toMajor, CASH, TENDERS, TIPS, tenderOf } from "/static/till/boot.js";
import { state, nextTicket, isSelected, closedPinned } from "/static/till/state.js";
import { paint, refresh, keptInput, setTyped, showProblem } from "/static/till/check.js";
import { modal, actionForm, REASONS } from "/static/till/dialog.js";
import { withApproval, withBody } from "/static/till/approval.js";

export function payView(c, due) {
  const t = tenderOf(state.tender);
  const tenders = h("div", { class: "tenders", role: "group", "aria-label": "Tender 付款方式" },
    TENDERS.map((x) => h("button", { class: x.name === t.name ? "on" : "", "data-tender": x.name,
                                     "aria-pressed": String(x.name === t.name),
                                     onclick: () => { state.tender = x.name; paint(); } }, x.label)));
  return h("div", { class: "pay", id: "pay" }, tenders, ...(t.name === CASH.name ? cashForm(c, due) : otherForm(c, t, due)));
}

function cashForm(c, due) {
  const tendered = keptInput(c, { type: "number", min: 0, step: STEP, inputmode: "decimal", id: "tendered",
                                  placeholder: "Cash received 收現金",
                                  onkeydown: (e) => { if (e.key === "Enter") take.click(); } });
  const take = h("button", { class: "primary", id: "take-cash", onclick: () => payCash(c, tendered, take) }, "Take cash 收現金");
  // Cash that settles the check pays it rounded to the smallest coin (restaurant.cash_rounding).
  const cashDue = c.totals.cash_due ?? due;
  const quick = [cashDue, ...[100, 500, 1000].map((x) => x * unit).filter((x) => x > cashDue)].slice(0, 4);
  return [cashDue !== due ? h("p", { class: "cash-due", id: "cash-due" },
    `Cash due 現金應付 ${fmt(cashDue)} (rounded 調整 ${fmt(cashDue - due)})`) : null,
    tendered,
    h("div", { class: "quick" }, quick.map((q) => h("button", {
      onclick: () => { setTyped(tendered, toMajor(q)); tendered.focus(); } }, fmt(q)))),
    take];
}

function otherForm(c, t, due) {
  const enter = (e) => { if (e.key === "Enter") go.click(); };
  const amount = keptInput(c, { type: "number", min: 0, step: STEP, inputmode: "decimal", id: "pay-amount",
                                onkeydown: enter });
  amount.value = toMajor(due);
  const tip = TIPS ? keptInput(c, { type: "number", min: 0, step: STEP, inputmode: "decimal", id: "pay-tip",
                                    placeholder: "0", onkeydown: enter }) : null;
  const reference = t.reference ? keptInput(c, { type: "text", id: "pay-reference", maxlength: 64, autocomplete: "off",
                                                 placeholder: "Terminal reference 終端機參考號碼", onkeydown: enter }) : null;
  const go = h("button", { class: "primary", id: "take-payment",
                           onclick: () => payOther(c, t, { amount, tip, reference }, go) }, `Charge ${t.label} 收款`);
  const field = (label, input) => h("label", { class: "field" }, h("span", {}, label), input);
  return [field("Amount 金額", amount),
    h("div", { class: "quick" }, h("button", { class: "all-due", onclick: () => { setTyped(amount, toMajor(due)); } },
      `All due 全數 ${fmt(due)}`)),
    tip ? field("Tip 小費", tip) : null, reference ? field("Reference 參考號碼", reference) : null, go].filter(Boolean);
}

async function payCash(c, input, button) {
  const minor = toMinor(input.value);
  if (!(minor > 0)) { input.focus(); return; }
  button.disabled = true;
  const ticket = nextTicket();
  try {
    const r = await api("POST", `/api/pos/visits/${c.visit_id}/payments/cash`, { tendered: minor });
    if (!isSelected(c) || closedPinned()) return;
    state.pin = { visitId: c.visit_id, change: r.change_formatted, tendered: fmt(r.tendered) };
    state.notice = null;  // the change is what the cashier needs to see now
    paid(c, r.amount);
    if (!state.current || state.current.ticket < ticket) state.current = { check: r.check, ticket };
    paint(false);
  } catch (e) { button.disabled = false; showProblem(c, e.message); }
}

async function payOther(c, t, fields, button) {
  const amount = toMinor(fields.amount.value);
  if (!(amount > 0)) { fields.amount.focus(); return; }
  const tip = fields.tip && fields.tip.value !== "" ? toMinor(fields.tip.value) : 0;
  if (!(tip >= 0)) { fields.tip.focus(); return; }
  const reference = fields.reference ? fields.reference.value.trim() : "";
  if (t.reference && !reference) {
    showProblem(c, `${t.label}: type the terminal's reference 請輸入參考號碼`);
    fields.reference.focus();
    return;
  }
  button.disabled = true;
  const ticket = nextTicket();
  try {
    const r = await api("POST", `/api/pos/visits/${c.visit_id}/payments`,
                        { tender: t.name, amount, tip, reference: reference || null });
    if (!isSelected(c) || closedPinned()) return;
    state.pin = null;  // an earlier cash payment's change was handed back already
    state.notice = { visitId: c.visit_id,
                     text: `${t.label} ${fmt(r.amount)}${r.tip ? ` + tip 小費 ${fmt(r.tip)}` : ""} ✓ paid 已收` };
    paid(c, r.amount);
    if (!state.current || state.current.ticket < ticket) state.current = { check: r.check, ticket };
    paint(false);
  } catch (e) { button.disabled = false; showProblem(c, e.message); }
}

// After a payment: the split part it was for is paid.
function paid(c, amount) {
  const { split } = state;
  state.problem = null;
  if (split && split.visitId === c.visit_id && split.chosen !== null && split.parts[split.chosen].amount === amount) {
    split.paid.add(split.chosen);
  }
  if (split) split.chosen = null;
}

export function paymentsView(c) {
  const refunded = new Map();
  for (const p of c.payments) if (p.kind === "refund") refunded.set(p.refund_of, (refunded.get(p.refund_of) || 0) + p.amount);
  const rows = c.payments.map((p) => {
    const label = tenderOf(p.tender).label;
    const details = [p.reference ? `Ref 參考 ${p.reference}` : null, p.tip ? `Tip 小費 ${fmt(p.tip)}` : null,
      p.kind === "payment" && p.change ? `Received 收到 ${fmt(p.tendered)} · Change 找續 ${fmt(p.change)}` : null,
      timeOf(p.created_at)].filter(Boolean).join(" · ");
    if (p.kind === "refund") {
      return h("tr", { class: "refund", "data-payment": p.id },
        h("td", {}, `Refund 退款 · ${label}`, h("small", {}, details)), h("td", { class: "amt" }, fmt(-p.amount)), h("td", {}));
    }
    const left = p.amount - (refunded.get(p.id) || 0);
    return h("tr", { class: "payment", "data-payment": p.id },
      h("td", {}, label, h("small", {}, details)), h("td", { class: "amt" }, fmt(p.amount)),
      h("td", { class: "act" }, left > 0
        ? h("button", { class: "refund-payment", onclick: () => refundDialog(c, p, left) }, "Refund 退款")
        : h("small", {}, "Refunded 已退款")));
  });
  return h("div", { class: "payments", id: "payments" }, h("h3", {}, "Payments 付款"),
    h("table", {}, h("tbody", {}, rows)));
}

function timeOf(iso) {  // the restaurant's local time (a tz this browser does not know: the browser's)
  return clockText(iso, boot.tz, undefined);
}

function refundDialog(c, p, refundable) {
  const m = modal("refund-dialog", `Refund 退款 · ${tenderOf(p.tender).label} ${fmt(p.amount)}`);
  const amount = h("input", { type: "number", id: "refund-amount", min: 0, step: STEP, inputmode: "decimal",
                              value: toMajor(refundable) });
  actionForm(m, {
    heading: `Up to ${fmt(refundable)} 最多可退`, reasons: REASONS.refund, label: "Refund 退款", danger: true,
    fields: [h("label", { class: "field" }, h("span", {}, "Amount 金額"), amount)],
    submit: async (reason) => {
      const minor = toMinor(amount.value);
      if (!(minor > 0 && minor <= refundable)) throw new Error(`Refund up to ${fmt(refundable)} 最多可退 ${fmt(refundable)}`);
      await withApproval((approval) => api("POST", `/api/pos/payments/${p.id}/refund`,
                                           withBody({ amount: minor, reason }, approval)), "A refund needs a manager's approval.");
      if (isSelected(c)) refresh(state.tables.get(state.selected));  // a refund sends no table event
    },
  });
}
