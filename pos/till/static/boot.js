// What the terminal page was booted with (the #boot JSON) and what follows from it: money in
// the restaurant's currency, the ways to pay, who is signed in; and the words for the states.
import { money } from "/static/live.js";
import { boot } from "/static/staff_page.js";

export { boot };
export const fmt = (m) => money(m, boot.currency, boot.minor_unit);
export const unit = 10 ** boot.minor_unit;
export const STEP = (1 / unit).toFixed(boot.minor_unit);
export const toMinor = (typed) => Math.round(Number(typed) * unit);
export const toMajor = (minor) => (minor / unit).toFixed(boot.minor_unit);
// Tiles by key: a table's id, or "v<visit id>" for an open takeaway or counter check.
export const keyOf = (x) => x.table_id ?? `v${x.visit_id}`;

export const STATE = { free: "Free 空枱", seated: "Seated 已入座", ordering: "Ordering 已落單", waiting: "Waiting long 等候過久",
                       eating: "Eating 用餐中", bill: "Bill asked 要埋單", paid: "Paid 已付款",
                       pickup: "Paid, to pick up 已付款待取" };
export const ITEM = { queued: "Queued 排隊中", cooking: "Cooking 烹調中", ready: "Ready 已完成", served: "Served 已上菜",
                      voided: "Voided 已取消" };

// Ways to pay: cash is built in; the others are the restaurant's (pos.tenders), each maybe
// with the card terminal's reference to type; tips on the non-cash ones when pos.tips.
export const CASH = { name: "cash", label: "Cash 現金", reference: false };
export const TENDERS = [CASH, ...(Array.isArray(boot.tenders) ? boot.tenders
                                  : [{ name: "card", label: "Card 信用卡", reference: true }])];
export const TIPS = boot.tips !== false;
// A manager signed in at the terminal approves by themselves (the server checks the role).
export const SIGNED_IN_MANAGER = ["manager", "admin"].includes(document.getElementById("who")?.dataset.role);
export const tenderOf = (name) => TENDERS.find((t) => t.name === name) || { name, label: name, reference: false };
