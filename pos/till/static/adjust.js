// Discounts, comps, price changes and voids: the dialog of a tapped item and the discount
// form (of an item, or of the whole check). What the server answers is drawn in the pane.
import { api, h } from "/static/live.js";
import { fmt, STEP, toMinor, toMajor, ITEM } from "/static/till/boot.js";
import { drew } from "/static/till/check.js";
import { modal, actionForm, REASONS } from "/static/till/dialog.js";

// Customer-facing discount names (one receipt line); the cashier's reason is never printed.
const RECEIPT_LABELS = ["熟客優惠 Regular", "生日優惠 Birthday", "推廣優惠 Promotion"];
import { withApproval, withBody } from "/static/till/approval.js";

export function itemDialog(c, i) {
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

export function discountDialog(c, item) {
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
  // What the guest's receipt says; the reason below stays on staff screens and in the audit log.
  const label = h("input", { type: "text", id: "adj-label", maxlength: 64, autocomplete: "off",
                             placeholder: "Discount 折扣 (default)" });
  const labels = h("div", { class: "quick labels" }, RECEIPT_LABELS.map((x) => h("button", {
    class: "quick-label", onclick: () => { label.value = x; } }, x)));
  actionForm(m, {
    heading: item ? `Discount 折扣 · ${item.quantity} × ${item.name}` : "Discount on everything 全單折扣",
    fields: [modes, value, quick, h("label", { class: "field" }, h("span", {}, "On the receipt 收據顯示"), label), labels,
             h("p", { class: "hint" }, "Big discounts need a manager's PIN 大額折扣需經理批准")],
    reasons: REASONS.discount, label: "Apply discount 確認折扣", back,
    submit: async (reason) => {
      const body = { kind: "discount", item_id: item ? item.id : null, reason, label: label.value.trim() || null };
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
