import { connectLive, api, h } from "/static/live.js";
import { watchPrinters } from "/static/printers/printers.js";
import { serverClock, countdown, minSec } from "/static/kitchen/clock.js";
import { clockText } from "/static/time.js";
import { boot, wireSignOut } from "/static/staff_page.js";

// A station screen (or all stations): tickets in the order cooks should work them,
// each item showing FIRE NOW or HOLD until its planned fire time, with start, bump and
// recall by touch or by a bump bar's keys (digits select a card, Enter bumps it, S
// starts it, R recalls the last bump, arrows move the selection).
const station = boot.station;
const { warn_s: WARN_S, late_s: LATE_S, fire_grace_s: FIRE_GRACE_S } = boot.screen;
const tickets = new Map(boot.state.tickets.map((t) => [t.id, t]));
const root = document.getElementById("tickets");
const clock = serverClock(boot.now);
let selected = null; // ticket id chosen with the keyboard

const FIRE_GRACE_MS = FIRE_GRACE_S * 1000; // FIRE NOW this close to the planned fire time (kitchen.sequencing)
// The server's order (kitchen/services.py _fire_key): cards with a dish cooking, then by fire time.
const fireKey = (t) => [t.items.some((i) => i.status === "cooking") ? 0 : 1, Date.parse(t.fire_at || t.created_at), t.id];
const byFire = (a, b) => {
  const x = fireKey(a), y = fireKey(b);
  return x[0] - y[0] || x[1] - y[1] || x[2] - y[2];
};
const openTickets = () => [...tickets.values()].filter((t) => t.status !== "done").sort(byFire);

function notice(message, error = false) {
  const bar = document.getElementById("notice");
  bar.textContent = message;
  bar.classList.toggle("ok", !error);
  bar.classList.remove("hidden");
  setTimeout(() => bar.classList.add("hidden"), 4000);
}
const showError = (e) => notice(e.message, true);

async function act(url, button) {
  if (button) button.disabled = true;
  try { answer(await api("POST", url)); }
  catch (e) { if (e.status === 409) { await reload(); } else showError(e); }
  finally { if (button) button.disabled = false; }
}

const ageClass = (s) => (s >= LATE_S ? "late" : s >= WARN_S ? "warn" : "");
const age = (t) => Math.max(0, Math.floor((clock.now() - Date.parse(t.created_at)) / 1000));

// An item's state on the card, by the server's clock.
function itemState(i) {
  if (i.status === "voided") return { cls: "voided", text: "VOID 取消" };
  if (i.status === "ready" || i.status === "served") return { cls: "ready", text: "✓" };
  if (i.status === "cooking") return { cls: "cooking", text: "COOKING 製作中" };
  const wait = i.fire_at ? Date.parse(i.fire_at) - clock.now() : 0;
  if (wait <= FIRE_GRACE_MS) return { cls: "fire", text: "FIRE NOW 即做" };
  return { cls: "hold", text: `HOLD ${clockText(i.fire_at, boot.tz)} · ${countdown(wait)}` };
}

function itemLine(t, i) {
  const st = itemState(i);
  const action = i.status === "queued" ? "start" : i.status === "cooking" ? "bump" : null;
  return h("li", { class: `item ${i.status} ${st.cls}`, "data-item": i.id,
                   onclick: action ? () => act(`/api/kitchen/items/${i.id}/${action}`) : null },
    h("span", { class: "qty" }, `${i.quantity} ×`),
    h("span", { class: "name" }, i.name, i.name_alt ? h("span", { class: "alt" }, i.name_alt) : null),
    h("span", { class: "state", "data-state": st.cls }, st.text),
    i.modifiers.map((m) => h("span", { class: "mod" }, `+ ${m}`)),
    i.note ? h("span", { class: "note" }, `! ${i.note}`) : null);
}

