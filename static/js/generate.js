// The generate page: composes the prompt from the template, tone and length pickers, posts to the API
// (form[data-api-url]), renders the streamed answer as Markdown as it grows, and offers Stop,
// Regenerate and refinements (sent with "parent": the answer being refined). After each answer it asks
// the server (form[data-status-url]) for the usage panel, the limit dialog and the outcome line, so
// their words live in templates/generation/generate.html only.
(function () {
  "use strict";

  var form = document.getElementById("generate-form");
  if (!form) return;

  var prompt = document.getElementById("prompt");
  var counter = document.getElementById("prompt-counter");
  var maxChars = parseInt(counter.dataset.max, 10);
  var workspace = document.getElementById("workspace");
  var documentPicker = document.getElementById("document");
  var templatePicker = document.getElementById("template");
  var tone = document.getElementById("tone");
  var length = document.getElementById("length");
  var button = document.getElementById("generate-button");
  var stopButton = document.getElementById("stop-button");
  var indicator = document.getElementById("streaming-indicator");
  var answerCard = document.getElementById("answer-card");
  var output = document.getElementById("output");
  var errorBox = document.getElementById("generate-error");
  var copyButton = document.getElementById("copy-button");
  var refine = document.getElementById("refine");
  var changeForm = document.getElementById("change-form");
  var changeInput = document.getElementById("change-input");
  var phone = window.matchMedia("(max-width: 800px)");
  var DROPPED = "The connection dropped before the answer finished. What arrived is saved in your history and counts as a generation.";

  var busy = false;
  var controller = null; // aborts the running request (Stop)
  var answer = { text: "", id: null }; // what the card shows
  var lastGood = { text: "", id: null }; // the last answer worth keeping: shown again when an attempt is refused
  var lastBody = null; // the last request, for Regenerate
  var renderPending = false;

  function updateCounter() {
    var count = prompt.value.length;
    counter.textContent = count.toLocaleString() + " / " + maxChars.toLocaleString();
    counter.classList.toggle("over-limit", count > maxChars);
    button.disabled = busy || count > maxChars;
  }

  // Markdown to sanitised HTML at most once per frame, however fast the deltas come.
  function scheduleRender() {
    if (renderPending) return;
    renderPending = true;
    window.requestAnimationFrame(function () {
      renderPending = false;
      if (answer.text) {
        output.innerHTML = window.inkwellMarkdown.render(answer.text);
      } else {
        var placeholder = document.createElement("p");
        placeholder.className = "muted output-placeholder";
        placeholder.textContent = output.dataset.placeholder;
        output.replaceChildren(placeholder);
      }
    });
  }

  function show(text, id) {
    answer = { text: text, id: id };
    scheduleRender();
  }

  // The usage panel and the limit dialog for the chosen workspace, with the outcome line of generation
  // ``id``; ``extra`` adds limit_reached (the dialog comes open) or stopped.
  function refreshStatus(id, extra) {
    var values = { workspace: workspace.value, generation: id || "" };
    Object.assign(values, extra || {});
    return htmx.ajax("GET", form.dataset.statusUrl, { target: "#usage-card", swap: "outerHTML", values: values });
  }

  function showDocumentsOfWorkspace() {
    Array.prototype.forEach.call(documentPicker.options, function (doc) {
      if (!doc.value) return;
      var matches = doc.dataset.workspace === workspace.value;
      doc.hidden = !matches;
      doc.disabled = !matches;
      if (!matches && doc.selected) documentPicker.value = "";
    });
  }

  function setBusy(value) {
    busy = value;
    indicator.classList.toggle("hidden", !value);
    stopButton.classList.toggle("hidden", !value);
    output.setAttribute("aria-busy", value ? "true" : "false");
    output.classList.toggle("streaming", value);
    button.textContent = value ? "Writing…" : "Generate";
    refine.querySelectorAll("button, input").forEach(function (control) { control.disabled = value; });
    copyButton.disabled = value || !answer.text;
    refine.classList.toggle("hidden", !lastGood.id);
    updateCounter();
  }

  function showError(message) {
    errorBox.textContent = message;
    errorBox.classList.remove("hidden");
  }

  // Template, tone and length write the prompt the model reads: the template's instruction and one
  // line per filled field (a blank template keeps what was typed), then the tone and length lines.
  function lineOf(picker) {
    return picker.value ? picker.dataset.line.replace("{value}", picker.value) : "";
  }

  function isStyleLine(line) {
    return [tone, length].some(function (picker) {
      return line.indexOf(picker.dataset.line.split("{value}")[0]) === 0;
    });
  }

  function activeFields() {
    return document.querySelector('.template-fields[data-template="' + templatePicker.value + '"]');
  }

  function composePrompt() {
    var lines;
    var fields = activeFields();
    if (templatePicker.value === prompt.dataset.blankTemplate) {
      lines = prompt.value.replace(/\s+$/, "").split("\n");
      while (lines.length && isStyleLine(lines[lines.length - 1])) lines.pop();
    } else {
      lines = [templatePicker.options[templatePicker.selectedIndex].dataset.instruction];
      if (fields) fields.querySelectorAll("[data-line]").forEach(function (input) {
        if (input.value.trim()) lines.push(input.dataset.line.replace("{value}", input.value.trim()));
      });
    }
    [lineOf(tone), lineOf(length)].forEach(function (line) { if (line) lines.push(line); });
    prompt.value = lines.join("\n").replace(/^\n+/, "");
    updateCounter();
  }

  function chooseTemplate() {
    document.querySelectorAll(".template-fields").forEach(function (fields) {
      fields.classList.toggle("hidden", fields.dataset.template !== templatePicker.value);
    });
    composePrompt();
  }

  function limitModal() {
    return document.getElementById("limit-modal");
  }

  function closeLimitModal() {
    limitModal().classList.add("hidden");
    button.focus();
  }

  // One attempt. The card keeps the last good answer until the new one's first words arrive, and gets
  // it back if the attempt is refused or refunded.
  async function run(body) {
    if (busy) return;
    errorBox.classList.add("hidden");
    lastBody = body;
    controller = new AbortController();
    var id = null;
    var settled = false;
    var started = false;
    setBusy(true);
    try {
      var response = await window.inkwellApi.post(form.dataset.apiUrl, body, "text/event-stream", controller.signal);
      var type = response.headers.get("Content-Type") || "";
      if (response.ok && type.indexOf("text/event-stream") === 0) {
        id = response.headers.get("X-Generation-Id");
        document.getElementById("answer-meta").textContent = "";
        refreshStatus(null); // the unit is taken when the answer starts: the meter says so at once
        await window.inkwellApi.readEvents(response.body.getReader(), function (name, data) {
          if (name === "delta") {
            if (!started) {
              started = true;
              answer.text = "";
              if (phone.matches) answerCard.scrollIntoView({ behavior: "smooth", block: "start" });
            }
            show(answer.text + data.text, id);
          } else if (name === "done") {
            settled = true;
            lastGood = { text: answer.text, id: data.generation_id };
            refreshStatus(data.generation_id);
          } else if (name === "error") {
            settled = true;
            showError(data.message);
            if (data.refunded) show(lastGood.text, lastGood.id);
            else lastGood = { text: answer.text, id: data.generation_id };
            refreshStatus(data.generation_id);
          }
        });
        if (!settled) {
          showError(DROPPED);
          refreshStatus(id);
        }
      } else if (response.status === 401) {
        window.location.href = form.dataset.loginUrl;
        return;
      } else {
        var error = type.indexOf("application/json") === 0 ? await response.json() : {};
        showError(error.message || "Something went wrong (" + response.status + "). Please try again.");
        if (response.status === 402) refreshStatus(null, { limit_reached: "1" });
        else if (error.generation_id) refreshStatus(error.generation_id);
      }
    } catch (err) {
      if (err.name === "AbortError") {
        // Stopped: the server charges what was written (the model had started), so the meter counts it.
        if (started) lastGood = { text: answer.text, id: id };
        else show(lastGood.text, lastGood.id);
        refreshStatus(id, { stopped: "1" });
      } else {
        // Once text has arrived the model was answering: the server keeps that part and counts it.
        showError(started ? DROPPED : "The connection dropped before the answer finished. Please try again.");
        if (started) lastGood = { text: answer.text, id: id };
        refreshStatus(id);
      }
    } finally {
      controller = null;
      setBusy(false);
    }
  }

  function teamBody(body) {
    // The API's "team" is a team's slug; without one the answer is written in the personal workspace.
    var team = workspace.options[workspace.selectedIndex].dataset.team;
    if (team) body.team = team;
    return body;
  }

  function generate(event) {
    event.preventDefault();
    if (!prompt.value.trim()) {
      showError("Write a prompt first.");
      prompt.focus();
      return;
    }
    var body = teamBody({ prompt: prompt.value, stream: true });
    if (documentPicker.value) body.document = parseInt(documentPicker.value, 10);
    run(body);
  }

  function refineWith(instruction) {
    if (!lastGood.id || !instruction.trim()) return;
    run(teamBody({ prompt: instruction.trim(), stream: true, parent: lastGood.id }));
  }

  function copyAnswer() {
    var html = output.innerHTML;
    var text = output.innerText;
    var copied = window.ClipboardItem
      ? navigator.clipboard.write([new ClipboardItem({
          "text/html": new Blob([html], { type: "text/html" }),
          "text/plain": new Blob([text], { type: "text/plain" }),
        })])
      : navigator.clipboard.writeText(text);
    copied.then(function () {
      copyButton.textContent = "Copied";
      setTimeout(function () { copyButton.textContent = "Copy"; }, 1500);
    });
  }

  copyButton.addEventListener("click", copyAnswer);
  stopButton.addEventListener("click", function () { if (controller) controller.abort(); });
  document.getElementById("regenerate-button").addEventListener("click", function () {
    if (lastBody) run(lastBody);
    else form.requestSubmit(); // an answer opened from the history: its prompt is in the form
  });
  refine.querySelectorAll("[data-refine]").forEach(function (chip) {
    chip.addEventListener("click", function () { refineWith(chip.dataset.refine); });
  });
  changeForm.addEventListener("submit", function (event) {
    event.preventDefault();
    refineWith(changeInput.value);
    changeInput.value = "";
  });
  document.querySelectorAll("[data-starter]").forEach(function (chip) {
    chip.addEventListener("click", function () {
      prompt.value = chip.textContent;
      composePrompt();
      prompt.focus();
    });
  });
  templatePicker.addEventListener("change", chooseTemplate);
  tone.addEventListener("change", composePrompt);
  length.addEventListener("change", composePrompt);
  document.getElementById("prompt-builder").addEventListener("input", function (event) {
    if (event.target.dataset.line) composePrompt();
  });
  prompt.addEventListener("input", updateCounter);
  prompt.addEventListener("keydown", function (event) {
    if (event.key === "Enter" && (event.ctrlKey || event.metaKey)) form.requestSubmit();
  });
  workspace.addEventListener("change", showDocumentsOfWorkspace);
  form.addEventListener("submit", generate);
  // The dialog is replaced with each status refresh, so it is listened to from the document.
  document.addEventListener("htmx:afterSettle", function () {
    // Into the dialog: its upgrade button, or "Not now" where billing is not set up.
    var target = document.getElementById("upgrade-button") || document.getElementById("limit-close");
    if (!limitModal().classList.contains("hidden")) target.focus();
  });
  document.addEventListener("click", function (event) {
    if (event.target.closest("#limit-close") || event.target === limitModal()) closeLimitModal();
  });
  document.addEventListener("keydown", function (event) {
    if (event.key === "Escape" && !limitModal().classList.contains("hidden")) closeLimitModal();
  });

  // An answer opened from the history (rendered by the server) can be refined at once.
  var earlier = document.getElementById("earlier-answer");
  if (earlier) {
    lastGood = JSON.parse(earlier.textContent);
    answer = { text: lastGood.text, id: lastGood.id };
  }
  showDocumentsOfWorkspace();
  setBusy(false);
  // "Regenerate" from the history: run once, and drop the flag so a reload does not run it again.
  if (form.hasAttribute("data-run-at-once")) {
    var url = new URL(window.location.href);
    url.searchParams.delete("again");
    window.history.replaceState(null, "", url);
    form.requestSubmit();
  }
})();
