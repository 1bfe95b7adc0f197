// /pos/day: open the register with a float, cash in and out with a reason, the cash the
// drawer should hold, closing with the counted cash (a manager approves), and the Z report
// as tables with Print and Download CSV. Every name and reason is inserted as text (h()).
import { api, h, money } from "/static/live.js";
import { watchPrinters } from "/static/printers/printers.js";
import { boot, wireSignOut } from "/static/staff_page.js";

const fmt = (m) => money(m, boot.currency, boot.minor_unit);
const neg = (m) => fmt(m ? -m : 0); // taken off: shown negative (never "-0.00")
const unit = 10 ** boot.minor_unit;
const step = (1 / unit).toFixed(boot.minor_unit);
const regPane = document.getElementById("register");
const reportPane = document.getElementById("report");
const historyPane = document.getElementById("history");

let current = boot.current;     // the open register, or null
let registers = boot.registers; // recent sessions, newest first
let shownId = null;             // the register whose report is shown

// "12.50" -> 1250 minor units; NaN unless a plain non-negative number.
function toMinor(text) {
  const s = String(text).trim();
  if (!/^\d+(\.\d+)?$/.test(s)) return NaN;
  return Math.round(Number(s) * unit);
}

function moneyInput(id, label) {
  return h("input", { type: "number", min: 0, step, inputmode: "decimal", id, "aria-label": label, placeholder: label });
}

function errorBox(id) {
  return h("p", { class: "error-box hidden", id, role: "alert" });
}

function showError(box, e) {
  const code = e.body?.error?.code;
  box.textContent = code ? `${e.message} (${code})` : e.message;
  box.classList.remove("hidden");
}

function row(label, value, cls) {
  return h("tr", { class: cls || null }, h("td", {}, label), h("td", { class: "num" }, value));
}

// -- the register ----------------------------------------------------------------------------

function renderRegister() {
  regPane.replaceChildren(...(current ? openRegisterView(current) : closedRegisterView()));
}

function closedRegisterView() {
  const amount = moneyInput("float", "Float 備用金");
  const err = errorBox("open-error");
  const button = h("button", { class: "primary", id: "open-register", type: "submit" }, "Open the register 開機");
  const form = h("form", { class: "form", onsubmit: async (ev) => {
    ev.preventDefault();
    const minor = toMinor(amount.value);
    if (!(minor >= 0)) { amount.focus(); return; }
    button.disabled = true;
    try {
      current = await api("POST", "/api/pos/register/open", { float: minor });
      await refreshHistory();
      renderRegister();
    } catch (e) { showError(err, e); button.disabled = false; }
  } }, h("label", {}, "Float in the drawer 錢箱備用金", amount), button, err);
  return [h("h2", {}, "The register is closed 收銀機未開"), form];
}

function openRegisterView(c) {
  const f = c.formatted;
  const figures = h("table", { id: "running" }, h("tbody", {},
    row("Opening float 備用金", f.float),
    row("Cash sales 現金銷售", f.cash_sales),
    c.cash_tips ? row("Cash tips 現金小費", f.cash_tips) : null,
    c.cash_refunds ? row("Cash refunds 現金退款", neg(c.cash_refunds)) : null,
    row("Paid in 存入", f.cash_in),
    row("Paid out 取出", neg(c.cash_out)),
    row("Expected in drawer 應有現金", h("span", { class: "expected", id: "expected" }, f.expected), "strong")));
  const moves = c.movements.length ? h("table", { id: "movements" }, h("tbody", {}, c.movements.map((m) =>
    h("tr", {}, h("td", {}, m.time), h("td", {}, m.label, h("br"), h("small", { class: "hint" }, m.reason)),
      h("td", { class: "num" }, m.kind === "out" ? neg(m.amount) : m.amount_formatted))))) : null;
  return [
    h("h2", {}, `Register open 收銀機已開 · ${c.business_day}`),
    h("p", { class: "hint" }, `#${c.id} · ${c.opened_local}`
      + (c.opened_by ? ` · ${c.opened_by}` : "") + ` · ${c.payments} payments 筆付款`),
    figures,
    h("h3", {}, "Cash in and out 存入／取出"), moves, cashForm(),
    h("h3", {}, "Close the day 日結"), closeForm(c),
    h("div", { class: "actions" }, h("button", { id: "x-report", onclick: () => showReport(c.id) },
      "Report so far 目前報表")),
  ];
}

