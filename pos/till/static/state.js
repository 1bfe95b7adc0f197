// The terminal's one state object: every module reads and changes the terminal through it.
//
// The check pane. The socket's "table" event of the cashier's own payment or closing
// usually arrives before the HTTP answer, and fetches can come back out of order, so:
// - every fetch and every action takes a ticket (an increasing number); a check is drawn
//   only while its table is selected and only if no newer ticket has been drawn;
// - the outcome of the cashier's action (the change to hand back, the closed table's new
//   QR code) is pinned: later refreshes keep it, until the cashier picks a table.
import { boot, keyOf, CASH } from "/static/till/boot.js";

export const state = {
  tables: new Map([...boot.tables, ...(boot.checks || [])].map((t) => [keyOf(t), t])), // the tiles by key (keyOf)
  selected: null,  // the selected tile's key (keyOf)
  arranging: null, // a manager arranging the floor: { pick: table key or null }
  current: null,   // { check, ticket } drawn in the pane
  pin: null,       // { visitId, change } after taking cash; { closed } after closing the table
  tickets: 0,
  // What the cashier is doing on the selected table; all reset when another table is picked.
  tender: CASH.name, // the tender whose form the pay box shows
  split: null,       // { visitId, title, parts: [{label, amount, amount_formatted}], chosen, paid: Set }
  notice: null,      // { visitId, text }: the last non-cash payment taken
  problem: null,     // { visitId, text }: why the last action on the check failed
};

export const nextTicket = () => ++state.tickets;

// Is this tile or check the selected one?
export const isSelected = (x) => keyOf(x) === state.selected;

// A table was closed by this cashier: its new QR code stays in the pane until another pick.
export const closedPinned = () => !!state.pin?.closed;

// The cashier picks a tile: what they were doing on the last one is forgotten.
export function selectKey(key) {
  state.selected = key;
  state.pin = null;
  state.current = null;
  state.tender = CASH.name;
  state.split = state.notice = state.problem = null;
}

// Tiles as the server describes them now (a closed takeaway or counter check goes away).
export function putTiles(list) { list.forEach((t) => state.tables.set(keyOf(t), t)); }
export function dropTile(t) { state.tables.delete(keyOf(t)); }
export function dropCheckTiles() {
  for (const [k, t] of state.tables) if (t.table_id == null) state.tables.delete(k);
}
