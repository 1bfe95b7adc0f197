import { connectLive, api, h, money } from "/static/live.js";

const boot = JSON.parse(document.getElementById("boot").textContent);
const { token, lang } = boot;
// The interface strings come from the server's message catalogues, in the page's language.
const t = boot.t;
const fill = (s, vars) => s.replace(/\{(\w+)\}/g, (m, k) => (k in vars ? vars[k] : m));
const fmt = (m) => money(m, boot.currency, boot.minor_unit, lang);
const dishes = new Map(boot.menu.flatMap((c) => c.dishes).map((d) => [d.id, d]));
const servicePct = Number(boot.service_pct || 0);
let check = boot.check;
let closed = false;

// The cart lives in the browser, per visit, so a reload or a dropped connection keeps it.
// cart.sending is the order on its way: its lines and the idempotency key made when Place
// order was tapped. It is set apart from cart.lines, so the diner may go on choosing while it
// is retried, and every retry, even after a reload, sends exactly the same order.
const CART_KEY = `cart:${boot.visit_id}`;
let cart = JSON.parse(localStorage.getItem(CART_KEY) || '{"lines":[]}');
if (cart.key && !cart.sending) cart.sending = { key: cart.key, lines: cart.lines }, cart.lines = []; // kept by an older page
delete cart.key;
const known = (lines) => lines.filter((l) => dishes.has(l.dish_id)); // a dish taken off the menu since
cart.lines = known(cart.lines);
// An order on its way is sent as it was (the server may have it already); a line of a dish
// gone from the menu comes back refused, and then leaves the cart.
cart.sending = cart.sending?.lines?.length ? cart.sending : null;
let sendState = ""; // "sending" or "retrying" while cart.sending is on its way
const saveCart = () => localStorage.setItem(CART_KEY, JSON.stringify(cart));
let problems = new Map(); // cart line index -> [error code] from the last refused order

const allergenNames = (codes) => codes.map((a) => t.allergens[a] || a).join(" · ");
const rule = (g) => (g.min > 0 ? (g.min === g.max ? fill(t.requiredOne, { n: g.min }) : fill(t.requiredRange, g))
  : fill(t.optional, g));

// Photos: served at the sizes a phone needs (srcset), fetched only when scrolled near.
// Thumbnails are fetched when they come within half a screen of being seen (the
// browser's own lazy loading fetches several screens ahead, too eager on a crowded Wi-Fi).
const nearby = "IntersectionObserver" in window ? new IntersectionObserver((seen) => {
  for (const e of seen) if (e.isIntersecting) { const img = e.target; nearby.unobserve(img); img.srcset = img.dataset.srcset; img.src = img.dataset.src; }
}, { rootMargin: "50% 0px" }) : null;

function thumb(d, cls) {
  if (!d.image) return null;
  const hero = cls === "hero";
  const widths = boot.photo_widths[hero ? "hero" : "thumb"];
  const at = (w) => d.image.replace("{w}", w);
  const src = at(widths[0]), srcset = widths.map((w) => `${at(w)} ${w}w`).join(", ");
  const later = !hero && nearby;
  const img = h("img", { class: cls, src: later ? null : src, srcset: later ? null : srcset,
                         "data-src": src, "data-srcset": srcset, sizes: hero ? "(max-width: 560px) 100vw, 560px" : "64px",
                         alt: "", loading: "lazy", decoding: "async", onerror: (e) => e.target.remove() });
  if (later) nearby.observe(img);
  return img;
}

// Filters: diets to keep, allergens to avoid, not spicy. Remembered on this phone.
const FILTER_KEY = "diner:filters";
let filters = new Set(JSON.parse(localStorage.getItem(FILTER_KEY) || "[]"));
const allDishes = [...dishes.values()];
const filterChoices = [
  ...Object.keys(t.diets).filter((k) => allDishes.some((d) => d.diet.includes(k)))
    .map((k) => [`diet:${k}`, t.diets[k], (d) => d.diet.includes(k)]),
  ...(allDishes.some((d) => d.spice > 0) ? [["spice:0", t.notSpicy, (d) => !d.spice]] : []),
  ...Object.keys(t.allergens).filter((k) => allDishes.some((d) => d.allergens.includes(k)))
    .map((k) => [`avoid:${k}`, fill(t.avoid, { allergen: t.allergens[k] }), (d) => !d.allergens.includes(k)]),
];
filters = new Set([...filters].filter((f) => filterChoices.some(([k]) => k === f)));
const shown = (d) => filterChoices.every(([k, , ok]) => !filters.has(k) || ok(d));