function cashForm() {
  const kind = h("select", { id: "cash-kind", "aria-label": "in or out" },
    h("option", { value: "in" }, "Paid in 存入"), h("option", { value: "out" }, "Paid out 取出"));
  const amount = moneyInput("cash-amount", "Amount 金額");
  const reason = h("input", { id: "cash-reason", maxlength: 200, placeholder: "Reason 原因", "aria-label": "reason" });
  const err = errorBox("cash-error");
  const button = h("button", { type: "submit", id: "cash-move" }, "Record 記錄");
  return h("form", { class: "form", onsubmit: async (ev) => {
    ev.preventDefault();
    const minor = toMinor(amount.value);
    if (!(minor > 0)) { amount.focus(); return; }
    if (!reason.value.trim()) { reason.focus(); return; }
    button.disabled = true;
    try {
      const r = await api("POST", "/api/pos/register/cash", { kind: kind.value, amount: minor, reason: reason.value.trim() });
      current = r.current;
      renderRegister();
    } catch (e) { showError(err, e); button.disabled = false; }
  } }, h("div", { class: "row" }, kind, amount), reason, button, err);
}

function closeForm(c) {
  const counted = moneyInput("counted", "Counted cash 點算現金");
  const err = errorBox("close-error");
  let approval = null;
  let manager = null;
  let pin = null;
  if (!boot.is_manager) {
    manager = h("select", { id: "approver", "aria-label": "manager" },
      boot.managers.map((m) => h("option", { value: m.id }, m.name)));
    pin = h("input", { id: "approver-pin", type: "password", inputmode: "numeric", autocomplete: "off",
                       maxlength: 8, placeholder: "Manager's PIN 經理密碼", "aria-label": "manager's PIN" });
    approval = h("div", { class: "row" }, manager, pin);
  }
  const button = h("button", { class: "primary", type: "submit", id: "close-register" }, "Close the day 日結");
  return h("form", { class: "form", onsubmit: async (ev) => {
    ev.preventDefault();
    const minor = toMinor(counted.value);
    if (!(minor >= 0)) { counted.focus(); return; }
    const body = { counted: minor };
    if (manager) {
      if (!/^\d{4,8}$/.test(pin.value)) { pin.focus(); return; }
      body.approval = { manager_id: Number(manager.value), pin: pin.value };
    }
    button.disabled = true;
    try {
      const r = await api("POST", "/api/pos/register/close", body);
      current = null;
      renderRegister();
      await refreshHistory();
      shownId = r.session.id;
      renderReport(r.report);
      renderHistory();
    } catch (e) {
      if (pin) pin.value = "";
      showError(err, e);
      button.disabled = false;
    }
  } }, h("label", {}, `Counted cash 點算現金 (expected ${c.formatted.expected})`, counted), approval, button, err);
}

// -- the Z report --------------------------------------------------------------------------------

function table(id, head, rows) {
  if (!rows.length) return h("p", { class: "hint" }, "None 沒有");
  return h("table", { id }, h("thead", {}, h("tr", {}, head.map((x, i) => h("th", { class: i ? "num" : null }, x)))),
    h("tbody", {}, rows.map((cells) => h("tr", {}, cells.map((x, i) => h("td", { class: i ? "num" : null }, x))))));
}

