import { connectLive, api, h, money } from "/static/live.js";
import { watchPrinters } from "/static/printers/printers.js";
import { openOrderEntry } from "/static/till/order_entry.js";
import { watchRequests } from "/static/till/requests.js";

const boot = JSON.parse(document.getElementById("boot").textContent);
const fmt = (m) => money(m, boot.currency, boot.minor_unit);
const unit = 10 ** boot.minor_unit;
const STEP = (1 / unit).toFixed(boot.minor_unit);
const toMinor = (typed) => Math.round(Number(typed) * unit);
const toMajor = (minor) => (minor / unit).toFixed(boot.minor_unit);
// Tiles by key: a table's id, or "v<visit id>" for an open takeaway or counter check.
const keyOf = (x) => x.table_id ?? `v${x.visit_id}`;
const tables = new Map([...boot.tables, ...(boot.checks || [])].map((t) => [keyOf(t), t]));
const pane = document.getElementById("check");
const STATE = { free: "Free 空枱", seated: "Seated 已入座", ordering: "Ordering 已落單", waiting: "Waiting long 等候過久",
                eating: "Eating 用餐中", bill: "Bill asked 要埋單", paid: "Paid 已付款" };
const ITEM = { queued: "Queued 排隊中", cooking: "Cooking 烹調中", ready: "Ready 已完成", served: "Served 已上菜",
               voided: "Voided 已取消" };

// Ways to pay: cash is built in; the others are the restaurant's (pos.tenders), each maybe
// with the card terminal's reference to type; tips on the non-cash ones when pos.tips.
const CASH = { name: "cash", label: "Cash 現金", reference: false };
const TENDERS = [CASH, ...(Array.isArray(boot.tenders) ? boot.tenders
                           : [{ name: "card", label: "Card 信用卡", reference: true }])];
const TIPS = boot.tips !== false;
// A manager signed in at the terminal approves by themselves (the server checks the role).
const SIGNED_IN_MANAGER = ["manager", "admin"].includes(document.getElementById("who")?.dataset.role);
const tenderOf = (name) => TENDERS.find((t) => t.name === name) || { name, label: name, reference: false };

const REASONS = {
  discount: ["Regular guest 熟客", "Staff meal 員工餐", "Birthday 生日", "Promotion 推廣優惠", "Complaint 投訴"],
  comp: ["Complaint 投訴", "Long wait 等候太耐", "Wrong dish 上錯菜", "On the house 店長招待"],
  void: ["Ordered by mistake 落錯單", "Guest changed mind 客人改變主意", "Sold out 沽清", "Long wait 等候太耐"],
  refund: ["Overcharged 收多咗錢", "Complaint 投訴", "Wrong tender 付款方式錯誤", "Paid twice 重複付款"],
  price: ["Staff meal 員工餐", "Wrong price on menu 餐牌價錢錯", "Special request 特別要求", "Manager's call 經理決定"],
};
// What the manager approval dialog says for the errors of a typed approval.
const APPROVAL_ERRORS = {
  wrong_pin: () => "Wrong PIN 密碼錯誤",
  not_a_manager: (e) => `${e.message} 此職員不是經理`,
  locked_out: () => "Too many wrong PINs: try again in a few minutes 密碼錯誤太多次，請稍後再試",
  unknown_user: () => "No such staff member 沒有此職員",
};

// The check pane. The socket's "table" event of the cashier's own payment or closing
// usually arrives before the HTTP answer, and fetches can come back out of order, so:
// - every fetch and every action takes a ticket (an increasing number); a check is drawn
//   only while its table is selected and only if no newer ticket has been drawn;
// - the outcome of the cashier's action (the change to hand back, the closed table's new
//   QR code) is pinned: later refreshes keep it, until the cashier picks a table.
let selected = null; // the selected tile's key (keyOf)
let arranging = null; // a manager arranging the floor: { pick: table key or null }
let current = null;  // { check, ticket } drawn in the pane
let pin = null;      // { visitId, change } after taking cash; { closed } after closing the table
let tickets = 0;
// What the cashier is doing on the selected table; all reset when another table is picked.
let tender = CASH.name; // the tender whose form the pay box shows
let split = null;       // { visitId, title, parts: [{label, amount, amount_formatted}], chosen, paid: Set }
let notice = null;      // { visitId, text }: the last non-cash payment taken
let problem = null;     // { visitId, text }: why the last action on the check failed

