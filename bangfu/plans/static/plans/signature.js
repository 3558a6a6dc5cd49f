/* The household's signature drawn on the phone's screen (户主签字确认). The canvas starts
   white; what the finger draws becomes a PNG. With "photo of the signed paper" chosen, the
   camera's file goes instead and the canvas is hidden.

   Either is saved on the phone first, in its queue of acknowledgements
   (static/visits/queue.js, database "bangfu-acknowledgements") with an id made here, and
   sent to the API by the shared outbox (static/visits/outbox.js: on load, when the network
   is back, every 30 seconds; once per id; only under the login that made it), so that a
   household signs where there is no network. Without the queue (an old browser), the form
   posts the PNG in its image field as any upload. */
(function () {
  "use strict";
  const form = document.getElementById("acknowledge");
  const canvas = document.getElementById("signature");
  if (!form || !canvas) return;
  const pad = form.querySelector("[data-signature]");
  const file = form.querySelector("input[name=image]");
  const fileRow = file.closest(".field") || file;
  const context = canvas.getContext("2d");
  let drawn = false;
  let last = null;

  function blank() {
    context.fillStyle = "#fff";
    context.fillRect(0, 0, canvas.width, canvas.height);
    context.strokeStyle = "#000";
    context.lineWidth = 3;
    context.lineCap = "round";
    context.lineJoin = "round";
    drawn = false;
  }

  function point(event) {
    const box = canvas.getBoundingClientRect();
    return {
      x: ((event.clientX - box.left) * canvas.width) / box.width,
      y: ((event.clientY - box.top) * canvas.height) / box.height,
    };
  }

  function kind() {
    const chosen = form.querySelector("input[name=kind]:checked");
    return chosen ? chosen.value : "signature";
  }

  function show() {
    const signing = kind() === "signature";
    pad.hidden = !signing;
    fileRow.hidden = signing;
  }

  canvas.style.touchAction = "none";
  canvas.addEventListener("pointerdown", (event) => {
    canvas.setPointerCapture(event.pointerId);
    last = point(event);
    event.preventDefault();
  });
  canvas.addEventListener("pointermove", (event) => {
    if (!last) return;
    const next = point(event);
    context.beginPath();
    context.moveTo(last.x, last.y);
    context.lineTo(next.x, next.y);
    context.stroke();
    last = next;
    drawn = true;
    event.preventDefault();
  });
  for (const end of ["pointerup", "pointercancel", "pointerleave"]) {
    canvas.addEventListener(end, () => {
      last = null;
    });
  }
  pad.querySelector("[data-clear]").addEventListener("click", blank);
  for (const radio of form.querySelectorAll("input[name=kind]")) radio.addEventListener("change", show);

  const drawing = () => new Promise((resolve) => canvas.toBlob(resolve, "image/png"));

  function posted(event) {
    // No queue on this browser: the form posts the drawing as its image.
    if (kind() !== "signature" || !drawn) return;
    event.preventDefault();
    drawing().then((blob) => {
      const files = new DataTransfer();
      files.items.add(new File([blob], "signature.png", { type: "image/png" }));
      file.files = files.files;
      form.submit();
    });
  }

  const root = document.getElementById("acknowledgement");
  if (!root || !window.bangfuQueues || !window.bangfuOutbox) {
    form.addEventListener("submit", posted);
    blank();
    show();
    return;
  }
  const queue = window.bangfuQueues.open(root.dataset.queue);
  const outbox = window.bangfuOutbox;
  const msg = (name) => root.dataset["msg" + name[0].toUpperCase() + name.slice(1)];
  const me = Number(root.dataset.user);

  function tell(outcome, text) {
    document.getElementById("acknowledgement-done").hidden = false;
    const card = document.getElementById("done-message");
    card.textContent = text;
    card.dataset.outcome = outcome;
  }

  async function save(event) {
    event.preventDefault();
    const signing = kind() === "signature";
    const photo = file.files[0];
    if (signing ? !drawn : !photo) {
      tell("refused", msg("unsigned"));
      return;
    }
    const item = {
      client_id: outbox.newId(),
      owner: me,
      label: `${root.dataset.label} · ${form.elements.signed_by.value}`,
      made_at: new Date().toISOString(),
      api: root.dataset.api,
      kind: kind(),
      signed_by: form.elements.signed_by.value,
      image: signing ? { name: "signature.png", blob: await drawing() } : { name: photo.name, blob: photo },
      refused: "",
    };
    blank();
    file.value = "";
    await view.keep(item);
  }

  async function send(item) {
    const data = new FormData();
    data.append("client_id", item.client_id);
    data.append("kind", item.kind);
    data.append("signed_by", item.signed_by);
    data.append("image", item.image.blob, item.image.name);
    const response = await fetch(item.api, {
      method: "POST",
      headers: { "X-CSRFToken": outbox.csrfToken() },
      credentials: "same-origin",
      body: data,
    });
    if (!(await outbox.settled(queue, item, response, msg("signin")))) return false;
    await queue.forget(item.client_id);
    return true;
  }

  // Every household's acknowledgements wait in one queue, each with its own address.
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
  blank();
  show();
})();
