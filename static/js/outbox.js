/**
 * The tablet's outbox: every change is written to the local record AND queued as an operation in ONE
 * IndexedDB transaction, with a gap-free sequence number, so closing the page or a dead battery at any
 * moment never loses a queued change nor leaves a local change without its operation.
 *
 * Classic script (attaches to the global object) so pages and the service worker share it.
 */
(function (root) {
  "use strict";
  // Looked up when used, so the order in which the shared scripts were loaded does not matter.
  const DB = new Proxy({}, { get: (_, name) => root.MadoguchiDB[name] });

  function uuid() {
    return root.crypto.randomUUID();
  }

  function metaKey(userKey, key) {
    return [userKey, key];
  }

  async function getMeta(store, userKey, key, fallback) {
    const row = await DB.done(store.get(metaKey(userKey, key)));
    return row ? row.value : fallback;
  }

  function putMeta(store, userKey, key, value) {
    store.put({ user_key: userKey, key, value });
  }

  /** Hybrid logical clock: wall time, a counter for events in the same millisecond, and the client id. */
  function tick(last, clientId, nowMs) {
    const [lastMs, lastCounter] = last ? [Number(last.split(":")[0]), Number(last.split(":")[1])] : [0, 0];
    const ms = Math.max(nowMs, lastMs);
    const counter = ms === lastMs ? lastCounter + 1 : 0;
    return `${String(ms).padStart(13, "0")}:${String(counter).padStart(5, "0")}:${clientId}`;
  }

  /** This person's client id on this tablet, created on first use. */
  async function clientId(userKey) {
    return DB.transaction(["meta"], "readwrite", async (s) => {
      let id = await getMeta(s.meta, userKey, "client_id", null);
      if (!id) {
        id = uuid();
        putMeta(s.meta, userKey, "client_id", id);
        putMeta(s.meta, userKey, "next_seq", 1);
      }
      return id;
    });
  }

  /**
   * Record a change made on this tablet.
   * @param {string} userKey the signed-in person's key
   * @param {{table: string, id: string, kind: string, fields?: object, base_version?: number|null}} change
   * @returns {Promise<object>} the queued operation
   */
  async function record(userKey, change) {
    const op = await DB.transaction(["records", "outbox", "meta"], "readwrite", async (s) => {
      let id = await getMeta(s.meta, userKey, "client_id", null);
      if (!id) {
        id = uuid();
        putMeta(s.meta, userKey, "client_id", id);
      }
      const seq = await getMeta(s.meta, userKey, "next_seq", 1);
      const lastHlc = await getMeta(s.meta, userKey, "hlc", null);
      const hlc = tick(lastHlc, id, Date.now());
      const local = await DB.done(s.records.get([userKey, change.table, change.id]));
      const baseVersion = change.base_version !== undefined ? change.base_version
        : (local && local.version) || null;
      const queued = {
        op_id: uuid(), user_key: userKey, client_id: id, client_seq: seq, hlc,
        table: change.table, record_id: change.id, kind: change.kind,
        base_version: change.kind === "create" ? null : baseVersion,
        fields: change.fields || {}, queued_at: new Date().toISOString(), attempts: 0,
      };
      s.outbox.put(queued);
      s.records.put(applyLocally(local, userKey, change, hlc));
      putMeta(s.meta, userKey, "next_seq", seq + 1);
      putMeta(s.meta, userKey, "hlc", hlc);
      return queued;
    });
    root.dispatchEvent && root.dispatchEvent(new root.Event("madoguchi:outbox-changed"));
    return op;
  }

  /** What the person sees at once: the local record with this change applied on top. */
  function applyLocally(local, userKey, change, hlc) {
    const row = local || { user_key: userKey, table: change.table, id: change.id, version: null, fields: {},
      deleted: false };
    const fields = { ...row.fields };
    const incoming = change.fields || {};
    if (change.kind === "set_add" || change.kind === "set_remove") {
      for (const [name, values] of Object.entries(incoming)) {
        const current = new Set(fields[name] || []);
        for (const value of values) change.kind === "set_add" ? current.add(value) : current.delete(value);
        fields[name] = [...current];
      }
    } else {
      Object.assign(fields, incoming);
    }
    return { ...row, fields, deleted: change.kind === "delete" ? true : change.kind === "restore" ? false : row.deleted,
      pending: true, local_hlc: hlc };
  }

  /** Queued operations of this person, oldest first. */
  async function pending(userKey, limit = 1000) {
    return DB.transaction(["outbox"], "readonly", (s) => DB.done(
      s.outbox.index("by_user_seq").getAll(IDBKeyRange.bound([userKey, 0], [userKey, Infinity]), limit)));
  }

  async function count(userKey) {
    return DB.transaction(["outbox"], "readonly", (s) =>
      DB.done(s.outbox.index("by_user").count(IDBKeyRange.only(userKey))));
  }

  /**
   * The server's answer to a push: each acknowledged operation leaves the outbox (its result is final,
   * whether applied, merged, a conflict or rejected); rejected ones are kept in a list the person sees.
   */
  async function acknowledge(userKey, results) {
    await DB.transaction(["records", "outbox", "meta"], "readwrite", async (s) => {
      const rejected = await getMeta(s.meta, userKey, "rejected", []);
      let conflicts = await getMeta(s.meta, userKey, "conflicts_seen", 0);
      for (const result of results) {
        const op = await DB.done(s.outbox.get(result.op_id));
        if (!op) continue;
        s.outbox.delete(result.op_id);
        if (result.status === "rejected") {
          rejected.push({ op_id: op.op_id, table: op.table, record_id: op.record_id, fields: op.fields,
            kind: op.kind, error: result.error || null, at: new Date().toISOString() });
        }
        if (result.status === "conflict") conflicts += 1;
        const local = await DB.done(s.records.get([userKey, op.table, op.record_id]));
        if (local && result.record_version != null && (local.version || 0) < result.record_version) {
          local.version = result.record_version;
        }
        if (local) {
          const still = await DB.done(s.outbox.index("by_user").getAll(IDBKeyRange.only(userKey)));
          local.pending = still.some((o) => o.table === op.table && o.record_id === op.record_id
            && o.op_id !== op.op_id && !results.some((r) => r.op_id === o.op_id));
          s.records.put(local);
        }
      }
      putMeta(s.meta, userKey, "rejected", rejected.slice(-200));
      putMeta(s.meta, userKey, "conflicts_seen", conflicts);
    });
    root.dispatchEvent && root.dispatchEvent(new root.Event("madoguchi:outbox-changed"));
  }

  /** Note a failed attempt on the oldest operation (for backoff and display); nothing is removed. */
  async function noteAttempt(userKey, opIds, error) {
    await DB.transaction(["outbox"], "readwrite", async (s) => {
      for (const id of opIds) {
        const op = await DB.done(s.outbox.get(id));
        if (op) s.outbox.put({ ...op, attempts: (op.attempts || 0) + 1, last_error: String(error).slice(0, 200) });
      }
    });
  }

  root.MadoguchiOutbox = { clientId, record, pending, count, acknowledge, noteAttempt, getMeta, putMeta, tick };
})(typeof self !== "undefined" ? self : globalThis);