function renderReport(z) {
  const f = z.formatted;
  const cash = z.cash;
  const cf = cash.formatted;
  const closed = z.status === "closed";
  const diff = cash.difference;
  const title = closed ? `Z report 日結報表 · ${z.business_day}` : `Report so far 目前報表 · ${z.business_day}`;
  const who = [`#${z.register_id}`, `opened 開 ${z.opened_local}${z.opened_by ? ` (${z.opened_by})` : ""}`,
    closed ? `closed 結 ${z.closed_local}${z.closed_by ? ` (${z.closed_by})` : ""}` : "still open 未結",
    z.approved_by ? `approved by ${z.approved_by}` : null].filter(Boolean).join(" · ");
  const actions = h("div", { class: "actions" },
    closed ? printButton(z.register_id) : null,
    h("a", { class: "button", id: "download-csv", href: `/api/pos/registers/${z.register_id}/report.csv`, download: "" },
      "Download CSV 下載"),
    h("button", { id: "print-page", onclick: () => window.print() }, "Print this page 列印此頁"));
  reportPane.replaceChildren(
    h("h2", {}, title), h("p", { class: "hint" }, who), actions,
    h("h3", {}, "Sales 銷售"),
    h("table", { id: "sales" }, h("tbody", {},
      row("Gross sales 總銷售", f.gross), row("Discounts 折扣", neg(z.sales.discounts)), row("Comps 招待", neg(z.sales.comps)),
      row("Net sales 淨銷售", f.net, "strong"), row(z.service.label, f.service_charge),
      ...z.taxes.map((t) => row(t.label, t.amount_formatted)),
      row("Total 合計", f.total, "strong"), row("Tips 小費", f.tips),
      row("Payments taken 收款", f.payments),
      z.sales.rounding ? row("Cash rounding 現金找續調整", f.rounding) : null,
      row("Refunds 退款", neg(z.sales.refunds)))),
    h("h3", {}, "Guests 客人"),
    h("table", { id: "guests" }, h("tbody", {},
      row("Checks 單數", String(z.checks)), z.open_checks ? row("Still open 未結單", String(z.open_checks), "warn") : null,
      row("Covers 人數", String(z.covers)),
      row("Average check 平均每單", f.average_check))),
    (z.open_check_list || []).length ? table("open-checks", ["Still open 未結單", "Total", "Paid 已付", "Due 未付"],
      z.open_check_list.map((c) => [c.label, c.formatted.total, c.formatted.paid, c.formatted.due])) : null,
    (z.open_check_list || []).length ? h("p", { class: "hint" },
      "Open checks count in the report of the day they are closed in 未結單計入結單當日的報表") : null,
    h("p", { class: "hint" }, z.covers_note, " ", z.counting),
    h("h3", {}, "By category 按類別"),
    table("by-category", ["", "Qty", "Net"], z.sales_by_category.map((c) => [c.name, String(c.qty), c.amount_formatted])),
    h("h3", {}, "By dish 按菜式"),
    table("by-dish", ["", "Qty", "Net"], z.sales_by_dish.map((d) => [d.name, String(d.qty), d.amount_formatted])),
    h("h3", {}, "By tender 按付款方式"),
    table("by-tender", ["", "Count", "Amount", "Tips", "Refunds", "Net"], z.tenders.map((t) => [
      t.label, String(t.count), t.formatted.amount, t.formatted.tips, t.formatted.refunds, t.formatted.net])),
    h("h3", {}, "Adjustments 調整"),
    table("adjustments", ["", "Count", "Amount"], [["Discounts 折扣", z.discounts], ["Comps 招待", z.comps],
      ["Voids 取消", z.voids], ["Refunds 退款", z.refunds]].map(([label, x]) => [label, String(x.count), x.amount_formatted])),
    h("h3", {}, "Cash drawer 錢箱"),
    h("table", { id: "cash" }, h("tbody", {},
      row("Opening float 備用金", cf.float), row("Cash sales 現金銷售", cf.cash_sales), row("Cash tips 現金小費", cf.cash_tips),
      row("Cash refunds 現金退款", neg(cash.cash_refunds)), row("Paid in 存入", cf.cash_in),
      row("Paid out 取出", neg(cash.cash_out)), row("Expected 應有", cf.expected, "strong"),
      cash.counted !== null ? row("Counted 點算", cf.counted) : null,
      diff !== null ? row("Difference 差額", cf.difference, `strong ${diff < 0 ? "short" : diff > 0 ? "over" : ""}`) : null)),
    h("h3", {}, "Cash movements 存入／取出"),
    table("cash-movements", ["", "Amount"], z.cash_movements.map((m) => [
      `${m.time} ${m.label}: ${m.reason}${m.staff ? ` (${m.staff})` : ""}`,
      m.kind === "out" ? neg(m.amount) : m.amount_formatted])));
}

// The Z report again on the receipt printer (marked REPRINT); the button says where it went.
function printButton(registerId) {
  const b = h("button", { id: "print-report", onclick: async () => {
    b.disabled = true;
    try {
      const r = await api("POST", `/api/pos/registers/${registerId}/print`);
      b.textContent = `Sent to ${r.printer} 已送出`;
    } catch (e) { alert(e.message); }
    b.disabled = false;
  } }, "Print on the receipt printer 列印");
  return b;
}

async function showReport(registerId) {
  shownId = registerId;
  renderHistory();
  reportPane.replaceChildren(h("p", { class: "hint" }, "Loading… 載入中"));
  try {
    const z = await api("GET", `/api/pos/registers/${registerId}/report`);
    if (shownId === registerId) renderReport(z);
  } catch (e) {
    if (shownId === registerId) reportPane.replaceChildren(h("p", { class: "error-box" }, e.message));
  }
}

// -- recent days -------------------------------------------------------------------------------

async function refreshHistory() {
  try { registers = await api("GET", "/api/pos/registers"); } catch { /* keep the list we have */ }
  renderHistory();
}

function renderHistory() {
  historyPane.replaceChildren(h("h2", {}, "Recent days 最近"), registers.length
    ? h("ul", { class: "history" }, registers.map((r) => h("li", {}, h("button", {
        class: r.id === shownId ? "selected" : null, "data-register": r.id, onclick: () => showReport(r.id) },
      `${r.business_day} #${r.id} `,
      h("small", { class: r.open ? "status-ok" : "hint" },
        r.open ? "open 營業中" : `difference 差額 ${r.formatted.difference ?? "–"}`)))))
    : h("p", { class: "hint" }, "No day yet 未有記錄"));
}

wireSignOut("/pos/day");
renderRegister();
renderHistory();
watchPrinters(document.getElementById("printers"));
