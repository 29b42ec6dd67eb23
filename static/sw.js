/* Madoguchi service worker: wires events only. The cache list and strategies live in their own files. */
/* global MadoguchiCaches, MadoguchiStrategies */
self.MADOGUCHI_VERSION = "__MADOGUCHI_VERSION__";
self.MADOGUCHI_SHELL = __MADOGUCHI_SHELL__;
importScripts(
  `/static/js/sw/precache.js?v=${self.MADOGUCHI_VERSION}`,
  `/static/js/sw/strategies.js?v=${self.MADOGUCHI_VERSION}`,
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
  if (type === "SIGNED_OUT") event.waitUntil(MadoguchiCaches.forgetPages());
});

self.addEventListener("fetch", (event) => {
  const handler = MadoguchiStrategies.route(event.request);
  if (handler) event.respondWith(handler(event.request));
});
