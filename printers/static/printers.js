// Printer alerts, shared by the cashier terminal and the kitchen screens: a red badge per
// printer that reports trouble, has failed over to its backup, or has had jobs waiting
// while nothing printed since the last poll. Each badge has a Test button (a test page).
import { api, h } from "/static/live.js";

export const PRINTER_POLL_MS = 15000;
const TROUBLE = { paper_low: "paper low 紙將用完", paper_out: "out of paper 缺紙", offline: "offline 離線",
                  unreachable: "not answering 無回應" };

export function watchPrinters(box) {
  const lastPoll = new Map();
  let polls = 0;
  async function poll() {
    let list;
    try { list = await api("GET", "/api/printers"); } catch { return; }
    const alerts = [];
    for (const p of list) {
      const prev = lastPoll.get(p.name);
      lastPoll.set(p.name, p);
      if (!p.enabled) continue;
      const stuck = p.queue_depth > 0 && prev && prev.queue_depth > 0 && prev.last_printed_at === p.last_printed_at;
      const trouble = TROUBLE[p.state];
      if (p.last_error || stuck || trouble || p.failed_over_to) {
        const parts = [trouble, p.failed_over_to ? `printing on ${p.failed_over_to} 改用 ${p.failed_over_to}` : null,
                       `${p.queue_depth} waiting`].filter(Boolean);
        alerts.push(h("span", { class: "printer-alert", "data-printer": p.name, "data-state": p.state || "unknown",
                                title: p.state_detail || p.last_error || "Nothing printed lately 未有列印" },
          h("span", { class: "label" }, `Printer ${p.name}: ${parts.join(" · ")}`),
          h("button", { class: "test-print", title: "Print a test page 測試列印",
                        onclick: () => api("POST", `/api/printers/${encodeURIComponent(p.name)}/test`).then(poll) },
            "Test")));
      }
    }
    box.replaceChildren(...alerts);
    box.dataset.polls = ++polls;
  }
  poll();
  setInterval(poll, PRINTER_POLL_MS);
}
