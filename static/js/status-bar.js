/**
 * The always-visible line under the header: connection, unsent changes, last successful sync, progress
 * during a long sync, rejected items and conflicts (with a link), and a clear "safe to sign out" state.
 * The sync state is one at a time: syncing; or unsent changes (with why the last try failed); or all sent
 * with the last sync time; or not synced yet. The connection is shown beside it.
 */
import "./idb.js";
import { formatMoment } from "./calendar-ja.js";
import "./outbox.js";

const DB = globalThis.MadoguchiDB;
const Outbox = globalThis.MadoguchiOutbox;

function fill(template, values) {
  return template.replace(/\{(\w+)\}/g, (_, name) => String(values[name] ?? ""));
}

async function facts(userKey) {
  return DB.transaction(["meta", "outbox", "files"], "readonly", async (s) => ({
    unsent: (await DB.done(s.outbox.index("by_user").count(IDBKeyRange.only(userKey))))
      + (await DB.done(s.files.index("by_user_sent").count(IDBKeyRange.only([userKey, 0])))),
    lastSync: await Outbox.getMeta(s.meta, userKey, "last_sync_at", null),
    rejected: (await Outbox.getMeta(s.meta, userKey, "rejected", [])).length,
    // The server's count of records awaiting a decision (as the conflict inbox lists them), from the
    // last pull: a count of this tablet's own conflicting pushes would never go down.
    conflicts: await Outbox.getMeta(s.meta, userKey, "open_conflicts", 0),
  }));
}

export function startStatusBar(userKey) {
  const bar = document.getElementById("status-bar");
  if (!bar) return () => {};
  const labels = bar.dataset;
  const part = (name) => bar.querySelector(`[data-${name}]`);

  async function refresh() {
    const online = navigator.onLine;
    bar.dataset.state = online ? "online" : "offline";
    part("connection").textContent = online ? labels.labelOnline : labels.labelOffline;
    if (!userKey) return;
    const { unsent, lastSync, rejected, conflicts } = await facts(userKey);
    const outbox = part("outbox");
    outbox.dataset.pending = String(unsent > 0);
    outbox.dataset.count = String(unsent);
    outbox.textContent = unsent > 0 ? fill(labels.labelUnsent, { count: unsent }) : labels.labelAllSent;
    const lastLine = part("last-sync");
    lastLine.textContent = lastSync
      ? fill(labels.labelLastSync, { time: formatMoment(lastSync, document.documentElement.lang) })
      : labels.labelNeverSynced;
    const syncing = bar.dataset.syncing === "true";
    const progress = part("progress");
    if (progress) progress.hidden = !progress.textContent;
    outbox.hidden = syncing || (unsent === 0 && !lastSync);
    lastLine.hidden = syncing || unsent > 0;
    const problems = part("problems");
    if (problems) {
      problems.hidden = rejected === 0 && conflicts === 0;
      problems.textContent = fill(labels.labelProblems, { rejected, conflicts });
    }
  }

  window.addEventListener("online", refresh);
  window.addEventListener("offline", refresh);
  window.addEventListener("madoguchi:outbox-changed", refresh);
  window.addEventListener("madoguchi:sync-progress", (event) => {
    const { phase, done, total, status } = event.detail || {};
    const line = part("progress");
    if (!line) return;
    bar.dataset.syncing = String(phase === "push" || phase === "pull" || phase === "start");
    if (phase === "push" && total) line.textContent = fill(labels.labelPushing, { done, total });
    else if (phase === "pull") line.textContent = fill(labels.labelPulling, { done });
    else if (phase === "start") line.textContent = labels.labelSyncing;
    else if (phase === "failed") line.textContent = status === 401 ? labels.labelSignedOut
      : status === 403 ? labels.labelRefused : labels.labelRetry;
    else line.textContent = "";
    refresh();
  });
  refresh().catch((error) => console.error("status bar", error));
  return refresh;
}
