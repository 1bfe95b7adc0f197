// Live updates from the server's outbox over Socket.IO.
// Every event carries a seq. On every (re)connect the page joins its rooms and asks for
// everything after a cursor, so nothing is missed while the socket was away.
// keyOf(event) names the thing an event describes; an older event about the same thing
// than one already applied is dropped, so backlog and live events can arrive in any order
// and an event delivered twice is applied once.
//
// The cursor: events are emitted after their transaction commits, from different threads,
// so seq 7 can arrive a moment before seq 6. The cursor therefore never jumps to the seq of
// a live event just because it arrived. It is set from the join ack (the newest seq at the
// moment the backlog was read: everything up to it was in that backlog), and a live event
// moves it only once it has "settled": the same connection has since delivered something
// (an event or the server's ping) at least SETTLE_MS after it, by when every event committed
// before it has been emitted and, the connection being in order, received. Events that had
// not settled when the connection dropped come again in the next backlog.
const SETTLE_MS = 5000;

export function connectLive({ rooms, seq = 0, token = null, keyOf = (e) => e.seq, onEvent, onReset, onStatus }) {
  let cursor = seq;   // every event of the rooms up to this seq has been delivered
  let pending = [];   // [seq, performance.now() when it arrived] of live events not yet settled
  const applied = new Map();
  const socket = window.io({ transports: ["websocket", "polling"] });
  const heard = () => {  // the connection is alive now: settle what arrived SETTLE_MS before
    const before = performance.now() - SETTLE_MS;
    pending = pending.filter(([s, at]) => {
      if (at > before) return true;
      cursor = Math.max(cursor, s);
      return false;
    });
  };
  const deliver = (env) => {
    const key = keyOf(env);
    if ((applied.get(key) ?? -1) >= env.seq) return;
    applied.set(key, env.seq);
    onEvent(env);
  };
  socket.on("connect", () => {
    socket.emit("join", { rooms, after: cursor, token }, (ack) => {
      if (!ack || ack.error) { onStatus?.("refused", ack && ack.error); return; }
      // Everything up to ack.seq was committed when the backlog was read, so it is in it.
      cursor = ack.seq;
      pending = pending.filter(([s]) => s > cursor);
      if (ack.reset) onReset?.(); else ack.events.forEach(deliver);
      onStatus?.("online");
    });
  });
  socket.on("disconnect", () => { pending = []; onStatus?.("offline"); });
  socket.on("update", (env) => {
    heard();
    pending.push([env.seq, performance.now()]);
    deliver(env);
  });
  socket.io.on("ping", heard);
  return { socket, lastSeq: () => cursor };
}

export function money(minor, currency, minorUnit, lang) {
  return new Intl.NumberFormat(lang || undefined, {
    style: "currency", currency, minimumFractionDigits: minorUnit, maximumFractionDigits: minorUnit,
  }).format(minor / 10 ** minorUnit);
}

export async function api(method, url, body) {
  const res = await fetch(url, {
    method, credentials: "same-origin",
    headers: body === undefined ? {} : { "Content-Type": "application/json" },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const data = await res.json().catch(() => ({}));
  if (!res.ok) { const err = new Error(data.error?.message || res.statusText); err.status = res.status; err.body = data; throw err; }
  return data;
}

// Build DOM without innerHTML, so names and notes are always text, never markup.
export function h(tag, attrs = {}, ...children) {
  const el = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) {
    if (v === null || v === undefined || v === false) continue;
    if (k.startsWith("on")) el.addEventListener(k.slice(2), v);
    else if (k === "class") el.className = v;
    else el.setAttribute(k, v === true ? "" : v);
  }
  for (const c of children.flat()) if (c !== null && c !== undefined && c !== false) el.append(c);
  return el;
}
