// Kitchen screens count on the server's clock: a tablet's own clock may be minutes off.
// The offset comes from the page (rendered with the server's now) and is refreshed from
// every join ack and reload, since a kitchen page stays open all service while clocks drift.
export function serverClock(initial) {
  let offset = initial ? Date.parse(initial) - Date.now() : 0;
  return {
    now: () => Date.now() + offset,
    set: (iso) => { if (iso) offset = Date.parse(iso) - Date.now(); },
  };
}

// m:ss of a number of whole seconds.
export function minSec(s) {
  return `${Math.floor(s / 60)}:${String(s % 60).padStart(2, "0")}`;
}

// m:ss left, for a countdown.
export function countdown(ms) {
  return minSec(Math.max(0, Math.ceil(ms / 1000)));
}
