/* bangfu: a pair helper's form at the household, on a phone, with or without a network: a
   step of a monitoring procedure (the home check, 入户核实) or the closing of an alert (its
   verification's outcome). One script for both: the page names what differs on the element
   marked data-phone-form — the form (data-form), the fields sent (data-fields), the API
   address (data-api), the words (data-msg-*).

   What is saved is first written to this phone's queue (static/visits/queue.js, database
   "bangfu-steps", which the offline line counts) with an id made here, then sent to the API
   by the shared outbox (static/visits/outbox.js: on load, when the network is back, every 30
   seconds, with back-off; once per id; only under the login that made it). The server
   records an id once, so a second send answers with the first and never records twice; a
   refusal (an alert closed meanwhile by someone else) stays in the list with its words.
   A day is the one the form offers (the copy's), which the helper corrects when needed.

   data-msg-queued-<outcome>: the card's words while an item of that outcome waits (an
   identification starts only when its closing is sent). data-next and data-next-field: once
   the item just saved is sent, go to data-next + the answer's field + "/" (the
   identification the closing started, whose application follows). */
"use strict";
(function () {
  const root = document.querySelector("[data-phone-form]");
  const form = root && document.getElementById(root.dataset.form);
  if (!form || !window.bangfuQueues || !window.bangfuOutbox) return;
  const queue = window.bangfuQueues.open(root.dataset.queue);
  const outbox = window.bangfuOutbox;
  const msg = (name) => root.dataset["msg" + name[0].toUpperCase() + name.slice(1)];
  const me = Number(root.dataset.user);
  const fields = root.dataset.fields.split(" ");
  const answers = {}; // what the server answered to the items sent from this page, by id
  let saved = null;

  function tell(outcome, text) {
    document.getElementById("step-done").hidden = false;
    const card = document.getElementById("done-message");
    card.textContent = text;
    card.dataset.outcome = outcome;
    const next = outcome === "recorded" && answers[saved] && answers[saved][root.dataset.nextField];
    if (root.dataset.next && next) window.location.assign(`${root.dataset.next}${next}/`);
  }

  async function save(event) {
    event.preventDefault();
    const item = {
      client_id: outbox.newId(),
      owner: me,
      label: root.dataset.label,
      made_at: new Date().toISOString(),
      api: root.dataset.api,
      refused: "",
      body: {},
    };
    // A radio group's value is its checked one's; an empty day is none (the server's today).
    for (const name of fields) {
      const field = form.elements.namedItem(name);
      item.body[name] = field ? field.value : "";
      if (name.endsWith("_on") && !item.body[name]) item.body[name] = null;
    }
    saved = item.client_id;
    form.hidden = true; // one of a kind: the form is done with on this copy
    await view.keep(item);
  }

  async function send(item) {
    // The queue is every page's: an item carries what it sends (one kept by the earlier
    // step.js carried its step's fields on itself).
    const body = { client_id: item.client_id, ...(item.body || stepFields(item)) };
    const response = await fetch(item.api, {
      method: "POST",
      headers: { "Content-Type": "application/json", "X-CSRFToken": outbox.csrfToken() },
      credentials: "same-origin",
      body: JSON.stringify(body),
    });
    if (!(await outbox.settled(queue, item, response, msg("signin")))) return false;
    try { answers[item.client_id] = await response.json(); } catch (ignored) { /* no body */ }
    await queue.forget(item.client_id);
    return true;
  }

  function stepFields(item) {
    const body = {};
    for (const name of ["step", "outcome", "done_on", "reason", "note"]) body[name] = item[name];
    return body;
  }

  function partly(item) {
    const outcome = String((item.body || item).outcome || "").replace(/_(.)/g, (m, c) => c.toUpperCase());
    const words = outcome && msg("queued" + outcome[0].toUpperCase() + outcome.slice(1));
    return words ? ["queued", words] : null;
  }

  // Every item waits in one queue, each with its own address.
  const view = outbox.page({ queue, me, msg, send, tell, partly, when: (item) => item.made_at });
  form.addEventListener("submit", save);
})();
