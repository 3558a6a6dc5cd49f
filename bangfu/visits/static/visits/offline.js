/* bangfu: a person's own pages on a phone (a helper's households, capture page and month,
   follow-up page and households' acknowledgement pages; a team member's check-in page and
   month).

   Online, the page asks the service worker to keep a copy of itself and of the helper's
   other pages (each with its static files), so that they open without a network. A copy served offline
   comes with data-copy="saved" (the service worker marks it): this script then shows the
   offline line, with the time the copy was made, and keeps the count of what waits on the
   phone current (the queue the line names in data-queue: visits, or check-ins). The line also shows when the network drops while the page is open,
   since its figures stop being current then. */
"use strict";
(function () {
  const state = document.getElementById("offline-state");
  if (!state) return;
  const saved = state.dataset.copy === "saved";
  const reload = state.querySelector("[data-reload]");

  function show() {
    const offline = saved || !navigator.onLine;
    state.hidden = !offline;
    // A saved copy with the network back: say so, and offer the current page.
    reload.hidden = !(saved && navigator.onLine);
  }

  async function count() {
    if (!window.bangfuQueues) return;
    let items = [];
    try {
      items = await window.bangfuQueues.open(state.dataset.queue || "bangfu-visits").all();
    } catch (ignored) { return; }
    const refused = items.filter((item) => item.refused).length;
    state.querySelector("[data-waiting]").textContent = String(items.length - refused);
    const refusedCount = state.querySelector("[data-refused]");
    refusedCount.textContent = String(refused);
    refusedCount.parentElement.hidden = refused === 0;
    state.dataset.counted = "true";
  }

  const scopeOf = (worker) => worker.replace(/[^/]*$/, "");

  // A worker of another scope (a helper's pages lie under /visits/, /health/, /plans/):
  // registered from here, so that its pages, kept below, open offline though never opened
  // online since; settled once it is active.
  function active(registration) {
    if (registration.active) return Promise.resolve();
    const coming = registration.installing || registration.waiting;
    return new Promise((resolve) => {
      coming.addEventListener("statechange", () => { if (coming.state === "activated") resolve(); });
    });
  }

  function keep() {
    if (saved || !("serviceWorker" in navigator) || !window.caches) return;
    const worker = state.dataset.worker;
    const others = (state.dataset.workers || "").split(" ").filter(Boolean);
    // This page too: it was fetched before the worker was there to keep it.
    const pages = [location.pathname + location.search, ...state.dataset.keep.split(" ").filter(Boolean)];
    navigator.serviceWorker.register(worker, { scope: scopeOf(worker) })
      .then(() => navigator.serviceWorker.ready)
      .then((registration) => new Promise((resolve, reject) => {
        const channel = new MessageChannel();
        channel.port1.onmessage = (event) => (event.data && event.data.kept ? resolve() : reject());
        registration.active.postMessage({ keep: pages }, [channel.port2]);
      }))
      // One after another, as pages are kept: no more requests at once than a person makes.
      .then(() => others.reduce((done, other) => done.then(() =>
        navigator.serviceWorker.register(other, { scope: scopeOf(other) }).then(active)), Promise.resolve()))
      .then(() => { state.dataset.offlineReady = "true"; })
      .catch(() => { /* the page still works while it stays open */ });
  }

  window.addEventListener("online", show);
  window.addEventListener("offline", show);
  document.addEventListener("bangfu:queue", count);
  show();
  count();
  keep();
})();
