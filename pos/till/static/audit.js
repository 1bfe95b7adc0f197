// The audit log for managers (/pos/audit): voids, comps, discounts, refunds, drawer openings,
// newest first, filtered by action, staff member (who did it or approved it) and dates. Dates
// are the restaurant's days: since/until go to the API as ISO times with the restaurant's UTC
// offset on that day, and times show in the restaurant's time zone.
import { api, h } from "/static/live.js";
import { boot } from "/static/staff_page.js";
import { dayStart, knownZone, nextDay, stampText, today } from "/static/time.js";

const TZ = knownZone(boot.tz);
const ACTIONS = {
  discount: "Discount 折扣", discount_removed: "Discount removed 移除折扣", comp: "Comp 招待",
  comp_removed: "Comp removed 移除招待", void: "Void 取消", refund: "Refund 退款", drawer_open: "Drawer opened 開錢箱",
  register_open: "Register opened 開機", register_close: "Register closed 結機", cash_in: "Cash in 存入現金",
  cash_out: "Cash out 取出現金", price_override: "Price override 改價", check_moved: "Check moved 轉枱",
  checks_merged: "Checks merged 併枱",
};
const DETAILS = { payment_id: "Payment 付款", adjustment_id: "Adjustment 調整", register_id: "Register 收銀機",
                  tender: "Tender 付款方式", percent: "Percent 百分比", dish: "Dish 菜式", from_table: "From table 由枱",
                  to_table: "To table 至枱", merged_visit: "Merged check 併入賬單",
                  old_unit_price: "Old unit price (minor) 原價", new_unit_price: "New unit price (minor) 新價" };
const LIMIT = 200; // the API's page

const $ = (id) => document.getElementById(id);
const form = $("filters"), action = $("f-action"), staff = $("f-staff"), since = $("f-since"), until = $("f-until");
const rows = document.querySelector("#audit tbody"), status = $("audit-status"), error = $("audit-error");

function detailText(e) {
  const out = [];
  if (e.visit_id) out.push(`Check 賬單 #${e.visit_id}`);
  if (e.item_id) out.push(`Item 項目 #${e.item_id}`);
  for (const [k, v] of Object.entries(e.details || {})) {
    if (v === null || v === undefined || v === "") continue;
    const value = typeof v === "object" ? Object.values(v).join(" / ") : k === "percent" ? `${v}%` : String(v);
    out.push(`${DETAILS[k] || k}: ${value}`);
  }
  return out.join(" · ");
}

function row(e) {
  const at = stampText(e.at, TZ) || e.at;
  return h("tr", { "data-audit": e.id, "data-action": e.action },
    h("td", { class: "at" }, h("time", { datetime: e.at }, at)),
    h("td", { class: "action" }, ACTIONS[e.action] || e.action),
    h("td", { class: "staff" }, e.staff || "—"),
    h("td", { class: "approver" }, e.approver || ""),
    h("td", { class: "amount" }, e.amount_formatted || ""),
    h("td", { class: "reason" }, e.reason || ""),
    h("td", { class: "details" }, detailText(e)));
}

let asked = 0;
async function load() {
  const params = new URLSearchParams();
  if (action.value) params.set("action", action.value);
  if (staff.value) params.set("staff_id", staff.value);
  if (since.value && until.value && until.value < since.value) {
    error.textContent = "The end date is before the start 結束日期早於開始日期";
    error.classList.remove("hidden");
    return;
  }
  if (since.value) params.set("since", dayStart(since.value, TZ));
  if (until.value) params.set("until", dayStart(nextDay(until.value), TZ));  // the whole last day
  const shown = new URLSearchParams();  // the page's own address keeps the filters (a reload, a bookmark)
  for (const el of [action, staff, since, until]) if (el.value) shown.set(el.name, el.value);
  history.replaceState(null, "", `${location.pathname}${String(shown) ? `?${shown}` : ""}`);
  const mine = ++asked;
  status.textContent = "Loading… 載入中";
  try {
    const entries = await api("GET", `/api/pos/audit${String(params) ? `?${params}` : ""}`);
    if (mine !== asked) return;
    error.classList.add("hidden");
    rows.replaceChildren(...entries.map(row));
    status.textContent = !entries.length ? "No entries 沒有記錄"
      : entries.length >= LIMIT ? `The newest ${entries.length} entries 最新 ${entries.length} 項記錄`
      : `${entries.length} entries 項記錄`;
  } catch (e) {
    if (mine !== asked) return;
    status.textContent = "";
    error.textContent = e.message;
    error.classList.remove("hidden");
  }
}

action.append(...Object.entries(ACTIONS).map(([k, label]) => h("option", { value: k }, label)));
const start = new URLSearchParams(location.search);
action.value = start.get("action") || "";
since.value = start.get("since") || "";
until.value = start.get("until") || "";
form.addEventListener("submit", (e) => { e.preventDefault(); load(); });
for (const el of [action, staff, since, until]) el.addEventListener("change", load);
$("f-today").addEventListener("click", () => { since.value = until.value = today(TZ); load(); });
$("f-clear").addEventListener("click", () => { action.value = staff.value = since.value = until.value = ""; load(); });

api("GET", "/api/staff").then((list) => {
  staff.append(...list.map((s) => h("option", { value: s.id }, `${s.name} · ${s.role}`)));
  staff.value = start.get("staff_id") || "";
  if (staff.value) load();
}).catch(() => { /* the filter offers everyone only */ });
load();