function renderFilters() {
  const box = document.getElementById("filters");
  const hidden = allDishes.filter((d) => !shown(d)).length;
  box.replaceChildren(...[h("div", { class: "chips" }, filterChoices.map(([k, label]) =>
    h("button", { class: filters.has(k) ? "on" : "", "data-filter": k, "aria-pressed": String(filters.has(k)),
                  onclick: () => { filters.has(k) ? filters.delete(k) : filters.add(k); changed(); } }, label))),
  hidden ? h("p", { class: "hidden-note", id: "hidden-note", "data-hidden": hidden },
    hidden === 1 ? t.hiddenOne : fill(t.hidden, { n: hidden }), " · ",
    h("button", { class: "link", id: "show-all", onclick: () => { filters.clear(); changed(); } }, t.showAll),
    h("small", {}, t.filterNote)) : null].filter(Boolean));
  function changed() { localStorage.setItem(FILTER_KEY, JSON.stringify([...filters])); renderFilters(); renderMenu(); }
}

// Spice (chillies, named for screen readers and in the dish's sheet) and diets.
function badges(d, long = false) {
  if (!d.spice && !d.diet.length) return null;
  return h("div", { class: "badges" },
    d.spice ? h("span", { class: `spice s${d.spice}`, "data-spice": d.spice, title: t.spice[d.spice],
                          "aria-label": t.spice[d.spice] }, "🌶".repeat(d.spice), long ? ` ${t.spice[d.spice]}` : "") : null,
    d.diet.map((k) => h("span", { class: `diet ${k}`, "data-diet": k }, t.diets[k] || k)));
}

function renderMenu() {
  nearby?.disconnect(); // the old cards' pictures
  const cats = boot.menu.map((c) => ({ ...c, dishes: c.dishes.filter(shown) })).filter((c) => c.dishes.length);
  document.getElementById("cats").replaceChildren(...cats.map((c) => h("a", { href: `#cat-${c.id}` }, c.name)));
  document.getElementById("menu").replaceChildren(...(cats.length ? cats.map((c) => h("section", { id: `cat-${c.id}` },
    h("h2", {}, c.name),
    c.dishes.map((d) => {
      const required = d.groups.filter((g) => g.min > 0).map((g) => g.name);
      return h("button", { class: `dish${d.sold_out ? " sold-out" : ""}`, "data-dish": d.id,
                           disabled: d.sold_out || closed, onclick: () => openDish(d) },
        thumb(d, "thumb"),
        h("div", { class: "info" }, h("div", { class: "name" }, d.name), badges(d),
          h("div", { class: "desc" }, d.description),
          d.allergens.length ? h("div", { class: "tags", "data-allergens": d.allergens.join(" ") },
            `${t.contains}${allergenNames(d.allergens)}`) : null,
          required.length ? h("div", { class: "choose" }, fill(t.choose, { groups: required.join(t.sep) })) : null),
        h("div", { class: "side" }, h("div", { class: "price" }, fmt(d.price)),
          d.sold_out ? h("div", { class: "badge" }, t.soldOut) : null));
    }))) : [h("p", { class: "nothing" }, t.nothing)]));
}