// The floor plan: tables placed by a manager stand at their grid cells (x, y); tables not
// placed yet follow in a row after them. Open takeaway and counter checks sit above.
const GRID_W = 8;
function renderFloor() {
  const placed = [...tables.values()].filter((t) => t.table_id != null);
  const free = new Set(placed.filter((t) => t.x == null).map((t) => t.table_id));
  let next = 0;
  const maxY = Math.max(-1, ...placed.filter((t) => t.x != null).map((t) => t.y));
  const cell = (t) => {
    if (t.x != null) return [t.x, t.y];
    const i = next++;
    return [i % GRID_W, maxY + 1 + Math.floor(i / GRID_W)];
  };
  const tiles = placed.map((t) => {
    const [x, y] = cell(t);
    return h("button", { class: `tile ${t.state}${keyOf(t) === selected ? " selected" : ""}${t.shape === "round" ? " round" : ""}${arranging?.pick === t.table_id ? " picked" : ""}`,
                         "data-table": t.table_id, "data-state": t.state, style: `grid-column:${x + 1};grid-row:${y + 1}`,
                         onclick: () => (arranging ? arrangePick(t) : select(keyOf(t))) },
      h("span", { class: "name" }, t.table, t.late ? h("span", { class: "late-badge" }, "LATE 遲") : null),
      h("span", { class: "state" }, STATE[t.state] || t.state, t.requests ? h("span", { class: "req-badge" }, ` 🔔${t.requests}`) : null),
      h("span", {}, t.items ? `${t.items} · ${t.total_formatted}` : t.covers ? `${t.covers} / ${t.seats} guests` : `${t.seats} seats`));
  });
  const cells = arranging ? Array.from({ length: GRID_W * (maxY + 3 + Math.ceil(free.size / GRID_W)) }, (_, i) =>
    h("button", { class: "cell", "data-cell": `${i % GRID_W},${Math.floor(i / GRID_W)}`,
                  style: `grid-column:${(i % GRID_W) + 1};grid-row:${Math.floor(i / GRID_W) + 1}`,
                  onclick: () => arrangeDrop(i % GRID_W, Math.floor(i / GRID_W)) })) : [];
  const checks = [...tables.values()].filter((t) => t.table_id == null && t.open !== false);
  document.getElementById("open-checks").replaceChildren(
    h("button", { class: "new-order", id: "new-takeaway", onclick: () => newOrder("takeaway") }, "+ Takeaway 外賣"),
    h("button", { class: "new-order", id: "new-counter", onclick: () => newOrder("counter") }, "+ Counter 櫃台"),
    ...checks.map((t) => h("button", { class: `tile check-tile ${t.state}${keyOf(t) === selected ? " selected" : ""}`,
                                       "data-visit": t.visit_id, "data-state": t.state, onclick: () => select(keyOf(t)) },
      h("span", { class: "name" }, t.table), h("span", {}, `${t.items} · ${t.total_formatted}`))));
  const floor = document.getElementById("floor");
  floor.classList.toggle("arranging", !!arranging);
  floor.replaceChildren(...cells, ...tiles);
}

function newOrder(mode) {
  openOrderEntry({ mode, fmt, onSent: (order) => { select(`v${order.visit_id}`); } });
}

// A manager arranges the floor: tap a table, then the cell it goes to (saved at once).
function arrangePick(t) { arranging.pick = t.table_id; renderFloor(); }
async function arrangeDrop(x, y) {
  if (!arranging?.pick) return;
  try {
    (await api("PUT", "/api/pos/floor", { tables: [{ table_id: arranging.pick, x, y }] })).forEach((t) => tables.set(keyOf(t), t));
  } catch (e) { alert(e.message); }
  arranging.pick = null;
  renderFloor();
}
document.getElementById("arrange")?.addEventListener("click", (e) => {
  arranging = arranging ? null : { pick: null };
  e.currentTarget.classList.toggle("on", !!arranging);
  renderFloor();
});

function select(key) {
  selected = key;
  pin = null;
  current = null;
  tender = CASH.name;
  split = notice = problem = null;
  renderFloor();
  const t = tables.get(key);
  pane.replaceChildren(h("h2", {}, t.table), h("p", { class: "hint" }, "Loading… 載入中"));
  refresh(t);
}

async function refresh(t) {
  const ticket = ++tickets;
  try {
    show(await api("GET", `/api/pos/visits/${t.visit_id}`), ticket);
  } catch (e) {
    if (selected === keyOf(t) && !current && !pin) {
      pane.replaceChildren(h("h2", {}, t.table), h("p", { class: "error-box" }, e.message));
    }
  }
}

function show(check, ticket) {
  if (keyOf(check) !== selected || pin?.closed || (current && current.ticket > ticket)) return; // stale
  current = { check, ticket };
  paint();
}

// The check an action answered with: newer than any fetch that is still on its way.
function drew(check) {
  if (keyOf(check) !== selected || pin?.closed) return;
  problem = null;
  current = { check, ticket: ++tickets };
  paint();
}

