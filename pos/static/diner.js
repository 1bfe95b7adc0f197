import { connectLive, api, h, money } from "/static/live.js";

const boot = JSON.parse(document.getElementById("boot").textContent);
const { token, lang } = boot;
const T = {
  en: { add: "Add to order", cart: (n, t) => `View order · ${n} item${n === 1 ? "" : "s"} · ${t}`, place: "Place order",
        note: "Notes for the kitchen", soldOut: "Sold out", required: (a, b) => a === b ? `choose ${a}` : `choose ${a}–${b}`,
        optional: (b) => `optional, up to ${b}`, yours: "Your table's orders", order: "Order", total: "Total",
        queued: "Queued", cooking: "Cooking", ready: "Ready", served: "Served", voided: "Cancelled",
        sending: "Sending…", retrying: "No connection, retrying…", remove: "Remove", close: "Close", empty: "Your order is empty",
        closed: "This table has been closed. Thank you! Scan the code on your table to order again.", sent: "Order sent" },
  "zh-Hant": { add: "加入訂單", cart: (n, t) => `查看訂單 · ${n} 項 · ${t}`, place: "落單", note: "給廚房的備註",
        soldOut: "已售罄", required: (a, b) => a === b ? `必選 ${a} 項` : `選 ${a}–${b} 項`, optional: (b) => `可選，最多 ${b} 項`,
        yours: "本枱訂單", order: "訂單", total: "合計", queued: "排隊中", cooking: "製作中", ready: "已完成", served: "已上菜",
        voided: "已取消", sending: "傳送中…", retrying: "網絡中斷，重試中…", remove: "刪除", close: "關閉", empty: "訂單是空的",
        closed: "此枱已結帳，多謝光臨！如需再點餐，請掃描枱上二維碼。", sent: "已落單" },
};
const t = T[lang] || T[lang?.startsWith("zh") ? "zh-Hant" : "en"];
const fmt = (m) => money(m, boot.currency, boot.minor_unit, lang);
const dishes = new Map(boot.menu.flatMap((c) => c.dishes).map((d) => [d.id, d]));
let check = boot.check;

// The cart lives in the browser, per visit, so a reload or a dropped connection keeps it.
const CART_KEY = `cart:${boot.visit_id}`;
let cart = JSON.parse(localStorage.getItem(CART_KEY) || '{"lines":[],"key":null}');
const saveCart = () => localStorage.setItem(CART_KEY, JSON.stringify(cart));

function renderMenu() {
  document.getElementById("cats").replaceChildren(...boot.menu.map((c) => h("a", { href: `#cat-${c.id}` }, c.name)));
  document.getElementById("menu").replaceChildren(...boot.menu.map((c) => h("section", { id: `cat-${c.id}` },
    h("h2", {}, c.name),
    c.dishes.map((d) => h("button", { class: `dish${d.sold_out ? " sold-out" : ""}`, "data-dish": d.id,
                                      disabled: d.sold_out, onclick: () => openDish(d) },
      h("div", {}, h("div", { class: "name" }, d.name), h("div", { class: "desc" }, d.description),
        d.allergens.length ? h("div", { class: "tags" }, d.allergens.join(" · ")) : null),
      h("div", {}, h("div", { class: "price" }, fmt(d.price)), d.sold_out ? h("div", { class: "badge" }, t.soldOut) : null))))));
}

function openDish(d) {
  const dlg = document.getElementById("dish-dialog");
  let qty = 1;
  const qtyOut = h("output", {}, "1");
  const note = h("textarea", { maxlength: 200, placeholder: t.note });
  const groups = d.groups.map((g) => h("fieldset", { "data-group": g.id },
    h("legend", {}, g.name, " ", h("span", { class: "rule" }, g.min > 0 ? t.required(g.min, g.max) : t.optional(g.max))),
    g.options.map((o, i) => h("label", { class: "opt" },
      h("span", {}, h("input", { type: g.max === 1 ? "radio" : "checkbox", name: `g${g.id}`, value: o.id,
                                checked: g.min > 0 && g.max === 1 && i === 0 }), " ", o.name),
      o.price_delta ? h("span", {}, `+${fmt(o.price_delta)}`) : ""))));
  const error = h("p", { class: "error-box hidden" });
  const add = () => {
    const options = [...dlg.querySelectorAll("input:checked")].map((x) => Number(x.value));
    for (const g of d.groups) {
      const n = g.options.filter((o) => options.includes(o.id)).length;
      if (n < g.min || n > g.max) { error.textContent = `${g.name}: ${g.min > 0 ? t.required(g.min, g.max) : t.optional(g.max)}`; error.classList.remove("hidden"); return; }
    }
    cart.lines.push({ dish_id: d.id, quantity: qty, options, note: note.value.trim() || null });
    cart.key = null; // the cart changed: the next submit is a new order
    saveCart(); renderCartBar(); dlg.close();
  };
  dlg.replaceChildren(h("h2", {}, d.name), h("p", { class: "desc" }, d.description), ...groups,
    h("div", { class: "qty" }, h("button", { onclick: () => { qty = Math.max(1, qty - 1); qtyOut.textContent = qty; } }, "−"), qtyOut,
      h("button", { onclick: () => { qty = Math.min(50, qty + 1); qtyOut.textContent = qty; } }, "+")),
    note, error,
    h("div", { class: "row-actions" }, h("button", { onclick: () => dlg.close() }, t.close),
      h("button", { class: "primary", id: "add-to-cart", onclick: add }, t.add)));
  dlg.showModal();
}

function lineTotal(l) {
  const d = dishes.get(l.dish_id);
  const extra = d.groups.flatMap((g) => g.options).filter((o) => l.options.includes(o.id)).reduce((a, o) => a + o.price_delta, 0);
  return (d.price + extra) * l.quantity;
}

