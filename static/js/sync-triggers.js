/**
 * When the tablet syncs: at page load, when the network returns, when the app comes back into view,
 * after every local change (through Background Sync where the browser has it), and on the button.
 */
import "./idb.js";
import "./outbox.js";
import "./sync-client.js";
import "./files.js";

const Sync = globalThis.MadoguchiSync;
const Outbox = globalThis.MadoguchiOutbox;
const DB = globalThis.MadoguchiDB;

async function rememberCurrentUser(userKey) {
  // The service worker syncs for the person signed in on this tablet when no page is open.
  await DB.transaction(["meta"], "readwrite", (s) => Outbox.putMeta(s.meta, "", "current_user", userKey));
}

async function requestBackgroundSync() {
  if (!("serviceWorker" in navigator)) return;
  const registration = await navigator.serviceWorker.ready;
  if ("sync" in registration) await registration.sync.register("madoguchi-outbox").catch(() => {});
}

export function startSync(userKey) {
  if (!userKey) return;
  rememberCurrentUser(userKey).catch(() => {});
  const run = () => (navigator.onLine ? Sync.flush(userKey) : Promise.resolve());
  window.addEventListener("online", run);
  document.addEventListener("visibilitychange", () => { if (document.visibilityState === "visible") run(); });
  window.addEventListener("madoguchi:outbox-changed", () => { requestBackgroundSync(); });
  for (const button of document.querySelectorAll("[data-sync-now]")) {
    button.hidden = false;
    button.addEventListener("click", () => Sync.flush(userKey));
  }
  run();
}