function card(t, n) {
  const s = age(t);
  return h("article", { class: `ticket ${t.status} ${ageClass(s)}${t.id === selected ? " selected" : ""}`,
                        "data-ticket": t.id, "data-index": n },
    h("header", {},
      h("span", { class: "key" }, n <= 9 ? String(n) : ""),
      h("span", { class: "table" }, t.table), h("span", { class: "num" }, `#${t.order_number}`),
      t.rush ? h("span", { class: "badge rush" }, "RUSH 急") : null,
      t.late ? h("span", { class: "badge late" }, "LATE 遲") : null,
      h("span", { class: "timer" }, minSec(s))),
    station ? null : h("div", { class: "station" }, t.station),
    h("ul", {}, t.items.map((i) => itemLine(t, i))),
    h("div", { class: "actions" },
      t.items.some((i) => i.status === "queued")
        ? h("button", { class: "start", onclick: (e) => act(`/api/kitchen/tickets/${t.id}/start`, e.target) }, "Start 開始")
        : null,
      h("button", { class: "bump", onclick: (e) => act(`/api/kitchen/tickets/${t.id}/bump`, e.target) }, "Bump 完成"),
      h("button", { class: "reprint", title: "Print this ticket again 重印", onclick: (e) => reprint(t, e.target) }, "重印")));
}

// All-day: how many of each dish are waiting (queued or cooking) on this screen.
function allDay(open) {
  const counts = new Map();
  for (const t of open) for (const i of t.items) {
    if (i.status !== "queued" && i.status !== "cooking") continue;
    counts.set(i.name, (counts.get(i.name) || 0) + i.quantity);
  }
  return [...counts.entries()].sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1));
}

function render() {
  const open = openTickets();
  if (selected !== null && !open.some((t) => t.id === selected)) selected = null;
  root.replaceChildren(...open.map((t, n) => card(t, n + 1)));
  document.getElementById("empty").classList.toggle("hidden", open.length > 0);
  document.getElementById("allday").replaceChildren(...allDay(open).map(([name, n]) =>
    h("li", { "data-dish": name }, h("b", {}, String(n)), ` ${name}`)));
}

// Every second: timers, colours and hold countdowns move; the order of cards does not.
function tick() {
  for (const el of root.querySelectorAll(".ticket")) {
    const t = tickets.get(Number(el.dataset.ticket));
    if (!t) continue;
    const s = age(t);
    el.querySelector(".timer").textContent = minSec(s);
    el.classList.remove("warn", "late");
    if (ageClass(s)) el.classList.add(ageClass(s));
    for (const li of el.querySelectorAll("li.item")) {
      const i = t.items.find((x) => x.id === Number(li.dataset.item));
      const st = itemState(i);
      const span = li.querySelector(".state");
      if (span.textContent !== st.text) { span.textContent = st.text; span.dataset.state = st.cls; }
      li.classList.remove("fire", "hold");
      if (st.cls === "fire" || st.cls === "hold") li.classList.add(st.cls);
    }
  }
}

// A replan can send many tickets at once: draw once per frame, not once per ticket.
let drawing = false;
function scheduleRender() {
  if (drawing) return;
  drawing = true;
  requestAnimationFrame(() => { drawing = false; render(); });
}

// Two kinds of event describe a ticket: "ticket" (the whole ticket as of its seq) and
// "plan" (new fire times of some items as of its seq). They can arrive in any order, so
// each item keeps the newest plan heard, and a ticket shown as of seq s takes any plan
// newer than s, whenever either arrives.
const planned = new Map();  // item id -> { seq, fire_at, due_at }: the newest plan heard
const shownAt = new Map();  // ticket id -> the seq its shown state is as of
let online = false;
for (const t of tickets.values()) shownAt.set(t.id, boot.state.seq);

function cardTimes(t) {  // the card's times as the server computes them (open dishes only)
  const open = t.items.filter((i) => (i.status === "queued" || i.status === "cooking") && i.fire_at);
  const by = (k, better) => open.reduce((a, i) => (a === null || better(Date.parse(i[k]), Date.parse(a)) ? i[k] : a), null);
  t.fire_at = by("fire_at", (x, y) => x < y);
  t.due_at = by("due_at", (x, y) => x > y);
}

function upsert(t, seq) {
  const old = tickets.get(t.id);
  if (old && old.version > t.version) return;
  if (station && t.station !== station) return;
  let newer = false;
  for (const i of t.items) {
    const p = planned.get(i.id);
    if (p && p.seq > seq) { i.fire_at = p.fire_at; i.due_at = p.due_at; newer = true; }
  }
  if (newer) cardTimes(t);
  tickets.set(t.id, t);
  shownAt.set(t.id, seq);
  scheduleRender();
}

// The answer to the cook's own action: the live event of the same change follows at once,
// with its seq, and is what the screen draws; the answer is drawn only when offline.
function answer(t) {
  const old = tickets.get(t.id);
  if (!online && (!old || t.version > old.version)) upsert(t, shownAt.get(t.id) || 0);
}

