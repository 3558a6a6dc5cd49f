/* The household's signature drawn on the phone's screen (户主签字确认). The canvas starts
   white; what the finger draws is sent as a PNG in the form's image field, so the form posts
   as any upload does. With "photo of the signed paper" chosen, the camera's file goes
   instead and the canvas is hidden. */
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

  form.addEventListener("submit", (event) => {
    if (kind() !== "signature" || !drawn) return;
    event.preventDefault();
    canvas.toBlob((blob) => {
      const files = new DataTransfer();
      files.items.add(new File([blob], "signature.png", { type: "image/png" }));
      file.files = files.files;
      form.submit();
    }, "image/png");
  });

  blank();
  show();
})();
