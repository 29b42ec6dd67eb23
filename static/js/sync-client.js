/**
 * Talking to the server's sync API: register this tablet, push the outbox in order, pull what changed.
 *
 * One sync at a time per tablet (Web Locks across tabs), retried with exponential backoff and jitter.
 * A pulled page and the new cursor are stored in one IndexedDB transaction, so a crash between them is
 * impossible and replaying a page is harmless. Classic script shared by pages and the service worker.
 */
(function (root) {
  "use strict";
  // Looked up when used, so the order in which the shared scripts were loaded does not matter.
  const DB = new Proxy({}, { get: (_, name) => root.MadoguchiDB[name] });
  const Outbox = new Proxy({}, { get: (_, name) => root.MadoguchiOutbox[name] });
  const API = "/api/sync/v1";
  const BATCH = 100;
  const PULL_LIMIT = 500;
  const HEADERS = { "Content-Type": "application/json", "X-Madoguchi-Sync": "1" };

  class SyncError extends Error {
    constructor(message, { status = 0, retry = true, body = null } = {}) {
      super(message);
      this.status = status;
      this.retry = retry;
      this.body = body;
    }
  }

  function emit(name, detail) {
    if (root.dispatchEvent && root.CustomEvent) root.dispatchEvent(new root.CustomEvent(name, { detail }));
  }

  async function call(method, path, body) {
    let response;
    try {
      response = await fetch(`${API}${path}`, {
        method, headers: HEADERS, credentials: "same-origin", body: body ? JSON.stringify(body) : undefined,
      });
    } catch (error) {
      throw new SyncError("network", { retry: true });
    }
    let data = null;
    try { data = await response.json(); } catch (_) { /* an empty or HTML body */ }
    if (response.ok) return data;
    // 401: signed out; 403: this device was revoked or belongs to someone else. Both keep the outbox.
    const retry = response.status >= 500 || response.status === 429;
    throw new SyncError(`http ${response.status}`, { status: response.status, retry, body: data });
  }

  async function register(userKey, unsent) {
    const clientId = await Outbox.clientId(userKey);
    const label = (root.navigator && root.navigator.userAgentData && root.navigator.userAgentData.platform) || "";
    return call("POST", "/clients", { client_id: clientId, label, unsent });
  }

  /** Push the outbox in sequence order until it is empty or the network fails. */
  async function push(userKey, progress) {
    let sent = 0;
    const total = await Outbox.count(userKey);
    for (;;) {
      const ops = await Outbox.pending(userKey, BATCH);
      if (ops.length === 0) return sent;
      const clientId = ops[0].client_id;
      const wire = ops.map((op) => ({
        op_id: op.op_id, client_seq: op.client_seq, hlc: op.hlc, table: op.table, record_id: op.record_id,
        kind: op.kind, base_version: op.base_version, fields: op.fields,
      }));
      let answer;
      try {
        answer = await call("POST", "/push", { client_id: clientId, ops: wire });
      } catch (error) {
        if (error.status === 409 && error.body && Number.isInteger(error.body.expected_seq)) {
          // The server already has everything before expected_seq: those are acknowledged duplicates.
          const done = ops.filter((op) => op.client_seq < error.body.expected_seq);
          if (done.length) {
            await Outbox.acknowledge(userKey, done.map((op) => ({ op_id: op.op_id, status: "duplicate" })));
            continue;
          }
        }
        await Outbox.noteAttempt(userKey, ops.slice(0, 1).map((op) => op.op_id), error.message);
        throw error;
      }
      await Outbox.acknowledge(userKey, answer.results);
      sent += answer.results.length;
      progress({ phase: "push", done: sent, total });
    }
  }

  /** Pull pages until the server has nothing more; each page and its cursor commit together. */
  async function pull(userKey, progress) {
    let pages = 0;
    for (;;) {
      const cursor = await DB.transaction(["meta"], "readonly", (s) => Outbox.getMeta(s.meta, userKey, "cursor", ""));
      const page = await call("GET", `/pull?limit=${PULL_LIMIT}&cursor=${encodeURIComponent(cursor || "")}`);
      await applyPage(userKey, page);
      pages += 1;
      progress({ phase: "pull", done: pages, total: null });
      if (!page.has_more) return;
    }
  }

  /**
   * Store one pulled page. A pulled row at or past the version this tablet has applied replaces the
   * server's layer of the local record (never skipped as an "echo": after a push the row may hold other
   * tablets' changes too); this tablet's answered changes that the row already contains are dropped,
   * and its unsent ones stay on top until their results arrive.
   */
  async function applyPage(userKey, page) {
    await DB.transaction(["records", "outbox", "meta"], "readwrite", async (s) => {
      if (page.reset) {
        // Replacement sync: drop local copies (never the outbox) and start again from nothing.
        const keys = await DB.done(s.records.index("by_user").getAllKeys(IDBKeyRange.only(userKey)));
        for (const key of keys) s.records.delete(key);
      }
      const queued = await DB.done(s.outbox.index("by_user").getAll(IDBKeyRange.only(userKey)));
      for (const change of page.changes || []) {
        const key = [userKey, change.table, change.id];
        if (change.deleted) { s.records.delete(key); continue; }
        const stored = await DB.done(s.records.get(key));
        const local = Outbox.normalized(stored, userKey, change.table, change.id);
        if (local.server && local.version != null && change.version < local.version) continue; // older
        const shown = Outbox.compose({ ...local, version: change.version,
          server: { fields: change.row || {}, conflicts: change.conflicts || [] } },
        Outbox.queuedFor(queued, change.table, change.id));
        s.records.put(shown);
      }
      for (const gone of [...(page.evictions || []), ...(page.purged || [])]) {
        s.records.delete([userKey, gone.table, gone.id]);
      }
      if (Number.isInteger(page.open_conflicts)) Outbox.putMeta(s.meta, userKey, "open_conflicts", page.open_conflicts);
      Outbox.putMeta(s.meta, userKey, "cursor", page.cursor);
      Outbox.putMeta(s.meta, userKey, "last_sync_at", new Date().toISOString());
    });
  }

  let running = null;
  let failures = 0;
  let timer = null;

  /** Run one full sync (register, push, pull), never two at once on this tablet. */
  function flush(userKey) {
    if (!userKey) return Promise.resolve({ ok: false, reason: "signed-out" });
    if (running) return running;
    const work = async () => {
      const progress = (detail) => emit("madoguchi:sync-progress", detail);
      progress({ phase: "start" });
      try {
        await register(userKey, await Outbox.count(userKey));
        const sent = await push(userKey, progress);
        await pull(userKey, progress);
        // Files after records: a record never waits for its photos, and they follow on their own queue.
        if (root.MadoguchiFiles) {
          const files = await root.MadoguchiFiles.flush(userKey);
          if (files.failed) throw new SyncError("files", { retry: true });
        }
        failures = 0;
        progress({ phase: "done", sent });
        return { ok: true, sent };
      } catch (error) {
        failures += 1;
        progress({ phase: "failed", status: error.status || 0, reason: error.message });
        if (error.retry !== false) schedule(userKey);
        return { ok: false, reason: error.message, status: error.status || 0 };
      } finally {
        emit("madoguchi:outbox-changed", {});
      }
    };
    const locked = root.navigator && root.navigator.locks
      ? root.navigator.locks.request("madoguchi-sync", work) : work();
    running = locked.finally(() => { running = null; });
    return running;
  }

  /** Exponential backoff with jitter: 2 s, 4 s, 8 s … at most 5 minutes. */
  function schedule(userKey) {
    if (timer) return;
    const delay = Math.min(300000, 2000 * 2 ** Math.min(failures, 8)) * (0.5 + Math.random() / 2);
    timer = setTimeout(() => { timer = null; flush(userKey); }, delay);
  }

  root.MadoguchiSync = { flush, applyPage, SyncError, API };
})(typeof self !== "undefined" ? self : globalThis);
