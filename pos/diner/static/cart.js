// The cart and ordering from it: the bar at the bottom, the cart's sheet, and Place order
// with its idempotency key and retries.
import { api, h } from "/static/live.js";
import { state, token, t, fill, fmt, dishes, servicePct, saveCart } from "/static/diner/state.js";
import { mergeOrder, showClosed } from "/static/diner/check.js";
import { renderMenu } from "/static/diner/diner.js";

function lineTotal(l) {
  const d = dishes.get(l.dish_id);
  const extra = d.groups.flatMap((g) => g.options).filter((o) => l.options.includes(o.id)).reduce((a, o) => a + o.price_delta, 0);
  return (d.price + extra) * l.quantity;
}

const cartSubtotal = () => state.cart.lines.reduce((a, l) => a + lineTotal(l), 0);

export function renderCartBar() {
  const { cart } = state;
  const bar = document.getElementById("cartbar");
  const n = cart.lines.reduce((a, l) => a + l.quantity, 0);
  bar.classList.toggle("hidden", (n === 0 && !cart.sending) || state.closed);
  bar.classList.toggle("busy", !!cart.sending);
  document.getElementById("open-cart").textContent = n ? fill(t.cart, {
    items: fill(n === 1 ? t.itemsOne : t.itemsOther, { n }), total: fmt(cartSubtotal()) })
    : (state.sendState === "retrying" ? t.retrying : t.sending);
}

// What is wrong with a cart line: the server's answer to the last order, and a dish sold out since.
function lineProblems(l, idx) {
  const codes = [...(state.problems.get(idx) || [])];
  if (dishes.get(l.dish_id).sold_out && !codes.includes("sold_out")) codes.unshift("sold_out");
  return codes;
}
const problemText = (code) => t.errors[code] || t.errors.other;

export function openCart(statusLines = null) {
  const { cart } = state;
  const dlg = document.getElementById("cart-dialog");
  statusLines = statusLines || (state.sendState === "retrying" ? [t.retrying] : null);
  const status = h("div", { class: `error-box${statusLines ? "" : " hidden"}`, id: "cart-status", role: "alert" },
    (statusLines || []).map((line, i) => h(i ? "p" : "strong", {}, line)));
  const submit = h("button", { class: "primary", id: "place-order", disabled: !!cart.sending,
                               onclick: () => placeOrder() }, cart.sending ? t.sending : t.place);
  const describe = (l) => {
    const d = dishes.get(l.dish_id);
    const opts = d.groups.flatMap((g) => g.options).filter((o) => l.options.includes(o.id)).map((o) => o.name);
    return [`${l.quantity} × ${d.name}`, opts.length ? h("small", {}, opts.join(", ")) : null,
      l.note ? h("small", { class: "note" }, l.note) : null];
  };
  const onItsWay = (cart.sending?.lines || []).map((l) => h("div", { class: "cart-line sending", "data-dish": l.dish_id },
    h("div", {}, ...describe(l)), h("div", { class: "line-side" }, h("span", {}, fmt(lineTotal(l))))));
  const lines = cart.lines.map((l, idx) => {
    const codes = lineProblems(l, idx);
    return h("div", { class: `cart-line${codes.length ? " problem" : ""}`, "data-line": idx, "data-dish": l.dish_id },
      h("div", {}, ...describe(l),
        codes.map((c) => h("small", { class: "line-error", "data-code": c }, problemText(c)))),
      h("div", { class: "line-side" }, h("span", {}, fmt(lineTotal(l))),
        h("button", { class: "remove", onclick: () => removeLine(idx) }, t.remove)));
  });
  const summary = lines.length ? h("div", { class: "cart-sums" },
    h("div", { class: "sum-row" }, h("span", {}, t.subtotal), h("span", { id: "cart-subtotal" }, fmt(cartSubtotal()))),
    servicePct > 0 ? h("div", { class: "sum-row service", id: "cart-service" }, fill(t.serviceAdded, { pct: servicePct })) : null) : null;
  dlg.replaceChildren(...[h("h2", {}, t.yourOrder), ...onItsWay,
    ...(lines.length || onItsWay.length ? lines : [h("p", {}, t.empty)]), summary, status,
    h("div", { class: "row-actions" }, h("button", { onclick: () => dlg.close() }, t.close), lines.length ? submit : null)]
    .filter(Boolean));
  if (!dlg.open) dlg.showModal();
}

