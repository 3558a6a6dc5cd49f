/* bangfu: log a visit in three screens, on a phone, with or without a network.

   A visit is first written to this phone's queue (static/visits/queue.js) with an id made
   here, then sent to the API by the shared outbox (static/visits/outbox.js: on load, when
   the network is back, every 30 seconds, with back-off; once per id; only under the login
   that saved it). Photos follow their visit one by one.

   After a save, the card of the third screen says what became of that visit, and only that:
   saved on the phone and sending, sent and recorded, recorded with photos still to send,
   waiting for a network, or refused with the server's reason. It changes when a later send
   settles it. The line at the top speaks only of sends the card does not describe. */
"use strict";
(function () {
  const root = document.getElementById("capture");
  if (!root || !window.bangfuQueue || !window.bangfuOutbox) return;
  const queue = window.bangfuQueue;
  const outbox = window.bangfuOutbox;
  const msg = (name) => root.dataset["msg" + name[0].toUpperCase() + name.slice(1)];
  const API = root.dataset.api;
  const me = Number(root.dataset.user);
  let chosen = null;
  let position = null;

  function show(step) {
    for (const id of ["step-household", "step-visit", "step-done"]) {
      document.getElementById(id).hidden = id !== step;
    }
    if (step !== "step-done") view.forget();
    window.scrollTo(0, 0);
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
      client_id: outbox.newId(),
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
        id: outbox.newId(),
        name: file.name,
        blob: file,
      })),
      visit_sent: false,
      refused: "",
    };
    show("step-done");
    await view.keep(item);
  }

  async function send(item) {
    if (!item.visit_sent) {
      const body = Object.assign({}, item);
      for (const local of ["owner", "label", "number", "photos", "visit_sent", "refused"]) delete body[local];
      const response = await fetch(API, {
        method: "POST",
        headers: { "Content-Type": "application/json", "X-CSRFToken": outbox.csrfToken() },
        credentials: "same-origin",
        body: JSON.stringify(body),
      });
      if (!(await outbox.settled(queue, item, response, msg("signin")))) return false;
      item.visit_sent = true;
      await queue.keep(item);
    }
    return outbox.sendPhotos(queue, item, `${API}/${item.client_id}/photos`, msg("signin"));
  }

  const view = outbox.page({
    queue,
    me,
    msg,
    send,
    tell,
    partly: (item) => (item.visit_sent ? ["photos", msg("photos")] : null),
    when: (item) => item.visited_at,
    decorate: (li, item) => {
      if (!item.number) return;
      const number = document.createElement("small");
      number.className = "number";
      number.textContent = item.number;
      li.append(" ", number);
    },
  });

  document.querySelectorAll("[data-household]").forEach((button) =>
    button.addEventListener("click", () => choose(button)));
  document.getElementById("step-visit").addEventListener("submit", save);
  document.querySelector("[data-back]").addEventListener("click", () => show("step-household"));
  document.querySelector("[data-again]").addEventListener("click", () => show("step-household"));
  // The household asked for in the address: read here, since a copy served offline was made
  // for whichever household it was first opened with.
  const asked = new URLSearchParams(location.search).get("household") || root.dataset.chosen;
  const preset = asked && /^\d+$/.test(asked) && document.querySelector(`[data-household="${asked}"]`);
  if (preset) choose(preset);
})();
