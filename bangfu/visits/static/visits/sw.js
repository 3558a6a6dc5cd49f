/* bangfu: keeps the visit capture page working without a network.
   The page itself is fetched fresh when the network answers and from the cache when it does
   not; static files (hashed names) are served from the cache once seen. No data is kept
   here: queued visits live in the page's IndexedDB. */
"use strict";
const CACHE = "bangfu-capture-v1";
const PAGE = /\/visits\/capture\/$/;

self.addEventListener("install", () => self.skipWaiting());
self.addEventListener("activate", (event) => event.waitUntil(self.clients.claim()));

function remember(key, response) {
  if (response.ok && !response.redirected) {
    const copy = response.clone();
    caches.open(CACHE).then((cache) => cache.put(key, copy));
  }
  return response;
}

self.addEventListener("fetch", (event) => {
  const request = event.request;
  if (request.method !== "GET") return;
  const url = new URL(request.url);
  if (url.origin !== self.location.origin) return;
  if (request.mode === "navigate" && PAGE.test(url.pathname)) {
    event.respondWith(
      fetch(request)
        .then((response) => remember(url.pathname, response))
        .catch(() => caches.match(url.pathname))
    );
  } else if (url.pathname.startsWith("/static/")) {
    event.respondWith(
      caches.match(request).then(
        (hit) => hit || fetch(request).then((response) => remember(request, response))
      )
    );
  }
});