function openDish(d) {
  if (closed || d.sold_out) return;
  const dlg = document.getElementById("dish-dialog");
  let qty = 1;
  const qtyOut = h("output", { "aria-label": t.qty }, "1");
  const note = h("textarea", { maxlength: 200, placeholder: t.note });
  const error = h("p", { class: "error-box hidden", role: "alert" });
  // Nothing is chosen for the diner: a required group waits for their pick.
  const groups = d.groups.map((g) => h("fieldset", { "data-group": g.id, onchange: (e) => e.currentTarget.classList.remove("missing") },
    h("legend", {}, g.name, " ", h("span", { class: `rule${g.min > 0 ? " req" : ""}` }, rule(g))),
    g.options.map((o) => h("label", { class: "opt" },
      h("span", {}, h("input", { type: g.max === 1 ? "radio" : "checkbox", name: `g${g.id}`, value: o.id }), " ", o.name),
      o.price_delta ? h("span", {}, `+${fmt(o.price_delta)}`) : ""))));
  const add = () => {
    const options = [...dlg.querySelectorAll("input:checked")].map((x) => Number(x.value));
    const wrong = d.groups.filter((g) => {
      const n = g.options.filter((o) => options.includes(o.id)).length;
      return n < g.min || n > g.max;
    });
    groups.forEach((el, i) => el.classList.toggle("missing", wrong.includes(d.groups[i])));
    if (wrong.length) {
      error.textContent = wrong.map((g) => `${g.name}${t.colon}${rule(g)}`).join(t.sep);
      error.classList.remove("hidden");
      groups[d.groups.indexOf(wrong[0])].scrollIntoView({ block: "nearest", behavior: "smooth" });
      return;
    }
    cart.lines.push({ dish_id: d.id, quantity: qty, options, note: note.value.trim() || null });
    saveCart(); renderCartBar(); dlg.close();
  };
  dlg.replaceChildren(...[thumb(d, "hero"), h("h2", {}, d.name), badges(d, true), h("p", { class: "desc" }, d.description),
    d.allergens.length ? h("p", { class: "tags" }, `${t.contains}${allergenNames(d.allergens)}`) : null,
    ...groups,
    h("div", { class: "qty" }, h("button", { onclick: () => { qty = Math.max(1, qty - 1); qtyOut.textContent = qty; } }, "−"), qtyOut,
      h("button", { onclick: () => { qty = Math.min(50, qty + 1); qtyOut.textContent = qty; } }, "+")),
    note, error,
    h("div", { class: "row-actions" }, h("button", { onclick: () => dlg.close() }, t.close),
      h("button", { class: "primary", id: "add-to-cart", onclick: add }, t.add))].filter(Boolean));
  dlg.showModal();
}

function lineTotal(l) {
  const d = dishes.get(l.dish_id);
  const extra = d.groups.flatMap((g) => g.options).filter((o) => l.options.includes(o.id)).reduce((a, o) => a + o.price_delta, 0);
  return (d.price + extra) * l.quantity;
}

const cartSubtotal = () => cart.lines.reduce((a, l) => a + lineTotal(l), 0);

function renderCartBar() {
  const bar = document.getElementById("cartbar");
  const n = cart.lines.reduce((a, l) => a + l.quantity, 0);
  bar.classList.toggle("hidden", (n === 0 && !cart.sending) || closed);
  bar.classList.toggle("busy", !!cart.sending);
  document.getElementById("open-cart").textContent = n ? fill(t.cart, {
    items: fill(n === 1 ? t.itemsOne : t.itemsOther, { n }), total: fmt(cartSubtotal()) })
    : (sendState === "retrying" ? t.retrying : t.sending);
}

// What is wrong with a cart line: the server's answer to the last order, and a dish sold out since.
function lineProblems(l, idx) {
  const codes = [...(problems.get(idx) || [])];
  if (dishes.get(l.dish_id).sold_out && !codes.includes("sold_out")) codes.unshift("sold_out");
  return codes;
}
const problemText = (code) => t.errors[code] || t.errors.other;

function openCart(statusLines = null) {
  const dlg = document.getElementById("cart-dialog");
  statusLines = statusLines || (sendState === "retrying" ? [t.retrying] : null);
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
  cart.lines.splice(idx, 1);
  // the other lines keep their problems, under their new index
  problems = new Map([...problems].filter(([i]) => i !== idx).map(([i, c]) => [i > idx ? i - 1 : i, c]));
}

