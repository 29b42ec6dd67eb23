/* The service worker's part of syncing: flush the outbox of the person signed in on this tablet. */
/* global MadoguchiDB, MadoguchiOutbox, MadoguchiSync */
(function (sw) {
  "use strict";

  async function flushForCurrentUser() {
    const userKey = await MadoguchiDB.transaction(["meta"], "readonly",
      (s) => MadoguchiOutbox.getMeta(s.meta, "", "current_user", ""));
    if (!userKey) return;
    const result = await MadoguchiSync.flush(userKey);
    // A rejected promise tells the browser to try this sync again later with its own backoff.
    if (!result.ok && result.status !== 401 && result.status !== 403) throw new Error(result.reason);
  }

  sw.MadoguchiBackgroundSync = { flushForCurrentUser };
})(self);
