// The cashier terminal: the floor (floor.js), the open check in the pane (check.js: paying in
// pay.js, splitting in split.js, adjustments in adjust.js, a manager's approval in
// approval.js), all around the one state object (state.js). Here: the live wiring.
import { connectLive, api } from "/static/live.js";
import { watchPrinters } from "/static/printers/printers.js";
import { watchRequests } from "/static/till/requests.js";
import { boot, keyOf } from "/static/till/boot.js";
import { wireSignOut } from "/static/staff_page.js";
import { state, isSelected, closedPinned, putTiles, dropTile, dropCheckTiles } from "/static/till/state.js";
import { renderFloor, watchArrange } from "/static/till/floor.js";
import { refresh } from "/static/till/check.js";

watchArrange(document.getElementById("arrange"));

const requestsPanel = watchRequests(document.getElementById("requests"));

connectLive({
  rooms: ["pos"], seq: boot.seq,
  keyOf: (e) => (e.kind === "table" || e.kind === "check" ? `t${keyOf(e.data)}` : e.kind === "request" ? `r${e.data.id}` : `e${e.seq}`),
  onEvent: (e) => {
    if (e.kind === "request") { requestsPanel.update(e.data); return; }
    if (e.kind !== "table" && e.kind !== "check") return;
    if (e.kind === "check" && e.data.open === false) dropTile(e.data);
    else putTiles([e.data]);
    renderFloor();
    if (isSelected(e.data) && !closedPinned() && e.data.open !== false) refresh(e.data);
  },
  onReset: async () => {
    putTiles(await api("GET", "/api/pos/tables"));
    dropCheckTiles();
    putTiles(await api("GET", "/api/pos/checks"));
    requestsPanel.reload();
    renderFloor();
    if (state.selected !== null && !closedPinned() && state.tables.has(state.selected)) refresh(state.tables.get(state.selected));
  },
  onStatus: (st) => { document.getElementById("conn").className = `status-dot ${st}`; },
});
wireSignOut("/pos");
renderFloor();
watchPrinters(document.getElementById("printers"));
