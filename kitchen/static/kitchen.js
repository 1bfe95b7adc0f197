import { connectLive, api, h } from "/static/live.js";

const boot = JSON.parse(document.getElementById("boot").textContent);
const station = boot.station;
const tickets = new Map(boot.state.tickets.map((t) => [t.id, t]));
const root = document.getElementById("tickets");
const WARN_S = 300, LATE_S = 480;

// Timers count on the server's clock: the tablet's own clock may be minutes off.
// The server's clock: boot.now when the page was rendered, then the join ack's now on
// every (re)connect, since a kitchen page stays open all service while tablet clocks drift.
let clockOffset = boot.now ? Date.parse(boot.now) - Date.now() : 0;
const serverNow = () => Date.now() + clockOffset;

function elapsed(t) {
  const s = Math.max(0, Math.floor((serverNow() - Date.parse(t.created_at)) / 1000));
  return { s, text: `${Math.floor(s / 60)}:${String(s % 60).padStart(2, "0")}` };
}

async function act(t, action, button) {
  button.disabled = true;
  try { upsert(await api("POST", `/api/kitchen/tickets/${t.id}/${action}`)); }
  catch (e) { if (e.status !== 409) alert(e.message); button.disabled = false; }
}

const ageClass = (s) => (s >= LATE_S ? "late" : s >= WARN_S ? "warn" : "");

function card(t) {
  const { s, text } = elapsed(t);
  return h("article", { class: `ticket ${t.status} ${ageClass(s)}`,
                        "data-ticket": t.id },
    h("header", {}, h("span", { class: "table" }, t.table), h("span", { class: "num" }, `#${t.order_number}`),
      h("span", { class: "timer", "data-created": t.created_at }, text)),
    station ? null : h("div", { class: "station" }, t.station),
    h("ul", {}, t.items.map((i) => h("li", { class: i.status, "data-item": i.id },
      `${i.quantity} × ${i.name}`,
      i.name_alt ? h("span", { class: "alt" }, i.name_alt) : null,
      i.modifiers.map((m) => h("span", { class: "mod" }, `+ ${m}`)),
      i.note ? h("span", { class: "note" }, `! ${i.note}`) : null))),
    h("div", { class: "actions" },
      t.status === "open" ? h("button", { class: "start", onclick: (e) => act(t, "start", e.target) }, "Start 開始") : null,
      h("button", { class: "bump", onclick: (e) => act(t, "bump", e.target) }, "Bump 完成")));
}

function render() {
  const open = [...tickets.values()].filter((t) => t.status !== "done").sort((a, b) => a.id - b.id);
  root.replaceChildren(...open.map(card));
  document.getElementById("empty").classList.toggle("hidden", open.length > 0);
}

function upsert(t) {
  const old = tickets.get(t.id);
  if (old && old.version > t.version) return;
  if (station && t.station !== station) return;
  tickets.set(t.id, t);
  render();
}

async function reload() {
  const q = station ? `?station=${encodeURIComponent(station)}` : "";
  const state = await api("GET", `/api/kitchen/tickets${q}`);
  tickets.clear();
  state.tickets.forEach((t) => tickets.set(t.id, t));
  render();
}

connectLive({
  rooms: [station ? `station:${station}` : "kitchen"],
  seq: boot.state.seq,
  keyOf: (e) => (e.kind === "ticket" ? `t${e.data.id}` : `e${e.seq}`),
  onJoin: (ack) => { if (ack.now) clockOffset = Date.parse(ack.now) - Date.now(); },
  onEvent: (e) => { if (e.kind === "ticket") upsert(e.data); },
  onReset: reload,
  onStatus: (st) => { document.getElementById("conn").className = `status-dot ${st}`; },
});
render();
setInterval(() => {
  for (const el of root.querySelectorAll(".ticket")) {
    const t = tickets.get(Number(el.dataset.ticket));
    if (!t) continue;
    const { s, text } = elapsed(t);
    el.querySelector(".timer").textContent = text;
    el.classList.remove("warn", "late");
    if (ageClass(s)) el.classList.add(ageClass(s));
  }
}, 1000);

// Sold out (86): the kitchen marks dishes it has run out of; diners' menus update live.
async function open86() {
  const dlg = document.getElementById("dlg-86");
  const all = await api("GET", "/api/menu/dishes");
  const mine = all.filter((d) => !station || d.station === station);
  dlg.replaceChildren(h("h2", {}, "Sold out 沽清"), h("ul", {}, mine.map((d) => h("li", {},
    h("label", { class: d.sold_out ? "out" : "" }, h("input", { type: "checkbox", "data-86": d.id, checked: d.sold_out,
      onchange: async (e) => {
        try { await api("POST", `/api/menu/dishes/${d.id}/sold-out`, { sold_out: e.target.checked });
              e.target.parentElement.classList.toggle("out", e.target.checked); }
        catch (err) { e.target.checked = !e.target.checked; alert(err.message); }
      } }), d.name)))),
    h("button", { onclick: () => dlg.close() }, "Close 關閉"));
  dlg.showModal();
}
document.getElementById("open-86").addEventListener("click", open86);
document.getElementById("logout").addEventListener("click", async () => {
  await api("POST", "/api/staff/logout"); location.href = `/login?next=${encodeURIComponent(location.pathname)}`;
});
