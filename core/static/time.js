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
