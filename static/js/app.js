/** Page start-up: service worker, status bar, the sign-out guard. Pages work without any of it. */
import { startConfirmations } from "./confirm.js";
import { startInspections } from "./inspections.js";
import { guardLogout } from "./logout.js";
import { startOfflineForms } from "./offline-forms.js";
import { startOkuyami } from "./okuyami.js";
import { startSelfCheck } from "./self-check.js";
import { startStatusBar } from "./status-bar.js";
import { startServiceWorker } from "./sw-bridge.js";
import { startSync } from "./sync-triggers.js";

const body = document.body;

// A flash message already on the page at load is put into its live region again so it is announced.
const flash = document.querySelector("[data-flash]");
if (flash && flash.children.length) {
  const messages = [...flash.children];
  flash.replaceChildren();
  setTimeout(() => flash.append(...messages), 50);
}
const userKey = body.dataset.userKey || "";

startConfirmations();
startStatusBar(userKey);
guardLogout(userKey);
startSync(userKey);
startOfflineForms(userKey);
startInspections(userKey);
startOkuyami(userKey);
startSelfCheck(userKey);
startServiceWorker({ confirmDirty: body.dataset.confirmDirty || "" }).catch((error) => {
  console.error("service worker registration failed", error);
});
for (const button of document.querySelectorAll("[data-print]")) button.addEventListener("click", () => window.print());