// A replan moved these items' fire times: the server sends the times, not the tickets.
function applyPlan(items, seq) {
  const touched = new Set();
  for (const c of items) {
    const p = planned.get(c.id);
    if (p && p.seq >= seq) continue;
    planned.set(c.id, { seq, fire_at: c.fire_at, due_at: c.due_at });
    const t = tickets.get(c.ticket_id);
    const i = t && (shownAt.get(t.id) || 0) < seq && t.items.find((x) => x.id === c.id);
    if (!i) continue;  // kept in planned: applied when the ticket arrives
    i.fire_at = c.fire_at; i.due_at = c.due_at;
    touched.add(t);
  }
  for (const t of touched) { cardTimes(t); shownAt.set(t.id, seq); }
  if (touched.size) scheduleRender();
}

async function reload() {
  const q = station ? `?station=${encodeURIComponent(station)}` : "";
  const state = await api("GET", `/api/kitchen/tickets${q}`);
  clock.set(state.now);
  tickets.clear(); planned.clear(); shownAt.clear();
  state.tickets.forEach((t) => { tickets.set(t.id, t); shownAt.set(t.id, state.seq); });
  render();
}

async function reprint(t, button) {
  button.disabled = true;
  try { await api("POST", `/api/kitchen/tickets/${t.id}/reprint`); notice(`Reprinting ${t.table} #${t.order_number} 重印中`); }
  catch (e) { showError(e); }
  finally { button.disabled = false; }
}

async function recallLast() {
  try {
    answer(await api("POST", station ? `/api/kitchen/stations/${encodeURIComponent(station)}/recall`
                                     : "/api/kitchen/recall"));
  } catch (e) { showError(e); }
}

function select(id) {
  selected = id;
  for (const el of root.querySelectorAll(".ticket")) el.classList.toggle("selected", Number(el.dataset.ticket) === id);
}

// The bump bar: most are keyboards sending digits, Enter and a few letters.
document.addEventListener("keydown", (e) => {
  if (e.target.closest("input, textarea, dialog") || e.ctrlKey || e.metaKey || e.altKey) return;
  const open = openTickets();
  const at = open.findIndex((t) => t.id === selected);
  if (/^[1-9]$/.test(e.key)) { const t = open[Number(e.key) - 1]; if (t) select(t.id); }
  else if (e.key === "ArrowRight" || e.key === "ArrowDown") { if (open.length) select(open[Math.min(at + 1, open.length - 1)].id); }
  else if (e.key === "ArrowLeft" || e.key === "ArrowUp") { if (open.length) select(open[Math.max(at - 1, 0)].id); }
  else if (e.key === "Enter") { if (selected !== null) act(`/api/kitchen/tickets/${selected}/bump`); }
  else if (e.key === "s" || e.key === "S") { if (selected !== null) act(`/api/kitchen/tickets/${selected}/start`); }
  else if (e.key === "r" || e.key === "R") recallLast();
  else if (e.key === "Escape") select(null);
  else return;
  e.preventDefault();
});

connectLive({
  rooms: station ? [`station:${station}`] : boot.stations.map((s) => `station:${s}`),
  seq: boot.state.seq,
  keyOf: (e) => (e.kind === "ticket" ? `t${e.data.id}` : `e${e.seq}`),
  onJoin: (ack) => clock.set(ack.now),
  onEvent: (e) => {
    if (e.kind === "ticket") upsert(e.data, e.seq);
    else if (e.kind === "plan") applyPlan(e.data.items, e.seq);
  },
  onReset: reload,
  onStatus: (st) => { online = st === "online"; document.getElementById("conn").className = `status-dot ${st}`; },
});
render();
setInterval(tick, 1000);

document.getElementById("recall").addEventListener("click", recallLast);
document.getElementById("toggle-allday").addEventListener("click", () =>
  document.getElementById("allday-panel").classList.toggle("hidden"));

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
        catch (err) { e.target.checked = !e.target.checked; showError(err); }
      } }), d.name)))),
    h("button", { onclick: () => dlg.close() }, "Close 關閉"));
  dlg.showModal();
}
document.getElementById("open-86").addEventListener("click", open86);
watchPrinters(document.getElementById("printers"));
wireSignOut();