function renderCartBar() {
  const bar = document.getElementById("cartbar");
  const n = cart.lines.reduce((a, l) => a + l.quantity, 0);
  bar.classList.toggle("hidden", n === 0);
  document.getElementById("open-cart").textContent = t.cart(n, fmt(cart.lines.reduce((a, l) => a + lineTotal(l), 0)));
}

function openCart() {
  const dlg = document.getElementById("cart-dialog");
  const status = h("p", { class: "error-box hidden", id: "cart-status" });
  const submit = h("button", { class: "primary", id: "place-order", onclick: () => placeOrder(submit, status) }, t.place);
  const lines = cart.lines.map((l, idx) => {
    const d = dishes.get(l.dish_id);
    const opts = d.groups.flatMap((g) => g.options).filter((o) => l.options.includes(o.id)).map((o) => o.name);
    return h("div", { class: "cart-line" },
      h("div", {}, `${l.quantity} × ${d.name}`, opts.length ? h("small", {}, opts.join(", ")) : null, l.note ? h("small", {}, l.note) : null),
      h("div", {}, fmt(lineTotal(l)), " ", h("button", { onclick: () => { cart.lines.splice(idx, 1); cart.key = null; saveCart(); renderCartBar(); cart.lines.length ? openCart() : dlg.close(); } }, t.remove)));
  });
  dlg.replaceChildren(h("h2", {}, t.place), ...(lines.length ? lines : [h("p", {}, t.empty)]), status,
    h("div", { class: "row-actions" }, h("button", { onclick: () => dlg.close() }, t.close), submit));
  if (!dlg.open) dlg.showModal();
}

// One submit, one order: the idempotency key is made once per cart and kept with it,
// so a double tap, a retry after a timeout or a reload after a lost answer all send the same key.
async function placeOrder(button, status) {
  if (!cart.lines.length) return;
  button.disabled = true;
  cart.key = cart.key || (crypto.randomUUID ? crypto.randomUUID() : `${Date.now()}-${Math.random().toString(36).slice(2)}`).replace(/[^A-Za-z0-9_-]/g, "");
  saveCart();
  status.classList.add("hidden");
  for (let attempt = 0; ; attempt++) {
    try {
      const order = await api("POST", `/api/visits/${token}/orders`, { idempotency_key: cart.key, items: cart.lines });
      cart = { lines: [], key: null }; saveCart(); renderCartBar();
      mergeOrder(order);
      document.getElementById("cart-dialog").close();
      window.scrollTo({ top: 0, behavior: "smooth" });
      return;
    } catch (e) {
      if (e.status && e.status < 500) {
        const details = e.body?.error?.details;
        status.textContent = Array.isArray(details) ? details.map((d) => d.message).join(" ") : e.message;
        status.classList.remove("hidden"); button.disabled = false;
        if (e.body?.error?.code === "visit_closed") showClosed();
        return;
      }
      status.textContent = t.retrying; status.classList.remove("hidden");
      await new Promise((r) => setTimeout(r, Math.min(1000 * 2 ** attempt, 8000)));
    }
  }
}

function mergeOrder(order) {
  if (!check.orders.some((o) => o.id === order.id)) {
    check.orders.push({ id: order.id, number: order.number, created_at: order.created_at, items: order.items });
  }
  refreshCheck();
}

async function refreshCheck() {
  try { check = await api("GET", `/api/visits/${token}?lang=${lang}`); }
  catch (e) { if (e.body?.error?.code === "visit_closed") return showClosed(); }
  renderOrders();
}

function renderOrders() {
  const box = document.getElementById("orders");
  if (!check.orders.length) { box.replaceChildren(); return; }
  box.replaceChildren(h("h2", {}, t.yours), ...check.orders.map((o) => h("div", { class: "order", "data-order": o.id },
    h("strong", {}, `${t.order} #${o.number}`),
    h("ul", {}, o.items.map((i) => h("li", { "data-item": i.id },
      h("span", {}, `${i.quantity} × ${i.name}`, i.modifiers.length ? h("small", {}, ` (${i.modifiers.join(", ")})`) : null),
      h("span", { class: `chip ${i.status}`, "data-status": i.status }, t[i.status] || i.status)))))),
    h("div", { class: "totals" }, `${t.total} ${check.totals.formatted.total}`));
}

function setItemStatus(items) {
  for (const u of items) for (const o of check.orders) for (const i of o.items) if (i.id === u.id) i.status = u.status;
  renderOrders();
}

function showClosed() {
  const el = document.getElementById("closed");
  el.textContent = t.closed; el.classList.remove("hidden");
  localStorage.removeItem(CART_KEY);
}

document.getElementById("open-cart").addEventListener("click", openCart);
renderMenu(); renderCartBar(); renderOrders();

// The menu works before (and without) the socket; live status arrives once it connects.
function startLive() {
  connectLive({
    rooms: [`visit:${boot.visit_id}`, "menu"], seq: boot.seq, token,
    keyOf: (e) => e.kind === "items" ? `i${e.data.items.map((i) => i.id).join(",")}` : `e${e.seq}`,
    onEvent: (e) => {
      if (e.kind === "order") mergeOrder(e.data);
      else if (e.kind === "items") setItemStatus(e.data.items);
      else if (e.kind === "visit_closed") showClosed();
      else if (e.kind === "dish") { const d = dishes.get(e.data.dish_id); if (d) { d.sold_out = e.data.sold_out; renderMenu(); } }
    },
    onReset: refreshCheck,
    onStatus: (st, err) => { if (st === "refused" && err) showClosed(); },
  });
}
if (window.io) startLive(); else window.addEventListener("load", startLive);
