/* bangfu: log a visit in three screens, on a phone, with or without a network.

   A visit is first written to this phone's queue (static/visits/queue.js) with an id made
   here, then sent to the API; the server records an id once, so a retry after a lost answer
   or a second send never makes two visits. The queue is sent when the page opens, when the
   browser says the network is back, and every 30 seconds; a send that fails while the
   browser believes it is online (the signal is often back before the network is) is tried
   again after 2, 4, 8… seconds. Photos follow their visit one by one.

   After a save, the card of the third screen says what became of that visit, and only that:
   saved on the phone and sending, sent and recorded, recorded with photos still to send,
   waiting for a network, or refused with the server's reason. It changes when a later send
   settles it. The line at the top speaks only of sends the card does not describe.

   A visit belongs to the login that saved it: on a phone shared by two helpers, one's
   waiting visits are sent only when that one is signed in, never under the other's name. */
"use strict";
(function () {
  const root = document.getElementById("capture");
  if (!root || !window.bangfuQueue) return;
  const queue = window.bangfuQueue;
  const msg = (name) => root.dataset["msg" + name[0].toUpperCase() + name.slice(1)];
  const API = root.dataset.api;
  const me = Number(root.dataset.user);
  // A visit queued before visits carried their login is taken to be the one signed in now.
  const isMine = (item) => item.owner === undefined || item.owner === me;
  let flushing = false;
  let again = false; // a send was asked for while one ran: run once more after it
  let retryDelay = 2000;
  let retryTimer = null;
  let chosen = null;
  let position = null;
  let saved = null; // the visit the third screen speaks of

  function newId() {
    if (window.crypto && crypto.randomUUID) return crypto.randomUUID();
    // Plain http on an office LAN is not a secure context: build a version-4 UUID by hand.
    const b = crypto.getRandomValues(new Uint8Array(16));
    b[6] = (b[6] & 0x0f) | 0x40;
    b[8] = (b[8] & 0x3f) | 0x80;
    const h = Array.from(b, (x) => x.toString(16).padStart(2, "0")).join("");
    return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
  }

  function csrfToken() {
    const found = document.cookie.split("; ").find((c) => c.startsWith("csrftoken="));
    return found ? decodeURIComponent(found.split("=")[1]) : "";
  }

  function show(step) {
    for (const id of ["step-household", "step-visit", "step-done"]) {
      document.getElementById(id).hidden = id !== step;
    }
    if (step !== "step-done") saved = null;
    window.scrollTo(0, 0);
  }

  // The line at the top: empty is hidden.
  function say(text) {
    const status = document.getElementById("queue-status");
    status.textContent = text;
    status.hidden = !text;
  }

  // The third screen's card: what became of the visit just saved.
  function tell(outcome, text) {
    const card = document.getElementById("done-message");
    card.textContent = text;
    card.dataset.outcome = outcome;
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
    chosen = {
      id: Number(button.dataset.household),
      label: button.dataset.label,
      number: button.dataset.number,
    };
    document.getElementById("chosen-household").textContent = chosen.label;
    document.getElementById("chosen-number").textContent = chosen.number;
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
      owner: me,
      label: chosen.label,
      number: chosen.number,
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
    await queue.keep(item);
    show("step-done");
    saved = item.client_id;
    tell("saving", navigator.onLine ? msg("saving") : msg("queued"));
    await render();
    flush();
  }

  async function send(item) {
    if (!item.visit_sent) {
      const body = Object.assign({}, item);
      for (const local of ["owner", "label", "number", "photos", "visit_sent", "refused"]) delete body[local];
      const response = await fetch(API, {
        method: "POST",
        headers: { "Content-Type": "application/json", "X-CSRFToken": csrfToken() },
        credentials: "same-origin",
        body: JSON.stringify(body),
      });
      if (!(await settled(item, response))) return false;
      item.visit_sent = true;
      await queue.keep(item);
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
      await queue.keep(item);
    }
    await queue.forget(item.client_id);
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
    await queue.keep(item);
    return false;
  }

  // What became of one visit in a send: its card's words.
  function outcomeOf(item, sent, failure) {
    if (sent) return ["recorded", msg("recorded")];
    if (item.refused) return ["refused", `${msg("refused")} ${item.refused} ${msg("kept")}`];
    if (failure && failure.message === msg("signin")) return ["signin", msg("signin")];
    if (item.visit_sent) return ["photos", msg("photos")];
    return ["queued", msg("queued")];
  }

  async function flush() {
    if (flushing) {
      again = true;
      return;
    }
    flushing = true;
    again = false;
    const tried = [];
    let failure = null;
    try {
      const items = (await queue.all()).filter((item) => !item.refused && isMine(item));
      if (items.length && !saved) say(msg("sending"));
      for (const item of items) {
        const attempt = { item, sent: false };
        tried.push(attempt);
        attempt.sent = await send(item);
      }
      retryDelay = 2000;
    } catch (error) {
      // No network, or the server is away: everything stays queued for the next try.
      failure = error;
      if (error.message !== msg("signin") && navigator.onLine) {
        clearTimeout(retryTimer);
        retryTimer = setTimeout(flush, retryDelay);
        retryDelay = Math.min(retryDelay * 2, 30000);
      }
    } finally {
      flushing = false;
      await render();
      report(tried, failure);
      if (again && !failure) flush();
    }
  }

  function report(tried, failure) {
    const mine = saved && tried.find((attempt) => attempt.item.client_id === saved);
    if (mine) {
      const [outcome, text] = outcomeOf(mine.item, mine.sent, failure);
      tell(outcome, text);
    }
    const others = tried.filter((attempt) => attempt !== mine);
    if (!others.length) {
      if (saved) say("");
      return;
    }
    if (failure) say(failure.message === msg("signin") ? msg("signin") : msg("queued"));
    else if (others.every((attempt) => attempt.sent)) say(msg("sent"));
    else say("");  // refused ones are listed below with their reasons
  }

  async function render() {
    const list = document.getElementById("queue");
    list.textContent = "";
    for (const item of await queue.all()) {
      const li = document.createElement("li");
      li.dataset.clientId = item.client_id;
      const when = new Date(item.visited_at).toLocaleString();
      const state = item.refused ? `${msg("refused")} ${item.refused}` : isMine(item) ? msg("pending") : msg("otherLogin");
      li.textContent = `${item.label} · ${when} · ${state}`;
      if (item.number) {
        const number = document.createElement("small");
        number.className = "number";
        number.textContent = item.number;
        li.append(" ", number);
      }
      if (item.refused) {
        const drop = document.createElement("button");
        drop.type = "button";
        drop.className = "link";
        drop.textContent = "×";
        drop.addEventListener("click", () => queue.forget(item.client_id).then(render));
        li.append(" ", drop);
      }
      list.append(li);
    }
  }

  document.querySelectorAll("[data-household]").forEach((button) =>
    button.addEventListener("click", () => choose(button)));
  document.getElementById("step-visit").addEventListener("submit", save);
  document.querySelector("[data-back]").addEventListener("click", () => show("step-household"));
  document.querySelector("[data-again]").addEventListener("click", () => show("step-household"));
  window.addEventListener("online", () => { retryDelay = 2000; flush(); });
  setInterval(flush, 30000);
  // The household asked for in the address: read here, since a copy served offline was made
  // for whichever household it was first opened with.
  const asked = new URLSearchParams(location.search).get("household") || root.dataset.chosen;
  const preset = asked && /^\d+$/.test(asked) && document.querySelector(`[data-household="${asked}"]`);
  if (preset) choose(preset);
  render().then(flush);
})();
