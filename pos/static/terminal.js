import { connectLive, api, h, money } from "/static/live.js";

const boot = JSON.parse(document.getElementById("boot").textContent);
const fmt = (m) => money(m, boot.currency, boot.minor_unit);
const tables = new Map(boot.tables.map((t) => [t.table_id, t]));
let selected = null; // table id
const STATE = { free: "Free 空枱", ordering: "Ordering 已落單", eating: "Eating 用餐中", paid: "Paid 已付款" };

function renderFloor() {
  document.getElementById("floor").replaceChildren(...[...tables.values()].map((t) =>
    h("button", { class: `tile ${t.state}${t.table_id === selected ? " selected" : ""}`, "data-table": t.table_id,
                  onclick: () => select(t.table_id) },
      h("span", { class: "name" }, t.table),
      h("span", { class: "state" }, STATE[t.state] || t.state),
      h("span", {}, t.items ? `${t.items} · ${t.total_formatted}` : `${t.seats} seats`))));
}

async function select(tableId) {
  selected = tableId;
  renderFloor();
  const t = tables.get(tableId);
  renderCheck(await api("GET", `/api/pos/visits/${t.visit_id}`));
}

function renderCheck(c, extra = null) {
  const pane = document.getElementById("check");
  const f = c.totals.formatted;
  const rows = c.orders.flatMap((o) => o.items.map((i) => h("tr", { class: i.status },
    h("td", {}, `${i.quantity} × ${i.name}`, i.modifiers.length ? h("small", {}, ` (${i.modifiers.join(", ")})`) : null,
      i.note ? h("small", {}, ` “${i.note}”`) : null),
    h("td", {}, h("span", { class: "chip" }, i.status)), h("td", { class: "amt" }, fmt(i.amount)))));
  const sums = [["Subtotal 小計", f.subtotal], c.totals.service_charge ? ["Service 服務費", f.service_charge] : null,
    c.totals.tax ? [c.totals.tax_included ? "incl. tax 含稅" : "Tax 稅", f.tax] : null, ["Total 合計", f.total, "total"],
    c.totals.paid ? ["Paid 已付", f.paid] : null, ["Due 應付", f.due, "total"]].filter(Boolean);
  const tendered = h("input", { type: "number", min: 0, step: "0.1", inputmode: "decimal", id: "tendered",
                                placeholder: "Cash received 收現金" });
  const unit = 10 ** boot.minor_unit;
  const quick = [c.totals.due, ...[100, 500, 1000].map((x) => x * unit).filter((x) => x > c.totals.due)].slice(0, 4);
  const pay = async () => {
    const minor = Math.round(Number(tendered.value) * unit);
    if (!minor) return;
    try {
      const r = await api("POST", `/api/pos/visits/${c.visit_id}/payments/cash`, { tendered: minor });
      renderCheck(r.check, h("div", { class: "change", id: "change" }, `Change 找續 ${r.change_formatted}`));
    } catch (e) { alert(e.message); }
  };
  const close = async () => {
    try {
      const r = await api("POST", `/api/pos/visits/${c.visit_id}/close`);
      pane.replaceChildren(h("h2", {}, `${c.table} closed 已結帳`),
        h("div", { class: "newqr" }, h("p", {}, "New QR code for the next guests 新客人二維碼"),
          h("img", { src: `/api/pos/tables/${r.table_id}/qr.png?v=${r.next_visit_id}`, alt: "QR" }),
          h("p", {}, h("a", { href: r.url, target: "_blank", id: "next-link" }, "open link"))));
    } catch (e) { alert(e.message); }
  };
  pane.replaceChildren(...[
    h("h2", {}, `${c.table} `, h("small", {}, STATE[c.state] || c.state)),
    rows.length ? h("table", {}, h("tbody", {}, rows)) : h("p", { class: "hint" }, "No orders yet 未有訂單"),
    h("table", { class: "sums" }, h("tbody", {}, sums.map(([k, v, cls]) => h("tr", { class: `sum ${cls || ""}` },
      h("td", {}, k), h("td", { class: "amt" }, v))))),
    extra,
    c.totals.due > 0 ? h("div", { class: "pay" }, tendered,
      h("div", { class: "quick" }, quick.map((q) => h("button", { onclick: () => { tendered.value = (q / unit).toFixed(boot.minor_unit); } }, fmt(q)))),
      h("button", { class: "primary", id: "take-cash", onclick: pay }, "Take cash 收現金")) : null,
    h("div", { class: "pay" }, h("button", { id: "close-table", disabled: c.totals.due > 0, onclick: close }, "Close table 結枱")),
  ].filter(Boolean));
}

connectLive({
  rooms: ["pos"], seq: boot.seq,
  keyOf: (e) => (e.kind === "table" ? `t${e.data.table_id}` : `e${e.seq}`),
  onEvent: async (e) => {
    if (e.kind !== "table") return;
    tables.set(e.data.table_id, e.data);
    renderFloor();
    if (e.data.table_id === selected && !document.getElementById("change") && !document.getElementById("next-link")) {
      renderCheck(await api("GET", `/api/pos/visits/${e.data.visit_id}`));
    }
  },
  onReset: async () => { (await api("GET", "/api/pos/tables")).forEach((t) => tables.set(t.table_id, t)); renderFloor(); },
  onStatus: (st) => { document.getElementById("conn").className = `status-dot ${st}`; },
});
document.getElementById("logout").addEventListener("click", async () => { await api("POST", "/api/staff/logout"); location.href = "/login?next=/pos"; });
renderFloor();
