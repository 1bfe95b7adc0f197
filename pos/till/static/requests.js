// Diners' requests on the terminal: "T5 calls a waiter", "T3 asks for the bill", "T2:
// 宮保雞丁 is cold". A new request rings (a short chime, again every few seconds) and its
// card flashes until someone taps "On it"; it stays listed until "Done". Live through
// the "pos" room's request events (the terminal's connectLive hands them to update()).
import { api, h } from "/static/live.js";

const KIND = { waiter: "Calls a waiter 叫侍應", bill: "Asks for the bill 埋單", problem: "Problem with a dish 菜式問題" };
const REASON = { wrong_dish: "wrong dish 上錯菜", cold: "cold 凍咗", taste: "taste 味道", foreign_object: "foreign object 異物",
                 missing: "missing 漏單", slow: "too slow 太慢", other: "other 其他" };
export const RING_EVERY_MS = 6000;

let audio = null;
function chime() {
  try {
    audio = audio || new AudioContext();
    if (audio.state === "suspended") audio.resume();  // allowed after any tap on the page
    const t = audio.currentTime;
    for (const [i, f] of [880, 660].entries()) {
      const o = audio.createOscillator(), g = audio.createGain();
      o.frequency.value = f;
      g.gain.setValueAtTime(0.0001, t + i * 0.18);
      g.gain.exponentialRampToValueAtTime(0.3, t + i * 0.18 + 0.02);
      g.gain.exponentialRampToValueAtTime(0.0001, t + i * 0.18 + 0.16);
      o.connect(g).connect(audio.destination);
      o.start(t + i * 0.18);
      o.stop(t + i * 0.18 + 0.17);
    }
  } catch { /* no audio device: the flashing card still shows it */ }
}

export function watchRequests(box, { itemName = (r) => (r.item ? Object.values(r.item)[0] : "") } = {}) {
  const open = new Map();  // id -> request
  let rings = 0;
  const ringing = () => [...open.values()].some((r) => !r.acknowledged_at);
  box.dataset.rings = "0";

  function ring() {
    if (!ringing()) return;
    chime();
    box.dataset.rings = String(++rings);  // what a test (or a curious person) can see
  }
  setInterval(ring, RING_EVERY_MS);

  function render() {
    const list = [...open.values()].sort((a, b) => a.id - b.id);
    box.replaceChildren(...list.map((r) => h("div", {
      class: `request ${r.kind}${r.acknowledged_at ? " seen" : " ringing"}`, "data-request": r.id },
      h("strong", {}, r.table), " ", h("span", { class: "what" }, KIND[r.kind] || r.kind),
      r.kind === "problem" ? h("span", { class: "detail" }, ` · ${itemName(r)} · ${REASON[r.reason] || r.reason}`,
        r.text ? h("q", {}, r.text) : null) : null,
      r.acknowledged_at ? null : h("button", { class: "ack", onclick: () => act(r, "ack") }, "On it 收到"),
      h("button", { class: "done", onclick: () => act(r, "resolve", {}) }, "Done 完成"))));
    box.classList.toggle("has-requests", list.length > 0);
  }

  async function act(r, verb, body) {
    try { update(await api("POST", `/api/pos/requests/${r.id}/${verb}`, body)); } catch (e) { alert(e.message); }
  }

  function update(r) {
    const known = open.get(r.id);
    if (r.resolved_at) open.delete(r.id); else open.set(r.id, r);
    render();
    if (!known && !r.acknowledged_at && !r.resolved_at) ring();  // a new one rings at once
  }

  async function reload() {
    const list = await api("GET", "/api/pos/requests");
    open.clear();
    list.forEach((r) => open.set(r.id, r));
    render();
  }

  reload();
  return { update, reload };
}