// Inputs marked data-keep keep what the cashier typed (and the focus) while the check is
// drawn again, unless keep is false (a payment went through: the form starts afresh).
function paint(keep = true) {
  if (pin?.closed) { pane.replaceChildren(...closedView(pin.closed)); return; }
  const c = current.check;
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

function keptInput(c, attrs) {
  return h("input", { ...attrs, "data-keep": true, "data-visit": c.visit_id,
                      oninput: (e) => { e.target.dataset.edited = "1"; } });
}

function setTyped(input, value) {
  input.value = value;
  input.dataset.edited = "1";
}

function showProblem(c, text) {
  problem = { visitId: c.visit_id, text };
  const box = pane.querySelector("#check-error");
  if (box) { box.textContent = text; box.classList.remove("hidden"); }
}

function checkView(c, change) {
  const f = c.totals.formatted;
  const adjustments = c.adjustments || [];
  const live = c.orders.flatMap((o) => o.items).filter((i) => i.status !== "voided");
  const rows = c.orders.flatMap((o) => [orderHead(o), ...o.items.flatMap((i) => itemRows(c, i, adjustments))]);
  const onCheck = adjustments.filter((a) => a.item_id === null || a.item_id === undefined);
  const sums = [["Subtotal 小計", f.subtotal],
    c.totals.discounts ? ["Discounts 折扣", fmt(-c.totals.discounts), "discounts"] : null,
    c.totals.comps ? ["Comps 招待", fmt(-c.totals.comps), "comps"] : null,
    c.totals.service_charge ? ["Service 服務費", f.service_charge] : null,
    c.totals.tax ? [c.totals.tax_included ? "incl. tax 含稅" : "Tax 稅", f.tax] : null, ["Total 合計", f.total, "total"],
    c.totals.paid ? ["Paid 已付", f.paid] : null, c.totals.tips ? ["Tips 小費", f.tips, "tips"] : null,
    ["Due 應付", f.due, "total"]].filter(Boolean);
  const due = c.totals.due;
  const actions = h("div", { class: "check-actions" },
    c.open ? h("button", { id: "add-items", class: "primary", onclick: () => openOrderEntry({
      mode: c.table_id == null ? c.kind : "table", tableId: c.table_id, visitId: c.visit_id, label: c.table, fmt,
      onSent: () => refresh(tables.get(selected)) }) }, "Add items 加單") : null,
    live.length ? h("button", { id: "discount-check", onclick: () => discountDialog(c, null) }, "Discount whole check 全單折扣") : null,
    live.length ? h("button", { id: "split", onclick: () => splitDialog(c) }, "Split 分單") : null,
    c.table_id != null && c.open ? h("button", { id: "seat-party", onclick: () => seatDialog(c) },
      c.covers ? `Guests ${c.covers} 人數` : "Seat party 入座") : null,
    c.table_id != null && c.open ? h("button", { id: "move-check", onclick: () => tablePicker(c, "move") }, "Move 轉枱") : null,
    c.open ? h("button", { id: "merge-check", onclick: () => tablePicker(c, "merge") }, "Merge 併枱") : null);
  const close = h("button", { id: "close-table", disabled: due > 0, onclick: () => closeTable(c, close) }, "Close table 結枱");
  const receipt = rows.length ? printReceiptButton(c.visit_id, due > 0 ? "Print bill 列印賬單" : "Print receipt 列印收據") : null;
  const mine = (x) => (x && x.visitId === c.visit_id ? x : null);
  return [
    h("h2", {}, `${c.table} `, h("small", {}, STATE[c.state] || c.state)),
    rows.length ? h("table", { class: "items" }, h("tbody", {}, rows)) : h("p", { class: "hint" }, "No orders yet 未有訂單"),
    rows.length ? h("p", { class: "hint tap-hint" }, "Tap an item to discount, comp or void it 點選菜式可折扣、招待或取消") : null,
    onCheck.length ? h("table", { class: "check-adjustments", id: "check-adjustments" },
      h("tbody", {}, onCheck.map((a) => adjustmentRow(c, a)))) : null,
    h("table", { class: "sums" }, h("tbody", {}, sums.map(([k, v, cls]) => h("tr", { class: `sum ${cls || ""}` },
      h("td", {}, k), h("td", { class: "amt" }, v))))),
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

// -- paying ------------------------------------------------------------------------------------

function payView(c, due) {
  const t = tenderOf(tender);
  const tenders = h("div", { class: "tenders", role: "group", "aria-label": "Tender 付款方式" },
    TENDERS.map((x) => h("button", { class: x.name === t.name ? "on" : "", "data-tender": x.name,
                                     "aria-pressed": String(x.name === t.name),
                                     onclick: () => { tender = x.name; paint(); } }, x.label)));
  return h("div", { class: "pay", id: "pay" }, tenders, ...(t.name === CASH.name ? cashForm(c, due) : otherForm(c, t, due)));
}

function cashForm(c, due) {
  const tendered = keptInput(c, { type: "number", min: 0, step: STEP, inputmode: "decimal", id: "tendered",
                                  placeholder: "Cash received 收現金",
                                  onkeydown: (e) => { if (e.key === "Enter") take.click(); } });
  const take = h("button", { class: "primary", id: "take-cash", onclick: () => payCash(c, tendered, take) }, "Take cash 收現金");
  const quick = [due, ...[100, 500, 1000].map((x) => x * unit).filter((x) => x > due)].slice(0, 4);
  return [tendered,
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
  const ticket = ++tickets;
  try {
    const r = await api("POST", `/api/pos/visits/${c.visit_id}/payments/cash`, { tendered: minor });
    if (selected !== keyOf(c) || pin?.closed) return;
    pin = { visitId: c.visit_id, change: r.change_formatted, tendered: fmt(r.tendered) };
    notice = null;  // the change is what the cashier needs to see now
    paid(c, r.amount);
    if (!current || current.ticket < ticket) current = { check: r.check, ticket };
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
  const ticket = ++tickets;
  try {
    const r = await api("POST", `/api/pos/visits/${c.visit_id}/payments`,
                        { tender: t.name, amount, tip, reference: reference || null });
    if (selected !== keyOf(c) || pin?.closed) return;
    pin = null;  // an earlier cash payment's change was handed back already
    notice = { visitId: c.visit_id,
               text: `${t.label} ${fmt(r.amount)}${r.tip ? ` + tip 小費 ${fmt(r.tip)}` : ""} ✓ paid 已收` };
    paid(c, r.amount);
    if (!current || current.ticket < ticket) current = { check: r.check, ticket };
    paint(false);
  } catch (e) { button.disabled = false; showProblem(c, e.message); }
}

// After a payment: the split part it was for is paid.
function paid(c, amount) {
  problem = null;
  if (split && split.visitId === c.visit_id && split.chosen !== null && split.parts[split.chosen].amount === amount) {
    split.paid.add(split.chosen);
  }
  if (split) split.chosen = null;
}

function paymentsView(c) {
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

const clock = (() => {  // the restaurant's local time (a tz this browser does not know: the browser's)
  const opts = { hour: "2-digit", minute: "2-digit", hour12: false };
  try { return new Intl.DateTimeFormat(undefined, { ...opts, timeZone: boot.tz || undefined }); }
  catch { return new Intl.DateTimeFormat(undefined, opts); }
})();
function timeOf(iso) {
  try { return clock.format(new Date(iso)); } catch { return ""; }
}

// -- splitting ---------------------------------------------------------------------------------

function partLabel(label) {
  let m;
  if ((m = /^(\d+) of (\d+)$/.exec(label))) return `${m[1]} / ${m[2]}`;
  if ((m = /^Seat (\d+)$/.exec(label))) return `Seat ${m[1]} 座位 ${m[1]}`;
  if ((m = /^Guest (\d+)$/.exec(label))) return `Guest ${m[1]} 客人 ${m[1]}`;
  if (label === "Table") return "Table 全枱";
  return label;
}

// The parts of a split: tapping one puts its amount in the pay box of the chosen tender.
function splitView(c) {
  return h("div", { class: "split-parts", id: "split-parts" },
    h("div", { class: "split-head" }, h("strong", {}, split.title),
      h("button", { class: "icon", id: "split-clear", title: "Clear split 取消分單", "aria-label": "Clear split 取消分單",
                    onclick: () => { split = null; paint(); } }, "×")),
    h("div", { class: "parts" }, split.parts.map((p, i) => h("button", {
      class: `split-part${split.chosen === i ? " on" : ""}${split.paid.has(i) ? " paid" : ""}`, "data-part": i,
      disabled: split.paid.has(i) || c.totals.due <= 0, onclick: () => usePart(i) },
      h("span", { class: "part-label" }, partLabel(p.label)), h("strong", {}, p.amount_formatted),
      split.paid.has(i) ? h("small", {}, "Paid 已付") : null))));
}

function usePart(i) {
  split.chosen = i;
  const input = pane.querySelector(tender === CASH.name ? "#tendered" : "#pay-amount");
  if (input) { setTyped(input, toMajor(split.parts[i].amount)); input.focus(); }
  paint();
}

function splitDialog(c) {
  const m = modal("split-dialog", "Split the check 分單");
  const items = c.orders.flatMap((o) => o.items).filter((i) => i.status !== "voided");
  const owner = new Map(items.map((i) => [i.id, 1]));
  let mode = "equal";
  let n = 2;
  const draw = () => {
    m.clear();
    const tabs = h("div", { class: "segmented" }, [["equal", "Equal 平分"], ["seats", "By seats 按座位"], ["items", "By items 按菜式"]]
      .map(([k, label]) => h("button", { "data-split": k, class: mode === k ? "on" : "", "aria-pressed": String(mode === k),
                                         onclick: () => { mode = k; draw(); } }, label)));
    const guests = (max) => h("div", { class: "stepper" }, h("span", {}, "Guests 人數"),
      h("button", { id: "split-minus", "aria-label": "fewer", disabled: n <= 2, onclick: () => { n -= 1; draw(); } }, "−"),
      h("output", { id: "split-n" }, String(n)),
      h("button", { id: "split-plus", "aria-label": "more", disabled: n >= max, onclick: () => { n += 1; draw(); } }, "+"));
    const go = h("button", { class: "primary", id: "split-go", onclick: async () => {
      go.disabled = true;
      try {
        let r, title;
        if (mode === "equal") {
          r = await api("GET", `/api/pos/visits/${c.visit_id}/split?by=equal&n=${n}`);
          title = `Split equally ÷ ${n} 平分`;
        } else if (mode === "seats") {
          r = await api("GET", `/api/pos/visits/${c.visit_id}/split?by=seats`);
          title = "Split by seats 按座位";
        } else {
          const groups = Array.from({ length: n }, (_, g) => items.filter((i) => owner.get(i.id) === g + 1).map((i) => i.id));
          r = await api("POST", `/api/pos/visits/${c.visit_id}/split`, { groups });
          title = "Split by items 按菜式";
        }
        if (selected === keyOf(c)) { split = { visitId: c.visit_id, title, parts: r.parts, chosen: null, paid: new Set() }; paint(); }
        m.d.close();
      } catch (e) { go.disabled = false; m.fail(e.message); }
    } }, "Split 分單");
    let body;
    if (mode === "equal") {
      body = [guests(20), h("div", { class: "quick" }, [2, 3, 4, 5, 6].map((k) =>
        h("button", { "data-n": k, class: k === n ? "on" : "", onclick: () => { n = k; draw(); } }, String(k)))),
        h("p", { class: "hint" }, "Equal parts of what is still due 平分未付金額")];
    } else if (mode === "seats") {
      body = [h("p", { class: "hint" }, "Each seat pays for its items; shared items are split 每位付自己的菜式，共享菜式平分")];
    } else {
      n = Math.min(n, 8);
      for (const [id, g] of owner) if (g > n) owner.set(id, n);
      const guestButtons = (i) => Array.from({ length: n }, (_, g) => h("button", {
        class: `assign${owner.get(i.id) === g + 1 ? " on" : ""}`, "data-guest": g + 1,
        "aria-pressed": String(owner.get(i.id) === g + 1), onclick: () => { owner.set(i.id, g + 1); draw(); } },
        String(g + 1)));
      const itemRow = (i) => h("tr", { class: "split-item", "data-item": i.id },
        h("td", {}, `${i.quantity} × ${i.name}`, h("small", {}, fmt(i.amount))),
        h("td", { class: "guests" }, guestButtons(i)));
      body = [guests(8), h("p", { class: "hint" }, "Tap the guest who had each item 點選每道菜的客人"),
        h("table", { class: "assign-items" }, h("tbody", {}, items.map(itemRow)))];
    }
    m.body.replaceChildren(tabs, ...body, go);
  };
  draw();
}

// -- discounts, comps and voids -----------------------------------------------------------------

// A dialog over the terminal (a native modal <dialog>): { d, body, fail(message), clear() }.
function modal(id, title) {
  document.getElementById(id)?.remove();
  const body = h("div", { class: "dialog-body" });
  const err = h("p", { class: "error-box hidden", id: `${id}-error`, role: "alert" });
  const d = h("dialog", { id, class: "pos-dialog", "aria-label": title },
    h("header", {}, h("h2", {}, title),
      h("button", { class: "icon close", "aria-label": "Close 關閉", onclick: () => d.close() }, "×")), body, err);
  d.addEventListener("close", () => d.remove());
  document.body.append(d);
  d.showModal();
  return { d, body, fail: (message) => { err.textContent = message; err.classList.remove("hidden"); },
           clear: () => { err.textContent = ""; err.classList.add("hidden"); } };
}

function itemDialog(c, i) {
  const m = modal("item-dialog", `${i.quantity} × ${i.name}`);
  const comped = (c.adjustments || []).some((a) => a.item_id === i.id && a.kind === "comp");
  const url = `/api/pos/visits/${c.visit_id}/adjustments`;
  const menu = () => {
    m.clear();
    m.body.replaceChildren(
      h("p", { class: "item-sum" }, h("strong", {}, fmt(i.amount)), ` · ${ITEM[i.status] || i.status}`),
      h("div", { class: "action-menu" },
        h("button", { id: "act-discount", disabled: comped, onclick: () => discountForm(m, c, i, menu) }, "Discount 折扣"),
        h("button", { id: "act-comp", disabled: comped, onclick: () => actionForm(m, {
          heading: "Comp: the item is free 招待：此菜免費", reasons: REASONS.comp, label: "Comp 招待", back: menu,
          submit: async (reason) => drew(await withApproval((approval) => api("POST", url,
            withBody({ kind: "comp", item_id: i.id, reason }, approval)), "A comp needs a manager's approval.")) }) },
          "Comp 招待"),
        h("button", { id: "act-price", disabled: comped, onclick: () => {
          const price = h("input", { type: "number", id: "price-value", min: 0, step: STEP, inputmode: "decimal",
                                     value: toMajor(i.unit_price) });
          actionForm(m, {
            heading: "Price change: each at 改價：每份", reasons: REASONS.price, label: "Change price 改價", back: menu,
            fields: [h("label", { class: "field" }, h("span", {}, "Unit price 單價"), price)],
            submit: async (reason) => {
              const minor = toMinor(price.value);
              if (!(minor >= 0)) throw new Error("Type the new price 請輸入新價錢");
              drew(await withApproval((approval) => api("POST", `/api/pos/items/${i.id}/price`,
                withBody({ unit_price: minor, reason }, approval)), "A price change needs a manager's approval."));
            } });
        } }, "Price 改價"),
        h("button", { id: "act-void", class: "danger", disabled: i.status === "served", onclick: () => actionForm(m, {
          heading: "Void: off the check, the kitchen is told 取消：從賬單移除並通知廚房", reasons: REASONS.void,
          label: "Void 取消", danger: true, back: menu,
          submit: async (reason) => drew(await withApproval((approval) => api("POST", `/api/pos/items/${i.id}/void`,
            withBody({ reason }, approval)), "A void needs a manager's approval.")) }) }, "Void 取消")),
      comped ? h("p", { class: "hint" }, "Comped: remove the comp first 已招待：請先移除招待") : null,
      i.status === "served" ? h("p", { class: "hint" }, "Served: comp it instead of voiding 已上菜：請改用招待") : null);
  };
  menu();
}

function discountDialog(c, item) {
  discountForm(modal("discount-dialog", "Discount whole check 全單折扣"), c, item, null);
}

function discountForm(m, c, item, back) {
  let mode = "percent";
  const value = h("input", { type: "number", id: "discount-value", min: 0, inputmode: "decimal", autocomplete: "off" });
  const modes = h("div", { class: "segmented" });
  const quick = h("div", { class: "quick" });
  const draw = () => {
    modes.replaceChildren(...[["percent", "Percent 百分比 %"], ["amount", "Amount 金額 $"]].map(([k, label]) =>
      h("button", { "data-mode": k, class: mode === k ? "on" : "", "aria-pressed": String(mode === k),
                    onclick: () => { mode = k; value.value = ""; draw(); value.focus(); } }, label)));
    quick.replaceChildren(...(mode === "percent" ? [5, 10, 15, 20, 50, 100] : []).map((q) =>
      h("button", { class: "quick-value", "data-value": q, onclick: () => { value.value = String(q); } }, `${q}%`)));
    value.step = mode === "percent" ? "0.01" : STEP;
    value.max = mode === "percent" ? "100" : "";
    value.placeholder = mode === "percent" ? "Percent 百分比" : "Amount 金額";
  };
  draw();
  actionForm(m, {
    heading: item ? `Discount 折扣 · ${item.quantity} × ${item.name}` : "Discount on everything 全單折扣",
    fields: [modes, value, quick, h("p", { class: "hint" }, "Big discounts need a manager's PIN 大額折扣需經理批准")],
    reasons: REASONS.discount, label: "Apply discount 確認折扣", back,
    submit: async (reason) => {
      const body = { kind: "discount", item_id: item ? item.id : null, reason };
      const v = Number(value.value);
      if (mode === "percent") {
        if (!(value.value !== "" && v > 0 && v <= 100)) throw new Error("A percent from 0 to 100 百分比須在 0 至 100 之間");
        body.percent = String(Math.round(v * 100) / 100);
      } else {
        body.amount = toMinor(value.value);
        if (!(body.amount > 0)) throw new Error("Type an amount 請輸入金額");
      }
      drew(await withApproval((approval) => api("POST", `/api/pos/visits/${c.visit_id}/adjustments`,
                                                withBody(body, approval))));
    },
  });
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
      if (selected === keyOf(c)) refresh(tables.get(selected));  // a refund sends no table event
    },
  });
}

const withBody = (body, approval) => (approval ? { ...body, approval } : body);

// A form in a dialog: its fields, a reason (typed or a quick one) and a button that runs
// submit(reason); an error (a refusal, a bad field) stays in the dialog, success closes it.
function actionForm(m, { heading, fields = [], reasons, label, danger = false, back, submit }) {
  m.clear();
  const reason = h("input", { type: "text", id: "action-reason", maxlength: 200, autocomplete: "off",
                              placeholder: "Reason 原因", onkeydown: (e) => { if (e.key === "Enter") go.click(); } });
  const go = h("button", { class: `primary${danger ? " danger" : ""}`, id: "action-submit", onclick: async () => {
    const why = reason.value.trim();
    if (!why) { m.fail("Give a reason 請填寫原因"); reason.focus(); return; }
    m.clear();
    go.disabled = true;
    try {
      await submit(why);
      m.d.close();
    } catch (e) {
      if (!e.cancelled) m.fail(e.message);
    }
    go.disabled = false;
  } }, label);
  m.body.replaceChildren(
    heading ? h("p", { class: "form-heading" }, heading) : null, ...fields,
    h("label", { class: "field" }, h("span", {}, "Reason 原因"), reason),
    h("div", { class: "quick reasons" }, reasons.map((r) => h("button", { class: "quick-reason", onclick: () => {
      reason.value = r; } }, r))),
    h("div", { class: "form-buttons" }, back ? h("button", { class: "back", onclick: back }, "Back 返回") : null, go));
}

// -- a manager's approval -----------------------------------------------------------------------

// send(approval) makes the request; when the server answers 403 approval_required, a manager
// picks their name and types their PIN here and the same request goes again with it. What
// always needs a manager (`always`: why) asks at once, unless a manager is signed in.
async function withApproval(send, always = null) {
  if (always && !SIGNED_IN_MANAGER) return askManager(always, send);  // no refusal to wait for
  try {
    return await send(null);
  } catch (e) {
    if (e.body?.error?.code !== "approval_required") throw e;
    return askManager(e.message, send);
  }
}

function askManager(why, send) {
  return new Promise((resolve, reject) => {
    let manager = null;
    let digits = "";
    let busy = false;
    let settled = false;
    const m = modal("approval-dialog", "Manager approval 經理批准");
    const dots = h("div", { id: "approval-pin", class: "pin-dots", "aria-live": "polite" });
    const people = h("div", { class: "people", id: "approval-managers" }, h("p", { class: "hint" }, "Loading… 載入中"));
    const showDots = () => { dots.textContent = "•".repeat(digits.length); };
    const choose = (id) => {
      manager = id;
      for (const b of people.querySelectorAll("[data-manager]")) {
        b.classList.toggle("on", Number(b.dataset.manager) === id);
        b.setAttribute("aria-pressed", String(Number(b.dataset.manager) === id));
      }
    };
    const submit = async () => {
      if (busy) return;
      if (manager === null) { m.fail("Choose the manager first 請先選擇經理"); return; }
      if (digits.length < 4) { m.fail("Type the manager's PIN 請輸入經理密碼"); return; }
      busy = true;
      m.clear();
      const typed = digits;
      digits = "";
      showDots();
      try {
        const result = await send({ manager_id: manager, pin: typed });
        settled = true;
        m.d.close();
        resolve(result);
      } catch (e) {
        const code = e.body?.error?.code;
        if (APPROVAL_ERRORS[code]) {
          m.fail(APPROVAL_ERRORS[code](e));
          m.d.querySelector("#approval-dialog-error").dataset.code = code;
        } else { settled = true; m.d.close(); reject(e); }
      }
      busy = false;
    };
    const press = (k) => {
      if (k === "OK") { submit(); return; }
      if (k === "C") digits = ""; else if (digits.length < 8) digits += k;
      showDots();
    };
    m.d.addEventListener("close", () => {
      if (!settled) { const e = new Error("cancelled"); e.cancelled = true; reject(e); }
    });
    m.d.addEventListener("keydown", (e) => {
      if (/^[0-9]$/.test(e.key)) press(e.key);
      else if (e.key === "Backspace") { digits = digits.slice(0, -1); showDots(); }
      else if (e.key === "Enter") { e.preventDefault(); submit(); }  // not also a click on a focused key
    });
    m.body.replaceChildren(h("p", { class: "form-heading", id: "approval-why" }, `${why} 需要經理批准`), people, dots,
      h("div", { class: "pad" }, ["1", "2", "3", "4", "5", "6", "7", "8", "9", "C", "0", "OK"].map((k) =>
        h("button", { "data-pin-key": k, class: k === "OK" ? "primary" : "", onclick: () => press(k) }, k))),
      h("div", { class: "form-buttons" }, h("button", { id: "approval-cancel", onclick: () => m.d.close() }, "Cancel 取消")));
    api("GET", "/api/staff").then((staff) => {
      const managers = staff.filter((s) => s.role === "manager" || s.role === "admin");
      people.replaceChildren(...(managers.length ? managers.map((s) => h("button", {
        "data-manager": s.id, "aria-pressed": "false", onclick: () => choose(s.id) }, s.name, h("small", {}, s.role)))
        : [h("p", { class: "hint" }, "No manager on the staff list 沒有經理")]));
      if (managers.length === 1) choose(managers[0].id);
    }).catch((e) => { people.replaceChildren(h("p", { class: "error-box" }, e.message)); });
  });
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

// How many guests sat down: the tile shows "seated", the day counts the covers.
function seatDialog(c) {
  const dlg = h("dialog", { class: "table-picker", id: "seat-dialog" }, h("h3", {}, `${c.table}: guests 人數`),
    h("div", { class: "choices" }, Array.from({ length: 12 }, (_, i) => h("button", { "data-covers": i + 1, onclick: async () => {
      try { drew(await api("POST", `/api/pos/visits/${c.visit_id}/covers`, { covers: i + 1 })); } catch (e) { alert(e.message); }
      dlg.close(); dlg.remove();
    } }, String(i + 1)))),
    h("button", { onclick: () => { dlg.close(); dlg.remove(); } }, "Cancel 取消"));
  document.body.append(dlg);
  dlg.showModal();
}

// Move this check to a free table, or merge it into another open check.
function tablePicker(c, what) {
  const candidates = [...tables.values()].filter((t) => t.visit_id !== c.visit_id && t.open !== false
    && (what === "move" ? t.table_id != null && t.state === "free" : t.state !== "free"));
  const dlg = h("dialog", { class: "table-picker", id: "table-picker" },
    h("h3", {}, what === "move" ? `Move ${c.table} to 轉去` : `Merge ${c.table} into 併入`),
    candidates.length ? h("div", { class: "choices" }, candidates.map((t) => h("button", { "data-target": keyOf(t), onclick: async () => {
      try {
        const body = what === "move" ? { to_table_id: t.table_id } : { into_visit_id: t.visit_id };
        const check = await api("POST", `/api/pos/visits/${c.visit_id}/${what}`, body);
        dlg.close(); dlg.remove();
        select(keyOf(check));
      } catch (e) { alert(e.message); }
    } }, t.table))) : h("p", { class: "hint" }, what === "move" ? "No free table 冇空枱" : "No other open check 冇其他單"),
    h("button", { onclick: () => { dlg.close(); dlg.remove(); } }, "Cancel 取消"));
  document.body.append(dlg);
  dlg.showModal();
}

async function closeTable(c, button) {
  button.disabled = true;
  try {
    const r = await api("POST", `/api/pos/visits/${c.visit_id}/close`);
    if (selected !== keyOf(c)) return;
    pin = { closed: { ...r, table: c.table } };
    paint();
  } catch (e) { button.disabled = false; showProblem(c, e.message); }
}

const requestsPanel = watchRequests(document.getElementById("requests"));

connectLive({
  rooms: ["pos"], seq: boot.seq,
  keyOf: (e) => (e.kind === "table" || e.kind === "check" ? `t${keyOf(e.data)}` : e.kind === "request" ? `r${e.data.id}` : `e${e.seq}`),
  onEvent: (e) => {
    if (e.kind === "request") { requestsPanel.update(e.data); return; }
    if (e.kind !== "table" && e.kind !== "check") return;
    if (e.kind === "check" && e.data.open === false) tables.delete(keyOf(e.data));
    else tables.set(keyOf(e.data), e.data);
    renderFloor();
    if (keyOf(e.data) === selected && !pin?.closed && e.data.open !== false) refresh(e.data);
  },
  onReset: async () => {
    (await api("GET", "/api/pos/tables")).forEach((t) => tables.set(keyOf(t), t));
    for (const [k, t] of tables) if (t.table_id == null) tables.delete(k);
    (await api("GET", "/api/pos/checks")).forEach((t) => tables.set(keyOf(t), t));
    requestsPanel.reload();
    renderFloor();
    if (selected !== null && !pin?.closed && tables.has(selected)) refresh(tables.get(selected));
  },
  onStatus: (st) => { document.getElementById("conn").className = `status-dot ${st}`; },
});
document.getElementById("logout").addEventListener("click", async () => { await api("POST", "/api/staff/logout"); location.href = "/login?next=/pos"; });
renderFloor();
watchPrinters(document.getElementById("printers"));