function spliceLine(idx) {
  state.cart.lines.splice(idx, 1);
  // the other lines keep their problems, under their new index
  state.problems = new Map([...state.problems].filter(([i]) => i !== idx).map(([i, c]) => [i > idx ? i - 1 : i, c]));
}

function removeLine(idx) {
  spliceLine(idx);
  saveCart(); renderCartBar();
  if (state.cart.lines.length || state.cart.sending) openCart(); else document.getElementById("cart-dialog").close();
}

// The server's refusal, line by line: {line, code, message, dish_id?} (or, for a request
// that does not match the schema, {field: "items.3.note", message, type}).
function refusal(err) {
  const { cart } = state;
  const top = err.body?.error?.code;
  const details = Array.isArray(err.body?.error?.details) ? err.body.error.details : [];
  const problems = state.problems = new Map();
  const general = [];
  for (const d of details) {
    const code = d.code || top;
    const idx = Number.isInteger(d.line) ? d.line : Number((/^items\.(\d+)/.exec(d.field || "") || [])[1] ?? NaN);
    if (code === "sold_out" && d.dish_id && dishes.has(d.dish_id)) dishes.get(d.dish_id).sold_out = true;
    if (Number.isInteger(idx) && cart.lines[idx] && dishes.has(cart.lines[idx].dish_id)) {
      const codes = problems.get(idx) || [];
      if (!codes.includes(code)) codes.push(code);
      problems.set(idx, codes);
    } else general.push(problemText(code));
  }
  renderMenu();
  const named = [...problems].map(([idx, codes]) => `${dishes.get(cart.lines[idx].dish_id).name}${t.colon}${codes.map(problemText).join(t.sep)}`);
  if (!named.length && !general.length) general.push(top && t.errors[top] ? t.errors[top] : err.message);
  return [t.problems, ...named, ...general];
}

// One submit, one order: tapping Place order sets the lines apart with a key made once
// (cart.sending, kept in the browser). A double tap, a retry after a timeout or a reload
// after a lost answer all send that same key with the same lines; the server answers a
// repeated key with the order it already has. Lines added meanwhile wait for the next order.
let inFlight = null;
export function placeOrder() {
  const { cart } = state;
  if (state.closed) return null;
  if (!cart.sending) {
    if (!cart.lines.length) return null;
    const key = (crypto.randomUUID ? crypto.randomUUID() : `${Date.now()}-${Math.random().toString(36).slice(2)}`)
      .replace(/[^A-Za-z0-9_-]/g, "");
    cart.sending = { key, lines: cart.lines };
    cart.lines = []; state.problems = new Map(); saveCart();
  }
  inFlight = inFlight || send().finally(() => { inFlight = null; state.sendState = ""; renderCartBar(); });
  return inFlight;
}

function setSendState(sendState) {
  state.sendState = sendState;
  renderCartBar();
  if (document.getElementById("cart-dialog").open) openCart();
}

async function send() {
  setSendState("sending");
  for (let attempt = 0; ; attempt++) {
    const { cart } = state; // a new one once the table is closed
    if (!cart.sending || state.closed) return; // the table was closed meanwhile: nothing to send
    const { key, lines } = cart.sending;
    try {
      const order = await api("POST", `/api/visits/${token}/orders`, { idempotency_key: key, items: lines });
      state.cart.sending = null; saveCart();
      mergeOrder(order);
      state.sendState = "";
      const dlg = document.getElementById("cart-dialog");
      if (state.cart.lines.length) { if (dlg.open) openCart(); } else dlg.close();
      window.scrollTo({ top: 0, behavior: "smooth" });
      return;
    } catch (e) {
      if (e.status && e.status < 500) {
        const code = e.body?.error?.code;
        const back = state.cart.sending.lines;
        state.cart.lines = [...back, ...state.cart.lines]; // back in the cart, first, as they were
        state.cart.sending = null; state.sendState = "";
        if (code === "visit_closed") { saveCart(); showClosed(); return; }
        const said = code === "rate_limited" ? [t.slowDown] : refusal(e); // each refused line marked
        // a line of a dish this page does not know (gone from the menu) cannot be shown: it goes
        for (let i = back.length - 1; i >= 0; i--) if (!dishes.has(back[i].dish_id)) spliceLine(i);
        saveCart(); renderCartBar();
        openCart(said);
        return;
      }
      setSendState("retrying");
      await new Promise((r) => setTimeout(r, Math.min(1000 * 2 ** attempt, 8000)));
    }
  }
}
