/**
 * What this tablet keeps for the signed-in user, and clearing it at sign-out.
 *
 * Unsent changes are never dropped here: clearing keeps the outbox unless it is empty.
 */
import "./idb.js";
import "./outbox.js";
import "./files.js";

const DB = globalThis.MadoguchiDB;
export const PAGES_CACHE_PREFIX = "madoguchi-pages";

/** Number of operations and files of this user that have not reached the server. */
export async function countUnsent(userKey) {
  if (!userKey) return 0;
  return DB.transaction(["outbox", "files"], "readonly", async (s) =>
    (await DB.done(s.outbox.index("by_user").count(IDBKeyRange.only(userKey))))
    + (await DB.done(s.files.index("by_user_sent").count(IDBKeyRange.only([userKey, 0])))));
}

/** Remove this user's local records, facts and cached pages; keep unsent operations when there are any. */
export async function clearUserData(userKey, { keepOutbox = true } = {}) {
  const unsent = await countUnsent(userKey);
  if (unsent > 0 && !keepOutbox) throw new Error("refusing to discard unsent changes");
  await DB.transaction(["records", "meta", "outbox"], "readwrite", async (s) => {
    const range = IDBKeyRange.only(userKey);
    for (const store of [s.records]) {
      const keys = await DB.done(store.index("by_user").getAllKeys(range));
      for (const key of keys) store.delete(key);
    }
    if (unsent === 0) {
      const metaKeys = await DB.done(s.meta.getAllKeys(IDBKeyRange.bound([userKey, ""], [userKey, "\uffff"])));
      for (const key of metaKeys) s.meta.delete(key);
    }
  });
  // Photos the server already has go; unsent ones stay with the unsent changes that refer to them.
  await globalThis.MadoguchiFiles.clear(userKey, { keepUnsent: unsent > 0 });
  await clearPageCaches();
}

/** Cached pages may show personal data: they go at every sign-out. */
export async function clearPageCaches() {
  if (!("caches" in globalThis)) return;
  const names = await caches.keys();
  await Promise.all(names.filter((n) => n.startsWith(PAGES_CACHE_PREFIX)).map((n) => caches.delete(n)));
}
