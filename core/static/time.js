// The restaurant's time on every screen, whatever zone the device is set to: formats in the
// restaurant's time zone (the page's boot data says which), or the device's own when the
// browser does not know that zone.
export function knownZone(tz) {
  try { new Intl.DateTimeFormat(undefined, { timeZone: tz || undefined }); return tz || undefined; }
  catch { return undefined; }
}

export function timeFormat(tz, opts, locale = undefined) {
  return new Intl.DateTimeFormat(locale, { ...opts, timeZone: knownZone(tz) });
}

// hh:mm (24 hours) of an ISO time in the restaurant's zone; "" for a time that is not one.
export function clockText(iso, tz, locale = "en-GB") {
  try { return timeFormat(tz, { hour: "2-digit", minute: "2-digit", hourCycle: "h23" }, locale).format(new Date(iso)); }
  catch { return ""; }
}

// The restaurant's days, whatever zone the device is in. Wall-clock parts of an instant:
const wallParts = (tz) => timeFormat(tz, { hourCycle: "h23", year: "numeric", month: "2-digit", day: "2-digit",
                                           hour: "2-digit", minute: "2-digit", second: "2-digit" }, "en-US");
const wall = (ms, tz) => Object.fromEntries(wallParts(tz).formatToParts(new Date(ms)).map((p) => [p.type, p.value]));
const pad = (n) => String(n).padStart(2, "0");

// Minutes the restaurant's clock is ahead of UTC at the instant ms.
function offsetAt(ms, tz) {
  const p = wall(ms, tz);
  return Math.round((Date.UTC(+p.year, +p.month - 1, +p.day, +p.hour % 24, +p.minute, +p.second) - ms) / 60000);
}

// "2026-11-27" -> "2026-11-27T00:00:00+08:00": the start of that day in the restaurant.
export function dayStart(day, tz) {
  const [y, m, d] = day.split("-").map(Number);
  const guess = Date.UTC(y, m - 1, d);
  const offset = offsetAt(guess - offsetAt(guess, tz) * 60000, tz);
  const abs = Math.abs(offset);
  return `${day}T00:00:00${offset < 0 ? "-" : "+"}${pad(Math.floor(abs / 60))}:${pad(abs % 60)}`;
}

export function nextDay(day) {
  const [y, m, d] = day.split("-").map(Number);
  const t = new Date(Date.UTC(y, m - 1, d + 1));
  return `${t.getUTCFullYear()}-${pad(t.getUTCMonth() + 1)}-${pad(t.getUTCDate())}`;
}

// The restaurant's date today, "2026-11-27".
export function today(tz) {
  const p = wall(Date.now(), tz);
  return `${p.year}-${p.month}-${p.day}`;
}

// "2026-11-27 19:04:05" of an ISO time in the restaurant's zone, as every screen writes dates;
// "" for a time that is not one.
export function stampText(iso, tz) {
  const ms = Date.parse(iso);
  if (Number.isNaN(ms)) return "";
  const p = wall(ms, tz);
  return `${p.year}-${p.month}-${p.day} ${p.hour}:${p.minute}:${p.second}`;
}
