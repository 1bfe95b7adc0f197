// Live updates from the server's outbox over Socket.IO.
// Every event carries a seq. On every (re)connect the page joins its rooms and asks for
// everything after a cursor, so nothing is missed while the socket was away.
// keyOf(event) names the thing an event describes; an older event about the same thing
// than one already applied is dropped, so backlog and live events can arrive in any order
// and an event delivered twice is applied once.
//
// The cursor: events are emitted after their transaction commits, from different threads
// (and, with several server processes, through Redis), so seq 7 can arrive before seq 6.
// So the cursor never moves because a live event arrived: it is set only from the join
// ack, the newest seq when the backlog was read (everything up to it was in that backlog).
// A reconnect therefore asks again for the events since the last join; those already
// applied are dropped by keyOf, the others (say a 6 that was late) are delivered.
export function connectLive({ rooms, seq = 0, token = null, keyOf = (e) => e.seq, onEvent, onReset, onStatus, onJoin }) {
  let cursor = seq;   // every event of the rooms up to this seq has been delivered
  const applied = new Map();
  const socket = window.io({ transports: ["websocket", "polling"] });
  const deliver = (env) => {
    const key = keyOf(env);
    if ((applied.get(key) ?? -1) >= env.seq) return;
    applied.set(key, env.seq);
    onEvent(env);
  };
  socket.on("connect", () => {
    socket.emit("join", { rooms, after: cursor, token }, (ack) => {
      if (!ack || ack.error) { onStatus?.("refused", ack && ack.error); return; }
      cursor = ack.seq;
      onJoin?.(ack);
      if (ack.reset) { applied.clear(); onReset?.(); } else ack.events.forEach(deliver);
      onStatus?.("online");
    });
  });
  socket.on("disconnect", () => onStatus?.("offline"));
  socket.on("update", deliver);
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
