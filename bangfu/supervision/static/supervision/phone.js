/* bangfu: an inspector's forms in the village, on a phone, with or without a network: a
   household's survey (data-phone-form="survey": its questionnaire's answers, the household
   and round of the page) and a finding with its photos (data-phone-form="finding"). The page
   names what differs on the element marked data-phone-form: the form (data-form), the fields
   sent as they are (data-fields), the API address (data-api), the day field that is today
   (data-today), the photos' field (data-photos), the words (data-msg-*).

   What is saved is first written to this phone's queue (static/visits/queue.js, database
   "bangfu-supervision", which the offline line counts) with an id made here, then sent by
   the shared outbox (static/visits/outbox.js: on load, when the network is back, every 30
   seconds, with back-off; once per id; only under the login that made it). The server
   records an id once, so a second send answers with the first and never records twice; a
   refusal stays in the list with its words. A finding's photos follow it one by one, each
   with its own id. Once the item just saved is recorded (with its photos), the page goes to
   it: data-next + its id + "/". */
"use strict";
(function () {
  const root = document.querySelector("[data-phone-form]");
  const form = root && document.getElementById(root.dataset.form);
  if (!form || !window.bangfuQueues || !window.bangfuOutbox) return;
  const queue = window.bangfuQueues.open(root.dataset.queue);
  const outbox = window.bangfuOutbox;
  const msg = (name) => root.dataset["msg" + name[0].toUpperCase() + name.slice(1)];
  const me = Number(root.dataset.user);
  const survey = root.dataset.phoneForm === "survey";
  const fields = root.dataset.fields.split(" ");
  const answers = {}; // what the server answered to the items sent from this page, by id
  let saved = null;

  // A copy kept on the phone may be days old: the day it offers is the phone's today.
  function today() {
    const state = document.getElementById("offline-state");
    const day = root.dataset.today && form.elements.namedItem(root.dataset.today);
    if (!day || !state || state.dataset.copy !== "saved") return;
    const now = new Date();
    const two = (n) => String(n).padStart(2, "0");
    day.value = `${now.getFullYear()}-${two(now.getMonth() + 1)}-${two(now.getDate())}`;
  }

  function tell(outcome, text) {
    document.getElementById("step-done").hidden = false;
    const card = document.getElementById("done-message");
    card.textContent = text;
    card.dataset.outcome = outcome;
    const answer = answers[saved];
    if (outcome === "recorded" && answer && answer.id) window.location.assign(`${root.dataset.next}${answer.id}/`);
  }

  // What the API takes: the fields as given (an empty day or id is none), then the survey's
  // household, round and answers by question, or the record a finding concerns.
  function body(data) {
    const sent = {};
    for (const name of fields) {
      const value = String(data.get(name) || "");
      if (name.endsWith("_id")) sent[name] = value ? Number(value) : null;
      else if (name.endsWith("_on")) sent[name] = value || null;
      else sent[name] = value;
    }
    if (survey) {
      sent.household_id = Number(root.dataset.household);
      sent.round_id = root.dataset.round ? Number(root.dataset.round) : null;
      const asked = JSON.parse(document.getElementById("survey-answers").textContent);
      sent.answers = Object.entries(asked)
        .map(([name, id]) => ({ question_id: id, value: String(data.get(name) || "") }))
        .filter((answer) => answer.value.trim());
    } else {
      const concerns = data.get("concerns");
      const record = data.get("record_id");
      if (concerns && record) sent[`${concerns}_id`] = Number(record);
    }
    return sent;
  }

  async function save(event) {
    event.preventDefault();
    const data = new FormData(form);
    const photos = root.dataset.photos && form.elements.namedItem(root.dataset.photos);
    const sent = body(data);
    const item = {
      client_id: outbox.newId(),
      owner: me,
      label: survey ? root.dataset.label : `${root.dataset.label} · ${sent.description.slice(0, 20)}`,
      made_at: new Date().toISOString(),
      api: root.dataset.api,
      body: sent,
      photos: Array.from((photos && photos.files) || [], (file) => ({
        id: outbox.newId(),
        name: file.name,
        blob: file,
      })),
      record_sent: false,
      refused: "",
    };
    saved = item.client_id;
    if (survey) {
      form.hidden = true; // a household is surveyed once: the form is done with on this copy
    } else {
      form.reset(); // ready for the next finding
      today();
    }
    await view.keep(item);
  }

  async function post(address, options, item) {
    const response = await fetch(address, {
      method: "POST",
      credentials: "same-origin",
      ...options,
      headers: { ...(options.headers || {}), "X-CSRFToken": outbox.csrfToken() },
    });
    return (await outbox.settled(queue, item, response, msg("signin"))) && response;
  }

  async function send(item) {
    if (!item.record_sent) {
      const response = await post(item.api, {
        headers: { "Content-Type": "application/json" },
        body: JSON.stringify({ client_id: item.client_id, ...item.body }),
      }, item);
      if (!response) return false;
      try { answers[item.client_id] = await response.json(); } catch (ignored) { /* no body */ }
      item.record_sent = true;
      await queue.keep(item);
    }
    return outbox.sendPhotos(queue, item, `${item.api}/${item.client_id}/photos`, msg("signin"));
  }

  const view = outbox.page({
    queue,
    me,
    msg,
    send,
    tell,
    partly: (item) => (item.record_sent ? ["photos", msg("photos")] : null),
    when: (item) => item.made_at,
  });
  form.addEventListener("submit", save);
  today();
})();
