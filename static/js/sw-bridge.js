/**
 * The page's side of the service worker's life: register it, and when a new version is waiting,
 * offer it. It is activated only when the person agrees, so a half-filled form never reloads under them.
 */

function formsAreDirty() {
  return [...document.querySelectorAll("form[data-dirty='true']")].length > 0;
}

function trackDirtyForms() {
  document.addEventListener("input", (event) => {
    const form = event.target.closest && event.target.closest("form");
    if (form && !form.matches("[data-logout], .language-switch")) form.dataset.dirty = "true";
  });
  document.addEventListener("submit", (event) => { event.target.dataset.dirty = "false"; }, true);
}

export async function startServiceWorker({ confirmDirty }) {
  if (!("serviceWorker" in navigator)) return null;
  trackDirtyForms();
  const banner = document.getElementById("update-banner");
  let accepted = false;

  function offer(worker) {
    if (!banner) return;
    banner.hidden = false;
    banner.querySelector("[data-apply-update]").onclick = () => {
      if (formsAreDirty() && !window.confirm(confirmDirty)) return;
      accepted = true;
      worker.postMessage({ type: "SKIP_WAITING" });
    };
  }

  navigator.serviceWorker.addEventListener("controllerchange", () => {
    if (accepted) window.location.reload();
  });

  const registration = await navigator.serviceWorker.register("/sw.js", { scope: "/" });
  if (registration.waiting && navigator.serviceWorker.controller) offer(registration.waiting);
  registration.addEventListener("updatefound", () => {
    const worker = registration.installing;
    if (!worker) return;
    worker.addEventListener("statechange", () => {
      // With no controller this is the first install, which activates by itself.
      if (worker.state === "installed" && navigator.serviceWorker.controller) offer(worker);
    });
  });
  // The first worker claims the open pages when it activates; a page that was still loading then (the
  // one a sign-in redirects to) would stay uncontrolled, and not work offline, until the next visit.
  if (!navigator.serviceWorker.controller) {
    navigator.serviceWorker.ready.then((ready) => {
      if (!navigator.serviceWorker.controller && ready.active) ready.active.postMessage({ type: "CLAIM" });
    });
  }
  // Tablets stay open for days: look for a new version when the app comes back into view or online.
  const check = () => registration.update().catch(() => {});
  document.addEventListener("visibilitychange", () => { if (document.visibilityState === "visible") check(); });
  window.addEventListener("online", check);
  return registration;
}
