// What the server booted the diner's page with, and the one state object the page's
// modules read and change: the table's check, the cart, the filters, the requests asked.
import { money } from "/static/live.js";
import { clockText } from "/static/time.js";

export const boot = JSON.parse(document.getElementById("boot").textContent);
export const { token, lang } = boot;
// The interface strings come from the server's message catalogues, in the page's language.
export const t = boot.t;
export const fill = (s, vars) => s.replace(/\{(\w+)\}/g, (m, k) => (k in vars ? vars[k] : m));
export const fmt = (m) => money(m, boot.currency, boot.minor_unit, lang);
// hh:mm in the restaurant's time zone.
export const hhmm = (iso) => clockText(iso, boot.tz, lang);
export const dishes = new Map(boot.menu.flatMap((c) => c.dishes).map((d) => [d.id, d]));
export const servicePct = Number(boot.service_pct || 0);

// The cart lives in the browser, per visit, so a reload or a dropped connection keeps it.
// cart.sending is the order on its way: its lines and the idempotency key made when Place
// order was tapped. It is set apart from cart.lines, so the diner may go on choosing while it
// is retried, and every retry, even after a reload, sends exactly the same order.
const CART_KEY = `cart:${boot.visit_id}`;
const cart = JSON.parse(localStorage.getItem(CART_KEY) || '{"lines":[]}');
if (cart.key && !cart.sending) cart.sending = { key: cart.key, lines: cart.lines }, cart.lines = []; // kept by an older page
delete cart.key;
const known = (lines) => lines.filter((l) => dishes.has(l.dish_id)); // a dish taken off the menu since
cart.lines = known(cart.lines);
// An order on its way is sent as it was (the server may have it already); a line of a dish
// gone from the menu comes back refused, and then leaves the cart.
cart.sending = cart.sending?.lines?.length ? cart.sending : null;

// Filters: diets to keep, allergens to avoid, not spicy. Remembered on this phone.
const FILTER_KEY = "diner:filters";

export const state = {
  check: boot.check, // the table's orders and totals, as the server last said
  closed: false, // the table's check was settled: the bill stays readable, ordering stops
  cart,
  sendState: "", // "sending" or "retrying" while cart.sending is on its way
  problems: new Map(), // cart line index -> [error code] from the last refused order
  filters: new Set(JSON.parse(localStorage.getItem(FILTER_KEY) || "[]")),
  asked: new Map(), // request id -> request (a waiter called, the bill asked for, a problem)
};

export const saveCart = () => localStorage.setItem(CART_KEY, JSON.stringify(state.cart));
export function forgetCart() {
  localStorage.removeItem(CART_KEY);
  state.cart = { lines: [], sending: null };
}
export const saveFilters = () => localStorage.setItem(FILTER_KEY, JSON.stringify([...state.filters]));
