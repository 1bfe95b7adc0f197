// The floor: the tables' tiles on the grid, the open takeaway and counter checks above them,
// a manager arranging the tables, and the pickers that seat a party or move or merge a check.
import { api, h } from "/static/live.js";
import { openOrderEntry } from "/static/till/order_entry.js";
import { fmt, keyOf, STATE } from "/static/till/boot.js";
import { state, putTiles } from "/static/till/state.js";
import { select, drew } from "/static/till/check.js";

// The floor plan: tables placed by a manager stand at their grid cells (x, y); tables not
// placed yet follow in a row after them. Open takeaway and counter checks sit above.
const GRID_W = 8;
export function renderFloor() {
  const { tables, selected, arranging } = state;
  const placed = [...tables.values()].filter((t) => t.table_id != null);
  const free = new Set(placed.filter((t) => t.x == null).map((t) => t.table_id));
  let next = 0;
  const maxY = Math.max(-1, ...placed.filter((t) => t.x != null).map((t) => t.y));
  const cell = (t) => {
    if (t.x != null) return [t.x, t.y];
    const i = next++;
    return [i % GRID_W, maxY + 1 + Math.floor(i / GRID_W)];
  };
  const tiles = placed.map((t) => {
    const [x, y] = cell(t);
    return h("button", { class: `tile ${t.state}${keyOf(t) === selected ? " selected" : ""}${t.shape === "round" ? " round" : ""}${arranging?.pick === t.table_id ? " picked" : ""}`,
                         "data-table": t.table_id, "data-state": t.state, style: `grid-column:${x + 1};grid-row:${y + 1}`,
                         onclick: () => (state.arranging ? arrangePick(t) : select(keyOf(t))) },
      h("span", { class: "name" }, t.table, t.late ? h("span", { class: "late-badge" }, "LATE 遲") : null),
      h("span", { class: "state" }, STATE[t.state] || t.state, t.requests ? h("span", { class: "req-badge" }, ` 🔔${t.requests}`) : null),
      h("span", {}, t.items ? `${t.items} · ${t.total_formatted}` : t.covers ? `${t.covers} / ${t.seats} guests` : `${t.seats} seats`));
  });
  const cells = arranging ? Array.from({ length: GRID_W * (maxY + 3 + Math.ceil(free.size / GRID_W)) }, (_, i) =>
    h("button", { class: "cell", "data-cell": `${i % GRID_W},${Math.floor(i / GRID_W)}`,
                  style: `grid-column:${(i % GRID_W) + 1};grid-row:${Math.floor(i / GRID_W) + 1}`,
                  onclick: () => arrangeDrop(i % GRID_W, Math.floor(i / GRID_W)) })) : [];
  const checks = [...tables.values()].filter((t) => t.table_id == null && t.open !== false);
  document.getElementById("open-checks").replaceChildren(
    h("button", { class: "new-order", id: "new-takeaway", onclick: () => newOrder("takeaway") }, "+ Takeaway 外賣"),
    h("button", { class: "new-order", id: "new-counter", onclick: () => newOrder("counter") }, "+ Counter 櫃台"),
    ...checks.map((t) => h("button", { class: `tile check-tile ${t.state}${keyOf(t) === selected ? " selected" : ""}`,
                                       "data-visit": t.visit_id, "data-state": t.state, onclick: () => select(keyOf(t)) },
      h("span", { class: "name" }, t.table), h("span", { class: "state" }, STATE[t.state] || t.state),
      h("span", {}, `${t.items} · ${t.total_formatted}`))));
  const floor = document.getElementById("floor");
  floor.classList.toggle("arranging", !!arranging);
  floor.replaceChildren(...cells, ...tiles);
}

function newOrder(mode) {
  openOrderEntry({ mode, fmt, onSent: (order) => { select(`v${order.visit_id}`); } });
}

// A manager arranges the floor: tap a table, then the cell it goes to (saved at once).
function arrangePick(t) { state.arranging.pick = t.table_id; renderFloor(); }
async function arrangeDrop(x, y) {
  if (!state.arranging?.pick) return;
  try {
    putTiles(await api("PUT", "/api/pos/floor", { tables: [{ table_id: state.arranging.pick, x, y }] }));
  } catch (e) { alert(e.message); }
  state.arranging.pick = null;
  renderFloor();
}

// The bar's "Arrange" button (only a manager's terminal has one) turns arranging on and off.
export function watchArrange(button) {
  button?.addEventListener("click", (e) => {
    state.arranging = state.arranging ? null : { pick: null };
    e.currentTarget.classList.toggle("on", !!state.arranging);
    renderFloor();
  });
}

// How many guests sat down: the tile shows "seated", the day counts the covers.
export function seatDialog(c) {
  const dlg = h("dialog", { class: "table-picker", id: "seat-dialog" }, h("h3", {}, `${c.table}: guests 人數`),
    h("div", { class: "choices" }, Array.from({ length: 12 }, (_, i) => h("button", { "data-covers": i + 1, onclick: async () => {
      try { drew(await api("POST", `/api/pos/visits/${c.visit_id}/covers`, { covers: i + 1 })); } catch (e) { alert(e.message); }
      dlg.close(); dlg.remove();
    } }, String(i + 1)))),
    h("button", { onclick: () => { dlg.close(); dlg.remove(); } }, "Cancel 取消"));
  document.body.append(dlg);
  dlg.showModal();
}

// Move this check to a free table, or merge it into another open check.
export function tablePicker(c, what) {
  const candidates = [...state.tables.values()].filter((t) => t.visit_id !== c.visit_id && t.open !== false
    && (what === "move" ? t.table_id != null && t.state === "free" : t.state !== "free"));
  const dlg = h("dialog", { class: "table-picker", id: "table-picker" },
    h("h3", {}, what === "move" ? `Move ${c.table} to 轉去` : `Merge ${c.table} into 併入`),
    candidates.length ? h("div", { class: "choices" }, candidates.map((t) => h("button", { "data-target": keyOf(t), onclick: async () => {
      try {
        const body = what === "move" ? { to_table_id: t.table_id } : { into_visit_id: t.visit_id };
        const check = await api("POST", `/api/pos/visits/${c.visit_id}/${what}`, body);
        dlg.close(); dlg.remove();
        select(keyOf(check));
      } catch (e) { alert(e.message); }
    } }, t.table))) : h("p", { class: "hint" }, what === "move" ? "No free table 冇空枱" : "No other open check 冇其他單"),
    h("button", { onclick: () => { dlg.close(); dlg.remove(); } }, "Cancel 取消"));
  document.body.append(dlg);
  dlg.showModal();
}
