/* Madoguchi service worker: wires events only. The cache list and strategies live in their own files. */
/* global MadoguchiCaches, MadoguchiStrategies, MadoguchiBackgroundSync */
self.MADOGUCHI_VERSION = "__MADOGUCHI_VERSION__";
self.MADOGUCHI_SHELL = __MADOGUCHI_SHELL__;
importScripts(
  `/static/js/sw/precache.js?v=${self.MADOGUCHI_VERSION}`,
  `/static/js/sw/strategies.js?v=${self.MADOGUCHI_VERSION}`,
  `/static/js/idb.js?v=${self.MADOGUCHI_VERSION}`,
  `/static/js/outbox.js?v=${self.MADOGUCHI_VERSION}`,
  `/static/js/sync-client.js?v=${self.MADOGUCHI_VERSION}`,
  `/static/js/sw/background-sync.js?v=${self.MADOGUCHI_VERSION}`,
);

self.addEventListener("install", (event) => {
  event.waitUntil((async () => {
    await MadoguchiCaches.precacheShell();
    // The very first install takes over at once; an update waits until the person agrees.
    if (!self.registration.active) await self.skipWaiting();
  })());
});

self.addEventListener("activate", (event) => {
  event.waitUntil((async () => {
    await MadoguchiCaches.deleteOldCaches();
    await self.clients.claim();
  })());
});

self.addEventListener("message", (event) => {
  const type = event.data && event.data.type;
  if (type === "SKIP_WAITING") self.skipWaiting();
  if (type === "CLAIM") event.waitUntil(self.clients.claim());
  if (type === "SIGNED_OUT") event.waitUntil(MadoguchiCaches.forgetPages());
});

// Background Sync (Chromium): send the outbox even after the page was closed.
self.addEventListener("sync", (event) => {
  if (event.tag === "madoguchi-outbox") event.waitUntil(MadoguchiBackgroundSync.flushForCurrentUser());
});

self.addEventListener("fetch", (event) => {
  const handler = MadoguchiStrategies.route(event.request);
  if (handler) event.respondWith(handler(event.request));
});
