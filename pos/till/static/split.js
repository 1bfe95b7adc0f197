// Splitting the bill: the dialog that splits the check (equally, by seats or by items) and
// the parts it gives, each a button that puts its amount in the pay box.
import { api, h } from "/static/live.js";
import { fmt, toMajor, CASH } from "/static/till/boot.js";
import { state, isSelected } from "/static/till/state.js";
import { pane, paint, setTyped } from "/static/till/check.js";
import { modal } from "/static/till/dialog.js";

function partLabel(label) {
  let m;
  if ((m = /^(\d+) of (\d+)$/.exec(label))) return `${m[1]} / ${m[2]}`;
  if ((m = /^Seat (\d+)$/.exec(label))) return `Seat ${m[1]} 座位 ${m[1]}`;
  if ((m = /^Guest (\d+)$/.exec(label))) return `Guest ${m[1]} 客人 ${m[1]}`;
  if (label === "Table") return "Table 全枱";
  return label;
}

// The parts of a split: tapping one puts its amount in the pay box of the chosen tender.
export function splitView(c) {
  const { split } = state;
  return h("div", { class: "split-parts", id: "split-parts" },
    h("div", { class: "split-head" }, h("strong", {}, split.title),
      h("button", { class: "icon", id: "split-clear", title: "Clear split 取消分單", "aria-label": "Clear split 取消分單",
                    onclick: () => { state.split = null; paint(); } }, "×")),
    h("div", { class: "parts" }, split.parts.map((p, i) => h("button", {
      class: `split-part${split.chosen === i ? " on" : ""}${split.paid.has(i) ? " paid" : ""}`, "data-part": i,
      disabled: split.paid.has(i) || c.totals.due <= 0, onclick: () => usePart(i) },
      h("span", { class: "part-label" }, partLabel(p.label)), h("strong", {}, p.amount_formatted),
      split.paid.has(i) ? h("small", {}, "Paid 已付") : null))));
}

function usePart(i) {
  const { split } = state;
  split.chosen = i;
  const input = pane.querySelector(state.tender === CASH.name ? "#tendered" : "#pay-amount");
  if (input) { setTyped(input, toMajor(split.parts[i].amount)); input.focus(); }
  paint();
}

export function splitDialog(c) {
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
        if (isSelected(c)) { state.split = { visitId: c.visit_id, title, parts: r.parts, chosen: null, paid: new Set() }; paint(); }
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
