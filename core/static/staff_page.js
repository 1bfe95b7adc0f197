// What every staff screen shares: the page's boot data (the #boot JSON the server rendered)
// and the sign-out button (#logout), which comes back to this page after the next sign-in.
import { api } from "/static/live.js";

export const boot = JSON.parse(document.getElementById("boot")?.textContent || "{}");

export function wireSignOut(next = location.pathname) {
  document.getElementById("logout")?.addEventListener("click", async () => {
    await api("POST", "/api/staff/logout");
    location.href = `/login?next=${encodeURI(next)}`;
  });
}
