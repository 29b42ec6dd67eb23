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
   * A local record keeps three layers, so the tablet never claims a version it has not applied:
   * - `server`: the last row pulled from the server, with its `version` (the only version the tablet
   *   claims, and the base of the person's next change);
   * - `acked`: this tablet's changes the server has answered but whose effect has not been pulled back
   *   yet (each with the record version the server gave it);
   * - the operations still in the outbox.
   * `fields` is what the person sees: the server's row with the acknowledged and the unsent changes on top.
   */
  function normalized(local, userKey, table, id) {
    if (!local) return { user_key: userKey, table, id, version: null, server: null, acked: [], fields: {},
      conflicts: [], deleted: false, pending: false };
    if (local.server !== undefined) return local;
    // A copy stored before the layers existed: its fields are taken as the server's until the next pull.
    return { ...local, server: local.version == null ? null : { fields: local.fields || {},
      conflicts: local.conflicts || [] }, acked: [] };
  }

  /** A change applied on top of fields (a copy is returned; the change's own fields are never shared). */
  function applyChange(fields, deleted, change) {
    const out = { ...fields };
    const incoming = change.fields || {};
    if (change.kind === "set_add" || change.kind === "set_remove") {
      for (const [name, values] of Object.entries(incoming)) {
        const current = new Set(Array.isArray(out[name]) ? out[name] : []);
        for (const value of values) change.kind === "set_add" ? current.add(value) : current.delete(value);
        out[name] = [...current];
      }
    } else if (change.kind === "patch" || change.kind === "create") {
      for (const [name, value] of Object.entries(incoming)) {
        // A note field arrives from the server as a list of notes; a change to it adds one note.
        if (Array.isArray(out[name]) && typeof value === "string") {
          out[name] = [...out[name], { text: value, hlc: change.hlc || null, pending: true }];
        } else {
          out[name] = value;
        }
      }
    }
    const nowDeleted = change.kind === "delete" ? true : change.kind === "restore" ? false : deleted;
    return [out, nowDeleted];
  }

  /**
   * Recompute what the person sees from the layers. `queued` are this record's unsent operations in
   * sequence order. Acknowledged changes that the server row already contains are dropped first.
   * Returns null when nothing is left (a record created here whose creation the server refused).
   */
  function compose(local, queued) {
    const version = local.server ? local.version : null;
    const acked = (local.acked || []).filter((a) => version == null || a.record_version > version);
    if (!local.server && acked.length === 0 && queued.length === 0) return null;
    let fields = local.server ? local.server.fields : {};
    let deleted = false;
    for (const change of [...acked, ...queued]) [fields, deleted] = applyChange(fields, deleted, change);
    return { ...local, version, acked, fields, deleted, conflicts: local.server ? local.server.conflicts : [],
      pending: queued.length > 0 };
  }

  function queuedFor(queued, table, id) {
    return queued.filter((op) => op.table === table && op.record_id === id)
      .sort((a, b) => a.client_seq - b.client_seq);
  }

  /**
   * Record a change made on this tablet.
   * @param {string} userKey the signed-in person's key
   * @param {{table: string, id: string, kind: string, fields?: object, base_version?: number|null}} change
   *   `base_version`: the version of the record the person was shown when they made the change; without
   *   it, the version of the server row this tablet has applied (what its pages show).
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
      const local = normalized(await DB.done(s.records.get([userKey, change.table, change.id])), userKey,
        change.table, change.id);
      const baseVersion = change.base_version !== undefined ? change.base_version : local.version;
      const queued = {
        op_id: uuid(), user_key: userKey, client_id: id, client_seq: seq, hlc,
        table: change.table, record_id: change.id, kind: change.kind,
        base_version: change.kind === "create" ? null : (baseVersion ?? null),
        fields: change.fields || {}, queued_at: new Date().toISOString(), attempts: 0,
      };
      s.outbox.put(queued);
      // What is shown already holds every earlier layer: the new change goes on top of it.
      const [fields, deleted] = applyChange(local.fields, local.deleted, queued);
      s.records.put({ ...local, fields, deleted, pending: true, local_hlc: hlc });
      putMeta(s.meta, userKey, "next_seq", seq + 1);
      putMeta(s.meta, userKey, "hlc", hlc);
      return queued;
    });
    root.dispatchEvent && root.dispatchEvent(new root.Event("madoguchi:outbox-changed"));
    return op;
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
   * whether applied, merged, a conflict or rejected).
   *
   * The record's version is never raised here: `record_version` may include other tablets' changes this
   * tablet has not pulled, and claiming it would let the next change overwrite values nobody here saw.
   * An applied, merged or conflicting change stays shown until a pulled row at or past its
   * `record_version` replaces it; a rejected one is removed from the record at once and kept, with what
   * was typed, in a list the person sees. A `duplicate` (the server had it before, its result is gone)
   * is dropped: its effect is in what this tablet pulled or in the pull that follows.
   */
  async function acknowledge(userKey, results) {
    await DB.transaction(["records", "outbox", "meta"], "readwrite", async (s) => {
      const rejected = await getMeta(s.meta, userKey, "rejected", []);
      const touched = new Map();
      for (const result of results) {
        const op = await DB.done(s.outbox.get(result.op_id));
        if (!op) continue;
        s.outbox.delete(result.op_id);
        if (result.status === "rejected") {
          rejected.push({ op_id: op.op_id, table: op.table, record_id: op.record_id, fields: op.fields,
            kind: op.kind, error: result.error || null, at: new Date().toISOString() });
        }
        const key = `${op.table}\u0000${op.record_id}`;
        if (!touched.has(key)) {
          const stored = await DB.done(s.records.get([userKey, op.table, op.record_id]));
          touched.set(key, stored ? normalized(stored, userKey, op.table, op.record_id) : null);
        }
        const local = touched.get(key);
        const kept = result.status !== "rejected" && result.status !== "duplicate" && op.kind !== "resolve";
        if (local && kept && result.record_version != null) {
          local.acked = [...(local.acked || []), { op_id: op.op_id, client_seq: op.client_seq, kind: op.kind,
            fields: op.fields, hlc: op.hlc, record_version: result.record_version }];
        }
      }
      const still = await DB.done(s.outbox.index("by_user").getAll(IDBKeyRange.only(userKey)));
      for (const local of touched.values()) {
        if (!local) continue;
        const shown = compose(local, queuedFor(still, local.table, local.id));
        if (shown) s.records.put(shown);
        else s.records.delete([userKey, local.table, local.id]);
      }
      putMeta(s.meta, userKey, "rejected", rejected.slice(-200));
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

  root.MadoguchiOutbox = {
    clientId, record, pending, count, acknowledge, noteAttempt, getMeta, putMeta, tick, normalized, compose,
    queuedFor,
  };
})(typeof self !== "undefined" ? self : globalThis);
