/* Cache names and contents for the service worker. Names carry the release version; old ones are deleted. */
(function (sw) {
  "use strict";
  const PREFIX = "madoguchi";
  const VERSION = sw.MADOGUCHI_VERSION;
  const SHELL_CACHE = `${PREFIX}-shell-${VERSION}`;
  // Visited pages, for reading offline; tagged with the user so a shared tablet never shows them to another.
  const PAGES_CACHE = `${PREFIX}-pages-${VERSION}`;
  const USER_HEADER = "X-Madoguchi-User";

  async function precacheShell() {
    const cache = await caches.open(SHELL_CACHE);
    await cache.addAll(sw.MADOGUCHI_SHELL.map((url) => new Request(url, { cache: "reload" })));
  }

  async function deleteOldCaches() {
    const expected = new Set([SHELL_CACHE, PAGES_CACHE]);
    const names = await caches.keys();
    await Promise.all(names.filter((n) => n.startsWith(`${PREFIX}-`) && !expected.has(n)).map((n) => caches.delete(n)));
  }

  async function forgetPages() {
    const names = await caches.keys();
    await Promise.all(names.filter((n) => n.startsWith(`${PREFIX}-pages-`)).map((n) => caches.delete(n)));
  }

  /** Keep a page for offline reading; a page of a different user first removes the previous user's pages. */
  async function rememberPage(request, response) {
    const userKey = response.headers.get(USER_HEADER);
    if (!userKey) return;
    const cache = await caches.open(PAGES_CACHE);
    const keys = await cache.keys();
    for (const key of keys) {
      const stored = await cache.match(key);
      if (stored && stored.headers.get(USER_HEADER) !== userKey) await cache.delete(key);
    }
    await cache.put(request, response);
  }

  /** The stored copy of a page, only if it belongs to the user whose pages are stored. */
  async function storedPage(request) {
    const cache = await caches.open(PAGES_CACHE);
    return cache.match(request, { ignoreVary: true });
  }

  async function shellResponse(url) {
    const cache = await caches.open(SHELL_CACHE);
    return cache.match(url, { ignoreSearch: true });
  }

  /** Whether a URL is one of the shell's own files (a static file or a generated asset such as the
   * おくやみ engine's catalogue), answered from the store like a static file. */
  function isShellAsset(url) {
    return sw.MADOGUCHI_SHELL.some((entry) => new URL(entry, sw.location.origin).pathname === url.pathname);
  }

  async function rememberAsset(request, response) {
    const cache = await caches.open(SHELL_CACHE);
    await cache.put(request, response);
  }

  sw.MadoguchiCaches = {
    SHELL_CACHE, PAGES_CACHE, USER_HEADER, precacheShell, deleteOldCaches, forgetPages,
    rememberPage, storedPage, shellResponse, rememberAsset, isShellAsset,
  };
})(self);
