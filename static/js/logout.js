/**
 * Signing out on a shared tablet: clear this person's local data, but never silently drop changes that
 * have not reached the server. With unsent changes the person chooses: sync first, keep them, or cancel.
 */
import "./idb.js";
import "./outbox.js";
import "./sync-client.js";
import { clearUserData, countUnsent } from "./offline-data.js";

export function guardLogout(userKey) {
  const form = document.querySelector("form[data-logout]");
  const dialog = document.getElementById("logout-dialog");
  if (!form || !dialog || !userKey) return;
  let confirmed = false;

  async function finish({ keepOutbox }) {
    await clearUserData(userKey, { keepOutbox });
    confirmed = true;
    form.submit();
  }

  form.addEventListener("submit", async (event) => {
    if (confirmed) return;
    event.preventDefault();
    const unsent = await countUnsent(userKey);
    if (unsent === 0) {
      await finish({ keepOutbox: false });
      return;
    }
    const message = dialog.querySelector("[data-logout-message]");
    message.textContent = message.dataset.template.replace("{count}", String(unsent));
    dialog.showModal();
  });

  dialog.querySelector("[data-logout-cancel]").addEventListener("click", () => dialog.close());
  dialog.querySelector("[data-logout-keep]").addEventListener("click", async () => {
    dialog.close();
    await finish({ keepOutbox: true });
  });
  dialog.querySelector("[data-logout-sync]").addEventListener("click", async () => {
    const sync = globalThis.MadoguchiSync;
    if (sync) {
      try { await sync.flush(userKey); } catch (error) { console.warn("sync before sign-out failed", error); }
    }
    const left = await countUnsent(userKey);
    if (left === 0) {
      dialog.close();
      await finish({ keepOutbox: false });
    } else {
      const message = dialog.querySelector("[data-logout-message]");
      message.textContent = message.dataset.template.replace("{count}", String(left));
    }
  });
}
