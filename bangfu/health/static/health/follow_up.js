/* bangfu: a pair helper records a follow-up (随访) of a household member on a phone, with or
   without a network.

   A follow-up is first written to this phone's queue of follow-ups (static/visits/queue.js,
   database "bangfu-follow-ups") with an id made here, then sent to the API by the shared
   outbox (static/visits/outbox.js: on load, when the network is back, every 30 seconds,
   with back-off; once per id; only under the login that made it). The server records an id
   once, so a second send never makes two.

   The page is one copy for every household (the service worker keeps it whatever its
   query): ?household= is read here, and chooses that household's first illness. The day
   starts as the phone's today, since a copy kept offline was made on an earlier one. */
"use strict";
(function () {
  const root = document.getElementById("follow-up");
  const form = document.getElementById("follow-up-form");
  if (!root || !window.bangfuQueues || !window.bangfuOutbox) return;
  const queue = window.bangfuQueues.open(root.dataset.queue);
  const outbox = window.bangfuOutbox;
  const msg = (name) => root.dataset["msg" + name[0].toUpperCase() + name.slice(1)];
  const me = Number(root.dataset.user);

  function today() {
    const now = new Date();
    const two = (n) => String(n).padStart(2, "0");
    return `${now.getFullYear()}-${two(now.getMonth() + 1)}-${two(now.getDate())}`;
  }

  function tell(outcome, text) {
    const done = document.getElementById("follow-up-done");
    const card = document.getElementById("done-message");
    done.hidden = false;
    card.textContent = text;
    card.dataset.outcome = outcome;
  }

  function choose() {
    const wanted = new URLSearchParams(location.search).get("household");
    const select = form.elements.condition;
    const first = wanted && Array.from(select.options).find((o) => o.dataset.household === wanted);
    if (first) select.value = first.value;
  }

  async function save(event) {
    event.preventDefault();
    const fields = form.elements;
    const option = fields.condition.selectedOptions[0];
    if (!option || option.disabled) return;
    const item = {
      client_id: outbox.newId(),
      owner: me,
      label: option.dataset.label,
      made_at: new Date().toISOString(),
      condition_id: Number(option.value),
      held_on: fields.held_on.value,
      by: fields.by.value,
      kind: form.querySelector("input[name=kind]:checked").value,
      findings: fields.findings.value,
      next_due: fields.next_due.value || null,
      refused: "",
    };
    fields.findings.value = "";
    fields.next_due.value = "";
    await view.keep(item);
  }

  async function send(item) {
    const body = {};
    for (const name of ["client_id", "held_on", "by", "kind", "findings", "next_due"]) body[name] = item[name];
    const response = await fetch(`${root.dataset.api}${item.condition_id}/follow-ups`, {
      method: "POST",
      headers: { "Content-Type": "application/json", "X-CSRFToken": outbox.csrfToken() },
      credentials: "same-origin",
      body: JSON.stringify(body),
    });
    if (!(await outbox.settled(queue, item, response, msg("signin")))) return false;
    await queue.forget(item.client_id);
    return true;
  }

  const view = outbox.page({
    queue,
    me,
    msg,
    send,
    tell,
    partly: () => null,
    when: (item) => item.made_at,
  });
  if (form) {
    form.elements.held_on.value = today();
    choose();
    form.addEventListener("submit", save);
  }
})();
