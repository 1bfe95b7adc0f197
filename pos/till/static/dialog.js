// The terminal's dialogs: a native modal <dialog>, and the form in one that asks for a
// reason (typed, or one of the quick reasons below) before it runs an action.
import { h } from "/static/live.js";

export const REASONS = {
  discount: ["Regular guest 熟客", "Staff meal 員工餐", "Birthday 生日", "Promotion 推廣優惠", "Complaint 投訴"],
  comp: ["Complaint 投訴", "Long wait 等候太耐", "Wrong dish 上錯菜", "On the house 店長招待"],
  void: ["Ordered by mistake 落錯單", "Guest changed mind 客人改變主意", "Sold out 沽清", "Long wait 等候太耐"],
  refund: ["Overcharged 收多咗錢", "Complaint 投訴", "Wrong tender 付款方式錯誤", "Paid twice 重複付款"],
  price: ["Staff meal 員工餐", "Wrong price on menu 餐牌價錢錯", "Special request 特別要求", "Manager's call 經理決定"],
};

// A dialog over the terminal (a native modal <dialog>): { d, body, fail(message), clear() }.
export function modal(id, title) {
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

// A form in a dialog: its fields, a reason (typed or a quick one) and a button that runs
// submit(reason); an error (a refusal, a bad field) stays in the dialog, success closes it.
export function actionForm(m, { heading, fields = [], reasons, label, danger = false, back, submit }) {
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
