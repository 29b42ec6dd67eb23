/**
 * The tablet's IndexedDB: one database, its version and upgrade steps in one place.
 *
 * Written as a classic script that attaches to the global object so both pages (imported as a module
 * for its side effect) and the service worker (importScripts) use the same code and schema.
 */
(function (root) {
  "use strict";

  const DB_NAME = "madoguchi";
  // Each step upgrades from the version before it; never edit a released step, add a new one.
  const UPGRADES = [
    (db) => {
      // Operations waiting to be sent, per signed-in user (user_key), in the order they were made.
      const outbox = db.createObjectStore("outbox", { keyPath: "op_id" });
      outbox.createIndex("by_user_seq", ["user_key", "client_seq"], { unique: true });
      outbox.createIndex("by_user", "user_key");
      // Local copies of the records a user works on, keyed by table and id.
      const records = db.createObjectStore("records", { keyPath: ["user_key", "table", "id"] });
      records.createIndex("by_user", "user_key");
      records.createIndex("by_user_table", ["user_key", "table"]);
      // Small per-user facts: client id, next sequence number, sync cursor, last sync time.
      db.createObjectStore("meta", { keyPath: ["user_key", "key"] });
    },
    (db) => {
      // Photos and other files, named by SHA-256, kept until the server has them (sent: 0 or 1).
      const files = db.createObjectStore("files", { keyPath: ["user_key", "sha256"] });
      files.createIndex("by_user", "user_key");
      files.createIndex("by_user_sent", ["user_key", "sent"]);
    },
  ];

  let opening = null;

  /** Open (and upgrade) the database once per page or worker. */
  function open() {
    if (opening) return opening;
    opening = new Promise((resolve, reject) => {
      const request = indexedDB.open(DB_NAME, UPGRADES.length);
      request.onupgradeneeded = (event) => {
        const db = request.result;
        for (let v = event.oldVersion; v < UPGRADES.length; v += 1) UPGRADES[v](db, request.transaction);
      };
      request.onsuccess = () => {
        const db = request.result;
        // Another tab upgrading the schema asks us to let go; reopen lazily next time.
        db.onversionchange = () => { db.close(); opening = null; };
        resolve(db);
      };
      request.onerror = () => { opening = null; reject(request.error); };
      request.onblocked = () => console.warn("Madoguchi storage upgrade is waiting for other tabs to close");
    });
    return opening;
  }

  /** Promise for one request. */
  function done(request) {
    return new Promise((resolve, reject) => {
      request.onsuccess = () => resolve(request.result);
      request.onerror = () => reject(request.error);
    });
  }

  /** Run `work(stores)` in one transaction; resolves when the transaction has committed. */
  async function transaction(storeNames, mode, work) {
    const db = await open();
    return new Promise((resolve, reject) => {
      const tx = db.transaction(storeNames, mode);
      const stores = {};
      for (const name of storeNames) stores[name] = tx.objectStore(name);
      let result;
      Promise.resolve(work(stores, tx)).then((value) => { result = value; }, (error) => {
        try { tx.abort(); } catch (_) { /* already finished */ }
        reject(error);
      });
      tx.oncomplete = () => resolve(result);
      tx.onabort = () => reject(tx.error || new Error("transaction aborted"));
      tx.onerror = () => reject(tx.error);
    });
  }

  root.MadoguchiDB = { DB_NAME, open, done, transaction, version: UPGRADES.length };
})(typeof self !== "undefined" ? self : globalThis);
