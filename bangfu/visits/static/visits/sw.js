/* bangfu: keeps a person's own pages working without a network — a helper's capture page,
   "my households" and month (served from /visits/sw.js, scope /visits/), follow-up page
   (/health/sw.js), households' acknowledgement pages (/plans/sw.js), their households' open
   alerts and running monitoring procedures (/monitoring/sw.js), a team member's
   check-in page and month (the same file served from /teams/sw.js, scope /teams/), an
   inspector's households to survey of a round, their survey pages and the page recording a
   finding (/supervision/sw.js). The
   workers of all scopes share one cache: any of them may keep a page another serves.

   Such a page is fetched from the network first; when the server marks it as one a phone may
   keep (the Bangfu-Offline header: only a helper's own pages), its copy replaces the last one.
   When the network does not answer, the last good copy is served, marked data-copy="saved"
   so that the page says it is offline and as of when (static/visits/offline.js). The copy
   keeps its headers (the Cache API ignores no-store), so it runs under the same
   Content-Security-Policy. Static files (hashed names) are served from the cache once seen.
   Pages also ask, by message, for the helper's other pages to be kept; a page kept brings
   its static files along. Queued visits and check-ins are not here: they live in the pages'
   IndexedDB. */
"use strict";
const CACHE = "bangfu-offline-v2";
const PAGES = [
  /^\/visits\/capture\/$/, /^\/visits\/mine\/$/, /^\/visits\/helpers\/\d+\/month\/$/,
  /^\/teams\/check-in\/$/, /^\/teams\/members\/\d+\/month\/$/,
  /^\/health\/follow-ups\/new\/$/, /^\/plans\/households\/\d+\/acknowledge\/$/,
  /^\/monitoring\/alerts\/\d+\/$/, /^\/monitoring\/procedures\/\d+\/$/,
  /^\/supervision\/rounds\/\d+\/surveys\/$/, /^\/supervision\/surveys\/record\/\d+\/$/,
  /^\/supervision\/findings\/add\/$/,
];
const KEEP = "Bangfu-Offline";
// Pages kept as one copy whatever their query (they read it themselves).
const ONE_COPY = ["/visits/capture/", "/teams/check-in/", "/health/follow-ups/new/"];
// A copy younger than this is not fetched again when another page asks for it to be kept.
const FRESH_MS = 10 * 60 * 1000;

self.addEventListener("install", () => self.skipWaiting());
self.addEventListener("activate", (event) => event.waitUntil(
  caches.keys()
    .then((names) => Promise.all(
      names.filter((name) => name.startsWith("bangfu-") && name !== CACHE).map((name) => caches.delete(name))))
    .then(() => self.clients.claim())
));

const isPage = (url) => url.origin === self.location.origin && PAGES.some((page) => page.test(url.pathname));
// The capture page is one copy whatever household it was opened for (the page reads
// ?household= itself); the month is kept per month asked for.
const pageKey = (url) => (ONE_COPY.includes(url.pathname) ? url.pathname : url.pathname + url.search);

// A page kept brings its static files along (its scripts, its stylesheet), so that it runs
// offline though it was never opened while this worker was there to see them fetched.
const STATIC_LINK = /(?:src|href)="(\/static\/[^"]+)"/g;

function keepPage(url, response) {
  if (!response.ok || response.redirected || response.headers.get(KEEP) !== "keep") {
    return Promise.resolve();
  }
  const copy = response.clone();
  return response.clone().text()
    .then((html) => Promise.all(
      Array.from(html.matchAll(STATIC_LINK),
        (found) => keepStatic(new URL(found[1], url)).catch(() => undefined))))
    .then(() => caches.open(CACHE))
    .then((cache) => cache.put(pageKey(url), copy));
}

function savedCopy(url) {
  return caches.open(CACHE)
    .then((cache) => cache.match(pageKey(url)))
    .then((hit) => {
      if (!hit) return Response.error();
      // The body changes length: the copy's own length and encoding no longer describe it.
      const headers = new Headers(hit.headers);
      headers.delete("Content-Length");
      headers.delete("Content-Encoding");
      return hit.text().then((html) => new Response(
        html.replace('data-copy="live"', 'data-copy="saved"'),
        { status: hit.status, statusText: hit.statusText, headers }
      ));
    });
}

function keepStatic(url) {
  return caches.open(CACHE).then((cache) => cache.match(url.href).then((hit) => hit || fetch(url.href)
    .then((response) => (response.ok ? cache.put(url.href, response) : undefined))));
}

function isFresh(url) {
  return caches.open(CACHE)
    .then((cache) => cache.match(pageKey(url)))
    .then((hit) => {
      const made = hit && Date.parse(hit.headers.get("Date") || "");
      return Boolean(made) && Date.now() - made < FRESH_MS;
    });
}

function keepOne(path) {
  const url = new URL(path, self.location.origin);
  if (url.origin !== self.location.origin) return Promise.resolve();
  if (url.pathname.startsWith("/static/")) return keepStatic(url);
  if (!isPage(url)) return Promise.resolve();
  return isFresh(url).then((fresh) => fresh || fetch(url.href, { credentials: "same-origin", cache: "no-store" })
    .then((response) => keepPage(url, response)));
}

self.addEventListener("message", (event) => {
  const wanted = (event.data && event.data.keep) || [];
  const reply = event.ports[0];
  // One page after another: a weak signal carries one at a time best, and the server is
  // asked for no more at once than a person clicking would.
  event.waitUntil(
    wanted.reduce((done, path) => done.then(() => keepOne(path)), Promise.resolve()).then(
      () => reply && reply.postMessage({ kept: true }),
      () => reply && reply.postMessage({ kept: false })
    )
  );
});

self.addEventListener("fetch", (event) => {
  const request = event.request;
  if (request.method !== "GET") return;
  const url = new URL(request.url);
  if (url.origin !== self.location.origin) return;
  if (request.mode === "navigate" && isPage(url)) {
    event.respondWith(
      fetch(request).then(
        (response) => {
          event.waitUntil(keepPage(url, response));
          return response;
        },
        () => savedCopy(url)
      )
    );
  } else if (url.pathname.startsWith("/static/")) {
    event.respondWith(
      caches.match(url.href).then((hit) => hit || fetch(request).then((response) => {
        if (response.ok) {
          const copy = response.clone();
          event.waitUntil(caches.open(CACHE).then((cache) => cache.put(url.href, copy)));
        }
        return response;
      }))
    );
  }
});
