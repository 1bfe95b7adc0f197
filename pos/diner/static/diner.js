// The diner's phone page, one table visit: this entry draws the menu (its photos, filters
// and each dish's sheet), starts the page, and wires the live events to the parts they
// change. The rest is in modules around one state object:
//   state.js     the boot data and the state object: the check, the cart, the filters, ...
//   cart.js      the cart and Place order, with its idempotency key and retries
//   check.js     the table's orders, their items' statuses, the totals (the bill), closing
//   requests.js  calling a waiter, asking for the bill, reporting a problem with a dish
// The first paint waits for these modules only; the socket library is fetched afterwards.
import { connectLive, h } from "/static/live.js";
import { state, boot, token, t, fill, fmt, dishes, saveCart, saveFilters } from "/static/diner/state.js";
import { renderCartBar, openCart, placeOrder } from "/static/diner/cart.js";
import { mergeOrder, refreshCheck, renderOrders, setItemStatus, showClosed } from "/static/diner/check.js";
import { renderHelp, trackRequest } from "/static/diner/requests.js";

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

// Filters: diets to keep, allergens to avoid, not spicy (state.filters, kept on this phone).
const allDishes = [...dishes.values()];
const filterChoices = [
  ...Object.keys(t.diets).filter((k) => allDishes.some((d) => d.diet.includes(k)))
    .map((k) => [`diet:${k}`, t.diets[k], (d) => d.diet.includes(k)]),
  ...(allDishes.some((d) => d.spice > 0) ? [["spice:0", t.notSpicy, (d) => !d.spice]] : []),
  ...Object.keys(t.allergens).filter((k) => allDishes.some((d) => d.allergens.includes(k)))
    .map((k) => [`avoid:${k}`, fill(t.avoid, { allergen: t.allergens[k] }), (d) => !d.allergens.includes(k)]),
];
state.filters = new Set([...state.filters].filter((f) => filterChoices.some(([k]) => k === f)));
const shown = (d) => filterChoices.every(([k, , ok]) => !state.filters.has(k) || ok(d));

function renderFilters() {
  const { filters } = state;
  const box = document.getElementById("filters");
  const hidden = allDishes.filter((d) => !shown(d)).length;
  box.replaceChildren(...[h("div", { class: "chips" }, filterChoices.map(([k, label]) =>
    h("button", { class: filters.has(k) ? "on" : "", "data-filter": k, "aria-pressed": String(filters.has(k)),
                  onclick: () => { filters.has(k) ? filters.delete(k) : filters.add(k); changed(); } }, label))),
  hidden ? h("p", { class: "hidden-note", id: "hidden-note", "data-hidden": hidden },
    hidden === 1 ? t.hiddenOne : fill(t.hidden, { n: hidden }), " · ",
    h("button", { class: "link", id: "show-all", onclick: () => { filters.clear(); changed(); } }, t.showAll),
    h("small", {}, t.filterNote)) : null].filter(Boolean));
  function changed() { saveFilters(); renderFilters(); renderMenu(); }
}

// Spice (chillies, named for screen readers and in the dish's sheet) and diets.
function badges(d, long = false) {
  if (!d.spice && !d.diet.length) return null;
  return h("div", { class: "badges" },
    d.spice ? h("span", { class: `spice s${d.spice}`, "data-spice": d.spice, title: t.spice[d.spice],
                          "aria-label": t.spice[d.spice] }, "🌶".repeat(d.spice), long ? ` ${t.spice[d.spice]}` : "") : null,
    d.diet.map((k) => h("span", { class: `diet ${k}`, "data-diet": k }, t.diets[k] || k)));
}

export function renderMenu() {
  nearby?.disconnect(); // the old cards' pictures
  const cats = boot.menu.map((c) => ({ ...c, dishes: c.dishes.filter(shown) })).filter((c) => c.dishes.length);
  document.getElementById("cats").replaceChildren(...cats.map((c) => h("a", { href: `#cat-${c.id}` }, c.name)));
  document.getElementById("menu").replaceChildren(...(cats.length ? cats.map((c) => h("section", { id: `cat-${c.id}` },
    h("h2", {}, c.name),
    c.dishes.map((d) => {
      const required = d.groups.filter((g) => g.min > 0).map((g) => g.name);
      return h("button", { class: `dish${d.sold_out ? " sold-out" : ""}`, "data-dish": d.id,
                           disabled: d.sold_out || state.closed, onclick: () => openDish(d) },
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
  if (state.closed || d.sold_out) return;
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
    state.cart.lines.push({ dish_id: d.id, quantity: qty, options, note: note.value.trim() || null });
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

// Offline: the banner says the menu and the cart still work.
function setNet(online) {
  const el = document.getElementById("net");
  el.textContent = online ? "" : t.offline;
  el.classList.toggle("hidden", online);
}
window.addEventListener("offline", () => setNet(false));
window.addEventListener("online", () => setNet(true));

document.getElementById("open-cart").addEventListener("click", () => openCart());
renderFilters(); renderMenu(); renderCartBar(); renderOrders(); renderHelp();
if (navigator.onLine === false) setNet(false);
if (state.cart.sending) placeOrder(); // an order whose answer was lost before a reload: the same one again

// The menu works before (and without) the socket; live status arrives once it connects.
function startLive() {
  if (!window.io) { setInterval(() => { if (!state.closed) refreshCheck(); }, 20000); return; } // no socket script: poll
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
