/* How each kind of request is answered. Only GETs of our own origin are touched; nothing else is cached. */
/* global MadoguchiCaches */
(function (sw) {
  "use strict";

  /**
   * Pages with a family's data are never stored (no-store). Without a network, the tablet's own page that
   * builds the same content from its IndexedDB copy stands in for them; it reads the case from the address.
   */
  const BUILT_ON_TABLET = [
    [/^\/okuyami\/cases\/[0-9a-f-]{36}$/, "/okuyami/guide"],
    [/^\/okuyami\/cases\/[0-9a-f-]{36}\/intake$/, "/okuyami/intake"],
  ];

  async function standIn(request) {
    const path = new URL(request.url).pathname;
    const entry = BUILT_ON_TABLET.find(([pattern]) => pattern.test(path));
    if (!entry) return null;
    return MadoguchiCaches.storedPage(new Request(new URL(entry[1], sw.location.origin).href));
  }

  function isNoStore(response) {
    return /no-store/i.test(response.headers.get("Cache-Control") || "");
  }

  /** Pages: the network first, so staff always see current data; the stored copy or the offline page without it. */
  async function networkFirstPage(request) {
    try {
      const response = await fetch(request);
      const signedOutPage = response.headers.get(MadoguchiCaches.USER_HEADER) === null
        && new URL(response.url).pathname === "/login";
      if (signedOutPage) await MadoguchiCaches.forgetPages();
      else if (response.ok && response.type === "basic" && !isNoStore(response)) {
        await MadoguchiCaches.rememberPage(request, response.clone());
      }
      // A server that answers but fails (a proxy's 502) cannot give the guide either.
      if (response.status >= 500) {
        const local = await standIn(request);
        if (local) return local;
      }
      return response;
    } catch (error) {
      const stored = (await MadoguchiCaches.storedPage(request)) || (await standIn(request));
      if (stored) return stored;
      const offline = await MadoguchiCaches.shellResponse("/offline");
      if (offline) return offline;
      throw error;
    }
  }

  /** Static files: versioned URLs, so the stored copy is right; fetched and stored if missing. */
  async function cacheFirstAsset(request) {
    const stored = await MadoguchiCaches.shellResponse(request.url);
    if (stored) return stored;
    const response = await fetch(request);
    if (response.ok) await MadoguchiCaches.rememberAsset(request, response.clone());
    return response;
  }

  /**
   * Fetch and keep pages the person is about to need offline (the walk-through of each template), as if
   * they had been visited. Only our own pages, and only as the signed-in person sees them.
   */
  async function rememberPages(urls) {
    for (const url of urls) {
      const target = new URL(url, sw.location.origin);
      if (target.origin !== sw.location.origin || target.pathname.startsWith("/api/")) continue;
      try {
        const request = new Request(target.href, { credentials: "same-origin" });
        const response = await fetch(request);
        if (response.ok && response.type === "basic" && !isNoStore(response)) {
          await MadoguchiCaches.rememberPage(request, response);
        }
      } catch (_) {
        return; // offline again: what was kept stays kept
      }
    }
  }

  /** Which strategy answers a request, or null to leave it to the browser (network only). */
  function route(request) {
    if (request.method !== "GET") return null;
    const url = new URL(request.url);
    if (url.origin !== sw.location.origin) return null;
    // htmx fragments are never stored: a fragment must never be shown as a page.
    if (request.headers.get("HX-Request")) return null;
    if (url.pathname.startsWith("/api/") || url.pathname === "/sw.js") return null;
    if (request.mode === "navigate") return networkFirstPage;
    if (url.pathname.startsWith("/static/") || MadoguchiCaches.isShellAsset(url)) return cacheFirstAsset;
    return null;
  }

  sw.MadoguchiStrategies = { route, networkFirstPage, cacheFirstAsset, rememberPages };
})(self);
