/* bangfu: a team member checks in on a phone (驻村打卡), with or without a network.

   A check-in is first written to this phone's queue of check-ins (static/visits/queue.js,
   database "bangfu-check-ins") with an id made here, then sent to the API by the shared
   outbox (static/visits/outbox.js: on load, when the network is back, every 30 seconds,
   with back-off; once per id; only under the login that made it). Its photo, if any,
   follows it in a request of its own.

   After a check-in, the card under the button says what became of it, and only that:
   saved on the phone and sending, recorded, recorded with the photo still to send, waiting
   for a network, or refused with the server's reason. */
"use strict";
(function () {
  const root = document.getElementById("check-in");
  const form = document.getElementById("check-in-form");
  if (!root || !window.bangfuQueues || !window.bangfuOutbox) return;
  const queue = window.bangfuQueues.open(root.dataset.queue);
  const outbox = window.bangfuOutbox;
  const msg = (name) => root.dataset["msg" + name[0].toUpperCase() + name.slice(1)];
  const API = root.dataset.api;
  const me = Number(root.dataset.user);
  let position = null;

  function tell(outcome, text) {
    const done = document.getElementById("check-in-done");
    const card = document.getElementById("done-message");
    done.hidden = false;
    card.textContent = text;
    card.dataset.outcome = outcome;
  }

  function locate() {
    const state = document.getElementById("position-state");
    if (!state) return;
    if (!navigator.geolocation) {
      state.textContent = msg("noPosition");
      return;
    }
    state.textContent = msg("locating");
    navigator.geolocation.watchPosition(
      (p) => {
        position = p.coords;
        state.textContent = msg("located").replace("{metres}", String(Math.round(p.coords.accuracy)));
      },
      () => {
        if (!position) state.textContent = msg("noPosition");
      },
      { enableHighAccuracy: true, timeout: 15000, maximumAge: 60000 }
    );
  }

  async function save(event) {
    event.preventDefault();
    const file = form.querySelector("[name=photo]").files[0];
    const item = {
      client_id: outbox.newId(),
      owner: me,
      label: root.dataset.label,
      checked_at: new Date().toISOString(),
      latitude: position ? position.latitude : null,
      longitude: position ? position.longitude : null,
      accuracy_m: position ? Math.round(position.accuracy) : null,
      photo: file ? { name: file.name, blob: file } : null,
      check_in_sent: false,
      refused: "",
    };
    form.reset();
    await view.keep(item);
  }

  async function send(item) {
    if (!item.check_in_sent) {
      const body = {};
      for (const name of ["client_id", "checked_at", "latitude", "longitude", "accuracy_m"]) body[name] = item[name];
      const response = await fetch(API, {
        method: "POST",
        headers: { "Content-Type": "application/json", "X-CSRFToken": outbox.csrfToken() },
        credentials: "same-origin",
        body: JSON.stringify(body),
      });
      if (!(await outbox.settled(queue, item, response, msg("signin")))) return false;
      item.check_in_sent = true;
      await queue.keep(item);
      counted(item);
    }
    if (item.photo) {
      const data = new FormData();
      data.append("photo", item.photo.blob, item.photo.name || "photo.jpg");
      const response = await fetch(`${API}/${item.client_id}/photo`, {
        method: "POST",
        headers: { "X-CSRFToken": outbox.csrfToken() },
        credentials: "same-origin",
        body: data,
      });
      if (!(await outbox.settled(queue, item, response, msg("signin")))) return false;
      item.photo = null;
      await queue.keep(item);
    }
    await queue.forget(item.client_id);
    return true;
  }

  // A check-in of today, recorded: today's count on the page goes up by one.
  function counted(item) {
    const count = document.querySelector("[data-today-count]");
    if (!count || new Date(item.checked_at).toDateString() !== new Date().toDateString()) return;
    count.textContent = String(Number(count.textContent) + 1);
  }

  const view = outbox.page({
    queue,
    me,
    msg,
    send,
    tell,
    partly: (item) => (item.check_in_sent ? ["photo", msg("photo")] : null),
    when: (item) => item.checked_at,
  });
  if (form) {
    form.addEventListener("submit", save);
    locate();
  }
})();
