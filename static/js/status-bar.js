/** The always-visible line under the header: connection, unsent changes, last successful sync. */
import "./idb.js";
import { countUnsent } from "./offline-data.js";

const DB = globalThis.MadoguchiDB;

function fill(template, values) {
  return template.replace(/\{(\w+)\}/g, (_, name) => String(values[name] ?? ""));
}

async function lastSync(userKey) {
  if (!userKey) return null;
  const row = await DB.transaction(["meta"], "readonly", (s) => DB.done(s.meta.get([userKey, "last_sync_at"])));
  return row ? row.value : null;
}

export function startStatusBar(userKey) {
  const bar = document.getElementById("status-bar");
  if (!bar) return () => {};
  const labels = bar.dataset;
  const connection = bar.querySelector("[data-connection]");
  const outbox = bar.querySelector("[data-outbox]");
  const last = bar.querySelector("[data-last-sync]");

  async function refresh() {
    const online = navigator.onLine;
    bar.dataset.state = online ? "online" : "offline";
    connection.textContent = online ? labels.labelOnline : labels.labelOffline;
    if (!userKey) return;
    const count = await countUnsent(userKey);
    outbox.dataset.pending = String(count > 0);
    outbox.dataset.count = String(count);
    outbox.textContent = count > 0 ? fill(labels.labelUnsent, { count }) : labels.labelAllSent;
    const when = await lastSync(userKey);
    last.textContent = when
      ? fill(labels.labelLastSync, { time: new Date(when).toLocaleString(document.documentElement.lang) })
      : labels.labelNeverSynced;
  }

  window.addEventListener("online", refresh);
  window.addEventListener("offline", refresh);
  window.addEventListener("madoguchi:outbox-changed", refresh);
  refresh().catch((error) => console.error("status bar", error));
  return refresh;
}
