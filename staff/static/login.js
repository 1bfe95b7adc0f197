// The PIN pad of the sign-in page.
import { api } from "/static/live.js";
const next = JSON.parse(document.getElementById("boot").textContent).next;
let user = null, pin = "";
const show = () => { document.getElementById("pin").textContent = "•".repeat(pin.length); };
document.querySelectorAll("[data-user]").forEach((b) => b.addEventListener("click", () => {
  user = Number(b.dataset.user); document.querySelectorAll("[data-user]").forEach((x) => x.classList.toggle("on", x === b));
}));
async function submit() {
  const err = document.getElementById("err");
  try {
    await api("POST", "/api/staff/login", { user_id: user, pin });
    const to = new URL(next, location.origin);  // resolved as the browser would: /\\host or tabs cannot leave the site
    location.href = to.origin === location.origin ? to.pathname + to.search + to.hash : "/";
  }
  catch (e) { err.textContent = user ? e.message : "Choose your name first 請先選擇姓名"; err.classList.remove("hidden"); pin = ""; show(); }
}
const MAX_PIN = 8;
document.querySelectorAll("[data-key]").forEach((b) => b.addEventListener("click", () => {
  const k = b.dataset.key;
  if (k === "C") pin = ""; else if (k === "OK") return submit(); else if (pin.length < MAX_PIN) pin += k;
  show();
}));
document.addEventListener("keydown", (e) => {
  if (/^[0-9]$/.test(e.key)) { if (pin.length < MAX_PIN) pin += e.key; show(); }
  else if (e.key === "Enter") { e.preventDefault(); submit(); }  // not also a click on a focused pad key
  else if (e.key === "Backspace") { pin = pin.slice(0, -1); show(); }
});
