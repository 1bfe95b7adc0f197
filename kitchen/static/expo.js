import { connectLive, api, h } from "/static/live.js";
import { watchPrinters } from "/static/printers/printers.js";
import { serverClock } from "/static/kitchen/clock.js";
import { clockText } from "/static/time.js";
import { boot, wireSignOut } from "/static/staff_page.js";

// The pass: whole orders, each item's state at its station. An order turns ready when
// all its dishes are; the expeditor sends it out (served) and the diner's page shows it.
const orders = new Map(boot.state.orders.map((o) => [o.id, o]));
const root = document.getElementById("orders");
const clock = serverClock(boot.now);
const CHIP = { queued: "queued 待做", cooking: "cooking 製作中", ready: "ready 已好", served: "served 已上", voided: "void 取消" };

function showError(e) {
  const bar = document.getElementById("notice");
  bar.textContent = e.message;
  bar.classList.remove("hidden");
  setTimeout(() => bar.classList.add("hidden"), 4000);
}

// The answer is not drawn: orders carry no version, and the live event of the same change
// (or a newer one) arrives anyway; an older answer drawn after it would undo it.
async function act(url, body, button) {
  button.disabled = true;
  try { await api("POST", url, body); }
  catch (e) { showError(e); button.disabled = false; }
}

function card(o) {
  const stations = [...new Set(o.items.map((i) => i.station))];
  return h("article", { class: `order ${o.status}${o.late ? " late" : ""}`, "data-order": o.id, "data-status": o.status },
    h("header", {},
      h("span", { class: "table" }, o.table), h("span", { class: "num" }, `#${o.number}`),
      o.rush ? h("span", { class: "badge rush" }, "RUSH 急") : null,
      o.late ? h("span", { class: "badge late" }, "LATE 遲") : null,
      o.promised_at ? h("span", { class: `promise${o.due_at && o.due_at > o.promised_at ? " at-risk" : ""}`,
                                  title: "promised to the diner" },
                        `promised 承諾 ${clockText(o.promised_at, boot.tz)}`) : null),
    stations.map((st) => h("section", { class: "st" }, h("h3", {}, st),
      h("ul", {}, o.items.filter((i) => i.station === st).map((i) => h("li", { class: i.status, "data-item": i.id },
        h("span", {}, `${i.quantity} × ${i.name}`),
        h("span", { class: `chip ${i.status}` }, i.status === "queued" && i.due_at ? `${CHIP.queued} ${clockText(i.due_at, boot.tz)}`
                                                                                 : CHIP[i.status])))))),
    h("div", { class: "actions" },
      h("button", { class: "rush", onclick: (e) => act(`/api/expo/orders/${o.id}/rush`, { rush: !o.rush }, e.target),
                    disabled: o.status === "ready" }, o.rush ? "Un-rush" : "Rush 急"),
      h("button", { class: "serve", disabled: o.status !== "ready" && o.status !== "part_ready",
                    onclick: (e) => act(`/api/expo/orders/${o.id}/served`, undefined, e.target) },
        o.status === "part_ready" ? "Serve ready course 上已好的菜" : "Served 已上菜")));
}

const rank = (o) => [o.status === "ready" || o.status === "part_ready" ? 0 : 1, o.rush ? 0 : 1, o.id];
function render() {
  const open = [...orders.values()].filter((o) => o.status !== "served" && o.status !== "voided")
    .sort((a, b) => { const x = rank(a), y = rank(b); return x[0] - y[0] || x[1] - y[1] || x[2] - y[2]; });
  root.replaceChildren(...open.map(card));
  document.getElementById("empty").classList.toggle("hidden", open.length > 0);
}

let drawing = false;
function upsert(o) {
  orders.set(o.id, o);
  if (drawing) return;
  drawing = true;
  requestAnimationFrame(() => { drawing = false; render(); });
}

async function reload() {
  const state = await api("GET", "/api/expo/orders");
  clock.set(state.now);
  orders.clear();
  state.orders.forEach((o) => orders.set(o.id, o));
  render();
}

connectLive({
  rooms: ["expo"],
  seq: boot.state.seq,
  keyOf: (e) => (e.kind === "order" ? `o${e.data.id}` : `e${e.seq}`),
  onJoin: (ack) => clock.set(ack.now),
  onEvent: (e) => { if (e.kind === "order") upsert(e.data); },
  onReset: reload,
  onStatus: (st) => { document.getElementById("conn").className = `status-dot ${st}`; },
});
render();
watchPrinters(document.getElementById("printers"));
wireSignOut();
