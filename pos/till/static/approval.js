// A manager's approval: the dialog where a manager picks their name and types their PIN,
// for what the server refuses without one (or what always needs one).
import { api, h } from "/static/live.js";
import { SIGNED_IN_MANAGER } from "/static/till/boot.js";
import { modal } from "/static/till/dialog.js";

// What the manager approval dialog says for the errors of a typed approval.
const APPROVAL_ERRORS = {
  wrong_pin: () => "Wrong PIN 密碼錯誤",
  not_a_manager: (e) => `${e.message} 此職員不是經理`,
  locked_out: () => "Too many wrong PINs: try again in a few minutes 密碼錯誤太多次，請稍後再試",
  unknown_user: () => "No such staff member 沒有此職員",
};

// A request's body, with the approval when there is one.
export const withBody = (body, approval) => (approval ? { ...body, approval } : body);

// send(approval) makes the request; when the server answers 403 approval_required, a manager
// picks their name and types their PIN here and the same request goes again with it. What
// always needs a manager (`always`: why) asks at once, unless a manager is signed in.
export async function withApproval(send, always = null) {
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