function removeLine(idx) {
  spliceLine(idx);
  saveCart(); renderCartBar();
  if (cart.lines.length || cart.sending) openCart(); else document.getElementById("cart-dialog").close();
}

// The server's refusal, line by line: {line, code, message, dish_id?} (or, for a request
// that does not match the schema, {field: "items.3.note", message, type}).
function refusal(err) {
  const top = err.body?.error?.code;
  const details = Array.isArray(err.body?.error?.details) ? err.body.error.details : [];
  problems = new Map();
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
function placeOrder() {
  if (closed) return null;
  if (!cart.sending) {
    if (!cart.lines.length) return null;
    const key = (crypto.randomUUID ? crypto.randomUUID() : `${Date.now()}-${Math.random().toString(36).slice(2)}`)
      .replace(/[^A-Za-z0-9_-]/g, "");
    cart.sending = { key, lines: cart.lines };
    cart.lines = []; problems = new Map(); saveCart();
  }
  inFlight = inFlight || send().finally(() => { inFlight = null; sendState = ""; renderCartBar(); });
  return inFlight;
}

function setSendState(state) {
  sendState = state;
  renderCartBar();
  if (document.getElementById("cart-dialog").open) openCart();
}

async function send() {
  setSendState("sending");
  for (let attempt = 0; ; attempt++) {
    if (!cart.sending || closed) return; // the table was closed meanwhile: nothing to send
    const { key, lines } = cart.sending;
    try {
      const order = await api("POST", `/api/visits/${token}/orders`, { idempotency_key: key, items: lines });
      cart.sending = null; saveCart();
      mergeOrder(order);
      sendState = "";
      const dlg = document.getElementById("cart-dialog");
      if (cart.lines.length) { if (dlg.open) openCart(); } else dlg.close();
      window.scrollTo({ top: 0, behavior: "smooth" });
      return;
    } catch (e) {
      if (e.status && e.status < 500) {
        const code = e.body?.error?.code;
        const back = cart.sending.lines;
        cart.lines = [...back, ...cart.lines]; // back in the cart, first, as they were
        cart.sending = null; sendState = "";
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

function mergeOrder(order) {
  if (!check.orders.some((o) => o.id === order.id)) {
    check.orders.push({ id: order.id, number: order.number, created_at: order.created_at,
                        promised_at: order.promised_at, late: order.late, items: order.items });
  }
  refreshCheck();
  renderHelp();  // a dish to report a problem with
}

let refreshAgain = null;
async function refreshCheck() {
  if (closed) return;
  try { check = await api("GET", `/api/visits/${token}?lang=${encodeURIComponent(lang)}`); }
  catch (e) {
    if (e.body?.error?.code === "visit_closed") { showClosed(); return; }
    // no answer (offline): draw what the page has, and ask again shortly so the totals catch up
    if (!e.status && !refreshAgain) refreshAgain = setTimeout(() => { refreshAgain = null; refreshCheck(); }, 3000);
  }
  renderOrders();
}

function renderOrders() {
  const box = document.getElementById("orders");
  if (!check.orders.length) { box.replaceChildren(); return; }
  const tt = check.totals, f = tt.formatted;
  const sums = [[t.subtotal, f.subtotal, "subtotal"],
    tt.service_charge ? [servicePct > 0 ? fill(t.servicePct, { pct: servicePct }) : t.service, f.service_charge, "service"] : null,
    tt.tax && !tt.tax_included ? [t.tax, f.tax, "tax"] : null,
    [t.total, f.total, "total"],
    tt.paid ? [t.paid, f.paid, "paid"] : null].filter(Boolean);
  box.replaceChildren(h("h2", {}, t.yours), ...check.orders.map((o) => {
    const waiting = o.items.some((i) => i.status === "queued" || i.status === "cooking");
    return h("div", { class: "order", "data-order": o.id },
    h("strong", {}, fill(t.order, { number: o.number })),
    o.promised_at && waiting ? h("span", { class: "promise", "data-promised": o.promised_at }, ` · ${fill(t.promised, { time: hhmm(o.promised_at) })}`) : null,
    o.late && o.items.some((i) => ["queued", "cooking", "ready"].includes(i.status))
      ? h("p", { class: "apology", role: "status" }, boot.apology) : null,
    h("ul", {}, o.items.map((i) => h("li", { "data-item": i.id, class: i.status },
      h("div", { class: "item" }, `${i.quantity} × ${i.name}`,
        i.modifiers.length ? h("small", {}, ` (${i.modifiers.join(", ")})`) : null,
        i.note ? h("small", { class: "note" }, i.note) : null),
      (i.status === "queued" || i.status === "cooking") && i.due_at
        ? h("small", { class: "eta", "data-due": i.due_at }, fill(t.eta, { time: hhmm(i.due_at) })) : null,
      h("span", { class: `chip ${i.status}`, "data-status": i.status }, t[i.status] || i.status)))));
  }),
    h("table", { class: "totals", id: "bill" }, h("tbody", {}, sums.map(([k, v, key]) =>
      h("tr", { class: key, "data-sum": key }, h("td", {}, k), h("td", {}, v))))));
}

// hh:mm in the restaurant's time zone.
const hhmm = (iso) => new Intl.DateTimeFormat(lang, { hour: "2-digit", minute: "2-digit", hour12: false,
                                                     timeZone: boot.tz }).format(new Date(iso));

function setItemStatus(data) {
  const { items } = data;
  for (const u of items) for (const o of check.orders) for (const i of o.items) {
    if (i.id === u.id) { i.status = u.status; i.due_at = u.due_at; }
  }
  for (const o of check.orders) if (o.id === data.order_id && data.late !== undefined) o.late = data.late;
  renderOrders();
  if (items.some((u) => u.status === "voided")) refreshCheck(); // the totals changed
}

// The table's check was settled: the bill stays readable, ordering stops.
function showClosed() {
  if (closed) return;
  closed = true;
  const el = document.getElementById("closed");
  el.replaceChildren(h("strong", {}, t.closed));
  el.classList.remove("hidden");
  localStorage.removeItem(CART_KEY);
  cart = { lines: [], sending: null };
  for (const id of ["dish-dialog", "cart-dialog"]) { const d = document.getElementById(id); if (d.open) d.close(); }
  renderCartBar(); renderMenu();
  window.scrollTo({ top: 0, behavior: "smooth" });
}

// Asking the staff: call a waiter, ask for the bill, or report a problem with a dish. The
// line under the buttons says it was sent, then that someone is on the way (live).
const asked = new Map(); // request id -> request
function renderHelp() {
  const box = document.getElementById("help");
  if (!box || boot.kind !== "table" || closed) { box?.replaceChildren(); return; }
  const open = [...asked.values()].filter((r) => !r.resolved_at);
  box.replaceChildren(
    h("div", { class: "help-buttons" },
      h("button", { id: "call-waiter", onclick: () => ask({ kind: "waiter" }) }, t.waiter),
      h("button", { id: "ask-bill", onclick: () => ask({ kind: "bill" }) }, t.bill),
      check.orders.length ? h("button", { id: "report-problem", onclick: problemDialog }, t.problem) : null),
    ...open.map((r) => h("p", { class: `help-status ${r.acknowledged_at ? "seen" : ""}`, "data-request": r.id, role: "status" },
      r.acknowledged_at ? `${t.asked[r.kind]} · ${t.seen}` : t.asked[r.kind])));
}

function trackRequest(r) {
  asked.set(r.id, r);
  renderHelp();
}

// A request is safe to send again (the server keeps one call, or one identical problem
// report, while it rings), so a flaky network is retried a few times; what still fails is
// said plainly.
async function ask(body) {
  for (let attempt = 0; ; attempt++) {
    try { trackRequest(await api("POST", `/api/visits/${token}/requests`, body)); return true; }
    catch (e) {
      if (e.body?.error?.code === "visit_closed") { showClosed(); renderHelp(); return false; }
      if (!e.status && attempt < 3) {
        await new Promise((r) => setTimeout(r, 1000 * 2 ** attempt));
        continue;
      }
      note(e.status === 429 && e.body?.error?.code === "rate_limited" ? t.slowDown : t.askFailed);
      return false;
    }
  }
}

// A line under the help buttons for what could not be done.
function note(text) {
  const box = document.getElementById("help");
  box.querySelector(".help-error")?.remove();
  box.append(h("p", { class: "help-error error-box", role: "alert" }, text));
}

// Offline: the banner says the menu and the cart still work.
function setNet(online) {
  const el = document.getElementById("net");
  el.textContent = online ? "" : t.offline;
  el.classList.toggle("hidden", online);
}
window.addEventListener("offline", () => setNet(false));
window.addEventListener("online", () => setNet(true));

function problemDialog() {
  const dlg = document.getElementById("help-dialog");
  let item = null, reason = null;
  const items = check.orders.flatMap((o) => o.items).filter((i) => i.status !== "voided");
  const text = h("textarea", { id: "problem-text", maxlength: 300, rows: 2 });
  const send = h("button", { class: "primary", id: "send-problem", disabled: true, onclick: async () => {
    send.disabled = true;
    if (await ask({ kind: "problem", item_id: item, reason, text: text.value.trim() || null })) dlg.close();
    else send.disabled = false;
  } }, t.send);
  const pick = (group, value, set) => (e) => {
    group.querySelectorAll("button").forEach((b) => b.classList.remove("on"));
    e.currentTarget.classList.add("on");
    set(value);
    send.disabled = !(item && reason);
  };
  const itemsBox = h("div", { class: "chips" });
  itemsBox.append(...items.map((i) => h("button", { "data-item": i.id, onclick: pick(itemsBox, i.id, (v) => { item = v; }) },
    `${i.quantity} × ${i.name}`)));
  const reasonsBox = h("div", { class: "chips" });
  reasonsBox.append(...Object.entries(t.reasons).map(([code, label]) => h("button", { "data-reason": code,
    onclick: pick(reasonsBox, code, (v) => { reason = v; }) }, label)));
  dlg.replaceChildren(h("h2", {}, t.problem), h("p", {}, t.which), itemsBox, h("p", {}, t.why), reasonsBox,
    h("label", {}, t.more, text), h("div", { class: "actions" }, h("button", { onclick: () => dlg.close() }, t.close), send));
  dlg.showModal();
}

document.getElementById("open-cart").addEventListener("click", () => openCart());
renderFilters(); renderMenu(); renderCartBar(); renderOrders(); renderHelp();
if (navigator.onLine === false) setNet(false);
if (cart.sending) placeOrder(); // an order whose answer was lost before a reload: the same one again

// The menu works before (and without) the socket; live status arrives once it connects.
function startLive() {
  if (!window.io) { setInterval(() => { if (!closed) refreshCheck(); }, 20000); return; } // no socket script: poll
  connectLive({
    rooms: [`visit:${boot.visit_id}`, "menu"], seq: boot.seq, token,
    keyOf: (e) => e.kind === "request" ? `r${e.data.id}` : e.kind === "items" ? `i${e.data.items.map((i) => i.id).join(",")}`
      : e.kind === "dish" ? `d${e.data.dish_id}` : `e${e.seq}`,
    onEvent: (e) => {
      if (e.kind === "order") mergeOrder(e.data);
      else if (e.kind === "items") setItemStatus(e.data);
      else if (e.kind === "visit_closed") { showClosed(); renderHelp(); }
      else if (e.kind === "request") trackRequest(e.data);
      else if (e.kind === "dish") {
        const d = dishes.get(e.data.dish_id);
        if (d) { d.sold_out = e.data.sold_out; renderMenu(); if (document.getElementById("cart-dialog").open) openCart(); }
      }
    },
    onReset: refreshCheck,
    onStatus: (st, err) => { if (st === "refused" && err) showClosed(); else setNet(st === "online" || navigator.onLine); },
  });
}
// The socket's script (its smaller ES module build) is fetched once the menu is drawn.
import("/vendor/socket.io.esm.min.js").then(({ io }) => { window.io = io; }, () => {}).finally(startLive);
