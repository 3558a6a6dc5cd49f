/* bangfu: a pair helper records a step of a monitoring procedure at the household (the home
   check, 入户核实) on a phone, with or without a network.

   The step is first written to this phone's queue of steps (static/visits/queue.js, database
   "bangfu-steps") with an id made here, then sent to the API by the shared outbox
   (static/visits/outbox.js: on load, when the network is back, every 30 seconds, with
   back-off; once per id; only under the login that made it). The server records an id once,
   so a second send answers with the first and never records the step twice.
   The day is the one the form offers (the copy's), which the helper corrects when needed. */
"use strict";
(function () {
  const root = document.getElementById("phone-step");
  const form = document.getElementById("step-form");
  if (!root || !form || !window.bangfuQueues || !window.bangfuOutbox) return;
  const queue = window.bangfuQueues.open(root.dataset.queue);
  const outbox = window.bangfuOutbox;
  const msg = (name) => root.dataset["msg" + name[0].toUpperCase() + name.slice(1)];
  const me = Number(root.dataset.user);

  function tell(outcome, text) {
    document.getElementById("step-done").hidden = false;
    const card = document.getElementById("done-message");
    card.textContent = text;
    card.dataset.outcome = outcome;
  }

  const FIELDS = ["step", "outcome", "done_on", "reason", "note"];

  async function save(event) {
    event.preventDefault();
    const fields = form.elements;
    const chosen = form.querySelector("input[name=outcome]:checked");
    const item = {
      client_id: outbox.newId(),
      owner: me,
      label: root.dataset.label,
      made_at: new Date().toISOString(),
      api: root.dataset.api,
      step: fields.step.value,
      outcome: chosen ? chosen.value : "passed",
      done_on: fields.done_on.value || null,
      reason: fields.reason ? fields.reason.value : "",
      note: fields.note ? fields.note.value : "",
      refused: "",
    };
    form.hidden = true;  // one step of a kind: the form is done with on this copy
    await view.keep(item);
  }

  async function send(item) {
    const body = { client_id: item.client_id };
    for (const name of FIELDS) body[name] = item[name];
    const response = await fetch(item.api, {
      method: "POST",
      headers: { "Content-Type": "application/json", "X-CSRFToken": outbox.csrfToken() },
      credentials: "same-origin",
      body: JSON.stringify(body),
    });
    if (!(await outbox.settled(queue, item, response, msg("signin")))) return false;
    await queue.forget(item.client_id);
    return true;
  }

  // Every procedure's steps wait in one queue, each with its own address.
  const view = outbox.page({
    queue,
    me,
    msg,
    send,
    tell,
    partly: () => null,
    when: (item) => item.made_at,
  });
  form.addEventListener("submit", save);
})();
