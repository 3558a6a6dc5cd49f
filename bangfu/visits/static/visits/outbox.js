/* bangfu: sends what a phone saved (a queue of static/visits/queue.js) to the server; shared
   by the pages that save on a phone (a visit, a check-in).

   An item is saved on the phone first, with an id made here (newId), then sent; the server
   records an id once, so a retry after a lost answer or a second send never makes two. The
   queue is sent when asked (the page opens, an item is saved), when the browser says the
   network is back, and every 30 seconds; a send that fails while the browser believes it is
   online (the signal is often back before the network is) is tried again after 2, 4, 8…
   seconds, at most 30. A refusal stays on the phone with the server's reason.

   An item belongs to the login that saved it (``owner``): on a phone shared by two people,
   one's waiting items are sent only when that one is signed in, never under the other's
   name. */
"use strict";
window.bangfuOutbox = (function () {
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

  // True when the server took it; a refusal is kept on the item with its reason (false). A
  // sign-in lost or a server away throws: the item stays queued for the next try.
  async function settled(queue, item, response, signin) {
    if (response.ok) return true;
    if (response.status === 401 || response.status === 403) throw new Error(signin);
    if (response.status >= 500) throw new Error(String(response.status));
    let reason = String(response.status);
    try { reason = (await response.json()).message || reason; } catch (ignored) { /* not JSON */ }
    item.refused = reason;
    await queue.keep(item);
    return false;
  }

  /* After its record was taken: sends an item's photos one by one to ``address`` (each with
     the id made on the phone, so a retry never records one twice), dropping each from the
     item kept on the phone once the server took it, then forgets the item. True when all
     were sent, false at a refusal (kept on the item); it throws like ``settled``. */
  async function sendPhotos(queue, item, address, signin) {
    while (item.photos.length) {
      const photo = item.photos[0];
      const form = new FormData();
      form.append("photo_id", photo.id);
      form.append("photo", photo.blob, photo.name || "photo.jpg");
      const response = await fetch(address, {
        method: "POST",
        headers: { "X-CSRFToken": csrfToken() },
        credentials: "same-origin",
        body: form,
      });
      if (!(await settled(queue, item, response, signin))) return false;
      item.photos.shift();
      await queue.keep(item);
    }
    await queue.forget(item.client_id);
    return true;
  }

  /* Sends the signed-in login's (``me``) waiting items one by one with ``send(item)`` (true
     when recorded, false when refused; it throws when the network or the sign-in fails).
     ``starting(items)`` runs before a send, ``done(tried, failure)`` after it, with each
     item tried and whether it was sent. ``signin`` is the words of a lost sign-in: no retry
     then, until the person signs in again. */
  function start({ queue, me, signin, send, starting, done }) {
    const isMine = (item) => item.owner === undefined || item.owner === me;
    let flushing = false;
    let again = false; // a send was asked for while one ran: run once more after it
    let retryDelay = 2000;
    let retryTimer = null;

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
        if (starting) starting(items);
        for (const item of items) {
          const attempt = { item, sent: false };
          tried.push(attempt);
          attempt.sent = await send(item);
        }
        retryDelay = 2000;
      } catch (error) {
        // No network, or the server is away: everything stays queued for the next try.
        failure = error;
        if (error.message !== signin && navigator.onLine) {
          clearTimeout(retryTimer);
          retryTimer = setTimeout(flush, retryDelay);
          retryDelay = Math.min(retryDelay * 2, 30000);
        }
      } finally {
        flushing = false;
        await done(tried, failure);
        if (again && !failure) flush();
      }
    }

    window.addEventListener("online", () => { retryDelay = 2000; flush(); });
    setInterval(flush, 30000);
    return { flush, isMine };
  }

  /* A page that saves on a phone: the line at the top (#queue-status) speaks of sends the
     card does not describe; the card (``tell(outcome, words)``) says what became of the item
     just saved, and only that; the list (#queue) shows what waits, each with when it was
     made (``when(item)``) and, when refused, the reason and a button to drop it.
     ``partly(item)`` is the card's [outcome, words] for an item recorded with its photos
     still to send (or null); ``decorate(li, item)`` adds to an item's line. */
  function page({ queue, me, msg, send, tell, partly, when, decorate }) {
    let saved = null; // the item the card speaks of

    function say(text) {
      const status = document.getElementById("queue-status");
      status.textContent = text;
      status.hidden = !text;
    }

    function outcomeOf(item, sent, failure) {
      if (sent) return ["recorded", msg("recorded")];
      if (item.refused) return ["refused", `${msg("refused")} ${item.refused} ${msg("kept")}`];
      if (failure && failure.message === msg("signin")) return ["signin", msg("signin")];
      return partly(item) || ["queued", msg("queued")];
    }

    function report(tried, failure) {
      const mine = saved && tried.find((attempt) => attempt.item.client_id === saved);
      if (mine) tell(...outcomeOf(mine.item, mine.sent, failure));
      const others = tried.filter((attempt) => attempt !== mine);
      if (!others.length) {
        if (saved) say("");
        return;
      }
      if (failure) say(failure.message === msg("signin") ? msg("signin") : msg("queued"));
      else if (others.every((attempt) => attempt.sent)) say(msg("sent"));
      else say("");  // refused ones are listed below with their reasons
    }

    // The list is drawn whole and put in place at once, by the latest of the renders asked
    // for (a save and a send ending may ask together): never empty for a moment while the
    // queue is read, never an item twice, never an older reading over a newer one.
    let drawing = 0;
    async function render() {
      const asked = ++drawing;
      const items = await queue.all();
      if (asked !== drawing) return;
      const lines = items.map((item) => {
        const li = document.createElement("li");
        li.dataset.clientId = item.client_id;
        const made = new Date(when(item)).toLocaleString();
        const state = item.refused ? `${msg("refused")} ${item.refused}` : sending.isMine(item) ? msg("pending") : msg("otherLogin");
        li.textContent = `${item.label} · ${made} · ${state}`;
        if (decorate) decorate(li, item);
        if (item.refused) {
          const drop = document.createElement("button");
          drop.type = "button";
          drop.className = "link";
          drop.textContent = "×";
          drop.addEventListener("click", () => queue.forget(item.client_id).then(render));
          li.append(" ", drop);
        }
        return li;
      });
      const list = document.getElementById("queue");
      list.textContent = "";
      list.append(...lines);
    }

    const sending = start({
      queue,
      me,
      signin: msg("signin"),
      send,
      starting: (items) => { if (items.length && !saved) say(msg("sending")); },
      done: async (tried, failure) => {
        await render();
        report(tried, failure);
      },
    });

    // An item just made: kept on the phone, the card speaks of it, then it is sent.
    async function keep(item) {
      await queue.keep(item);
      saved = item.client_id;
      tell("saving", navigator.onLine ? msg("saving") : msg("queued"));
      await render();
      sending.flush();
    }

    render().then(sending.flush);
    return { keep, forget: () => { saved = null; } };
  }

  return { newId, csrfToken, settled, sendPhotos, start, page };
})();
