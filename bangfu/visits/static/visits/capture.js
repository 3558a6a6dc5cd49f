/* bangfu: log a visit in three screens, on a phone, with or without a network.

   A visit is first written to this phone's IndexedDB queue with an id made here, then sent
   to the API; the server records an id once, so a retry after a lost answer or a second
   send never makes two visits. The queue is sent when the page opens, when the browser
   says the network is back, and every 30 seconds; a send that fails while the browser
   believes it is online (the signal is often back before the network is) is tried again
   after 2, 4, 8… seconds. Photos follow their visit one by one. */
"use strict";
(function () {
  const root = document.getElementById("capture");
  if (!root) return;
  const msg = (name) => root.dataset["msg" + name[0].toUpperCase() + name.slice(1)];
  const API = root.dataset.api;
  const DB = "bangfu-visits";
  const STORE = "queue";
  const CACHE = "bangfu-capture-v1";
  let flushing = false;
  let retryDelay = 2000;
  let retryTimer = null;
  let chosen = null;
  let position = null;

  function newId() {
    if (window.crypto && crypto.randomUUID) return crypto.randomUUID();
    // Plain http on an office LAN is not a secure context: build a version-4 UUID by hand.
    const b = crypto.getRandomValues(new Uint8Array(16));
    b[6] = (b[6] & 0x0f) | 0x40;
    b[8] = (b[8] & 0x3f) | 0x80;
    const h = Array.from(b, (x) => x.toString(16).padStart(2, "0")).join("");
    return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
  }

  function database() {
    return new Promise((resolve, reject) => {
      const opening = indexedDB.open(DB, 1);
      opening.onupgradeneeded = () => opening.result.createObjectStore(STORE, { keyPath: "client_id" });
      opening.onsuccess = () => resolve(opening.result);
      opening.onerror = () => reject(opening.error);
    });
  }

  async function store(mode, work) {
    const db = await database();
    return new Promise((resolve, reject) => {
      const tx = db.transaction(STORE, mode);
      const request = work(tx.objectStore(STORE));
      tx.oncomplete = () => resolve(request && request.result);
      tx.onerror = () => reject(tx.error);
    });
  }
  const queued = () => store("readonly", (s) => s.getAll());
  const keep = (item) => store("readwrite", (s) => s.put(item));
  const forget = (id) => store("readwrite", (s) => s.delete(id));

  function csrfToken() {
    const found = document.cookie.split("; ").find((c) => c.startsWith("csrftoken="));
    return found ? decodeURIComponent(found.split("=")[1]) : "";
  }

  function show(step) {
    for (const id of ["step-household", "step-visit", "step-done"]) {
      document.getElementById(id).hidden = id !== step;
    }
    window.scrollTo(0, 0);
  }

  function locate() {
    position = null;
    if (!navigator.geolocation) return;
    navigator.geolocation.getCurrentPosition(
      (p) => { position = p.coords; },
      () => { position = null; },
      { enableHighAccuracy: true, timeout: 15000, maximumAge: 60000 }
    );
  }

  function choose(button) {
    chosen = { id: Number(button.dataset.household), label: button.dataset.label };
    document.getElementById("chosen-household").textContent = chosen.label;
    document.getElementById("step-visit").reset();
    locate();
    show("step-visit");
  }

  async function save(event) {
    event.preventDefault();
    const form = event.target;
    const data = new FormData(form);
    const item = {
      client_id: newId(),
      label: chosen.label,
      household_id: chosen.id,
      visited_at: new Date().toISOString(),
      kind: data.get("kind"),
      services: data.getAll("services"),
      notes: data.get("notes") || "",
      problems: (data.get("problems") || "").split("\n").filter((line) => line.trim()),
      goods_value: data.get("goods_value") || "0",
      money_value: data.get("money_value") || "0",
      jobs_found: Number(data.get("jobs_found") || 0),
      latitude: position ? position.latitude : null,
      longitude: position ? position.longitude : null,
      accuracy_m: position ? Math.round(position.accuracy) : null,
      photos: Array.from(form.querySelector("[name=photos]").files, (file) => ({
        id: newId(),
        name: file.name,
        blob: file,
      })),
      visit_sent: false,
      refused: "",
    };
    await keep(item);
    document.getElementById("done-message").textContent = msg("queued");
    show("step-done");
    await render();
    flush();
  }

  async function send(item) {
    if (!item.visit_sent) {
      const body = Object.assign({}, item);
      for (const local of ["label", "photos", "visit_sent", "refused"]) delete body[local];
      const response = await fetch(API, {
        method: "POST",
        headers: { "Content-Type": "application/json", "X-CSRFToken": csrfToken() },
        credentials: "same-origin",
        body: JSON.stringify(body),
      });
      if (!(await settled(item, response))) return false;
      item.visit_sent = true;
      await keep(item);
    }
    while (item.photos.length) {
      const photo = item.photos[0];
      const form = new FormData();
      form.append("photo_id", photo.id);
      form.append("photo", photo.blob, photo.name || "photo.jpg");
      const response = await fetch(`${API}/${item.client_id}/photos`, {
        method: "POST",
        headers: { "X-CSRFToken": csrfToken() },
        credentials: "same-origin",
        body: form,
      });
      if (!(await settled(item, response))) return false;
      item.photos.shift();
      await keep(item);
    }
    await forget(item.client_id);
    return true;
  }

  // True when the server took it; a refusal is kept with its reason for the helper to see.
  async function settled(item, response) {
    if (response.ok) return true;
    if (response.status === 401 || response.status === 403) throw new Error(msg("signin"));
    if (response.status >= 500) throw new Error(String(response.status));
    let reason = String(response.status);
    try { reason = (await response.json()).message || reason; } catch (ignored) { /* not JSON */ }
    item.refused = reason;
    await keep(item);
    return false;
  }

  async function flush() {
    if (flushing) return;
    flushing = true;
    const status = document.getElementById("queue-status");
    try {
      const items = (await queued()).filter((item) => !item.refused);
      if (items.length) status.textContent = msg("sending");
      for (const item of items) await send(item);
      if (items.length) status.textContent = msg("sent");
      retryDelay = 2000;
    } catch (failure) {
      // No network, or the server is away: everything stays queued for the next try.
      const signIn = failure.message === msg("signin");
      status.textContent = signIn ? failure.message : msg("queued");
      if (!signIn && navigator.onLine) {
        clearTimeout(retryTimer);
        retryTimer = setTimeout(flush, retryDelay);
        retryDelay = Math.min(retryDelay * 2, 30000);
      }
    } finally {
      flushing = false;
      await render();
    }
  }

  async function render() {
    const list = document.getElementById("queue");
    list.textContent = "";
    for (const item of await queued()) {
      const li = document.createElement("li");
      li.dataset.clientId = item.client_id;
      const when = new Date(item.visited_at).toLocaleString();
      li.textContent = `${item.label} · ${when} · ` + (item.refused ? `${msg("refused")} ${item.refused}` : msg("pending"));
      if (item.refused) {
        const drop = document.createElement("button");
        drop.type = "button";
        drop.className = "link";
        drop.textContent = "×";
        drop.addEventListener("click", () => forget(item.client_id).then(render));
        li.append(" ", drop);
      }
      list.append(li);
    }
  }

  function workOffline() {
    if (!("serviceWorker" in navigator) || !window.caches) return;
    navigator.serviceWorker.register(root.dataset.worker, { scope: root.dataset.worker.replace(/[^/]*$/, "") })
      .then(() => navigator.serviceWorker.ready)
      .then(() => caches.open(CACHE))
      .then((cache) => {
        const assets = Array.from(document.querySelectorAll("script[src], link[rel=stylesheet]"),
          (el) => el.src || el.href);
        return cache.addAll([location.pathname, ...assets]);
      })
      .then(() => { root.dataset.offlineReady = "true"; })
      .catch(() => { /* the page still works while it stays open */ });
  }

  document.querySelectorAll("[data-household]").forEach((button) =>
    button.addEventListener("click", () => choose(button)));
  document.getElementById("step-visit").addEventListener("submit", save);
  document.querySelector("[data-back]").addEventListener("click", () => show("step-household"));
  document.querySelector("[data-again]").addEventListener("click", () => show("step-household"));
  window.addEventListener("online", () => { retryDelay = 2000; flush(); });
  setInterval(flush, 30000);
  const preset = root.dataset.chosen && document.querySelector(`[data-household="${root.dataset.chosen}"]`);
  if (preset) choose(preset);
  workOffline();
  render().then(flush);
})();
