// Asking the staff: call a waiter, ask for the bill, or report a problem with a dish. The
// line under the buttons says it was sent, then that someone is on the way (live).
import { api, h } from "/static/live.js";
import { state, boot, token, t } from "/static/diner/state.js";
import { showClosed } from "/static/diner/check.js";

export function renderHelp() {
  const box = document.getElementById("help");
  if (!box || boot.kind !== "table" || state.closed) { box?.replaceChildren(); return; }
  const open = [...state.asked.values()].filter((r) => !r.resolved_at);
  box.replaceChildren(
    h("div", { class: "help-buttons" },
      h("button", { id: "call-waiter", onclick: () => ask({ kind: "waiter" }) }, t.waiter),
      h("button", { id: "ask-bill", onclick: () => ask({ kind: "bill" }) }, t.bill),
      state.check.orders.length ? h("button", { id: "report-problem", onclick: problemDialog }, t.problem) : null),
    ...open.map((r) => h("p", { class: `help-status ${r.acknowledged_at ? "seen" : ""}`, "data-request": r.id, role: "status" },
      r.acknowledged_at ? `${t.asked[r.kind]} · ${t.seen}` : t.asked[r.kind])));
}

export function trackRequest(r) {
  state.asked.set(r.id, r);
  renderHelp();
}

// A request is safe to send again (the server keeps one call, or one identical problem
// report, while it rings), so a flaky network is retried a few times; what still fails is
// said plainly.
async function ask(body) {
  for (let attempt = 0; ; attempt++) {
    try { trackRequest(await api("POST", `/api/visits/${token}/requests`, body)); return true; }
    catch (e) {
      if (e.body?.error?.code === "visit_closed") { showClosed(); renderHelp(); return false; }
      if (!e.status && attempt < 3) {
        await new Promise((r) => setTimeout(r, 1000 * 2 ** attempt));
        continue;
      }
      note(e.status === 429 && e.body?.error?.code === "rate_limited" ? t.slowDown : t.askFailed);
      return false;
    }
  }
}

// A line under the help buttons for what could not be done.
function note(text) {
  const box = document.getElementById("help");
  box.querySelector(".help-error")?.remove();
  box.append(h("p", { class: "help-error error-box", role: "alert" }, text));
}

function problemDialog() {
  const dlg = document.getElementById("help-dialog");
  let item = null, reason = null;
  const items = state.check.orders.flatMap((o) => o.items).filter((i) => i.status !== "voided");
  const text = h("textarea", { id: "problem-text", maxlength: 300, rows: 2 });
  const send = h("button", { class: "primary", id: "send-problem", disabled: true, onclick: async () => {
    send.disabled = true;
    if (await ask({ kind: "problem", item_id: item, reason, text: text.value.trim() || null })) dlg.close();
    else send.disabled = false;
  } }, t.send);
  const pick = (group, value, set) => (e) => {
    group.querySelectorAll("button").forEach((b) => b.classList.remove("on"));
    e.currentTarget.classList.add("on");
    set(value);
    send.disabled = !(item && reason);
  };
  const itemsBox = h("div", { class: "chips" });
  itemsBox.append(...items.map((i) => h("button", { "data-item": i.id, onclick: pick(itemsBox, i.id, (v) => { item = v; }) },
    `${i.quantity} × ${i.name}`)));
  const reasonsBox = h("div", { class: "chips" });
  reasonsBox.append(...Object.entries(t.reasons).map(([code, label]) => h("button", { "data-reason": code,
    onclick: pick(reasonsBox, code, (v) => { reason = v; }) }, label)));
  dlg.replaceChildren(h("h2", {}, t.problem), h("p", {}, t.which), itemsBox, h("p", {}, t.why), reasonsBox,
    h("label", {}, t.more, text), h("div", { class: "actions" }, h("button", { onclick: () => dlg.close() }, t.close), send));
  dlg.showModal();
}
