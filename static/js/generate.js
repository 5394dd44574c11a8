// The generate page: posts to the API (form[data-api-url]), reads the server-sent events as they
// arrive, and asks the server (form[data-status-url]) for the usage panel, the limit dialog and the
// outcome line after each answer, so their words live in templates/generation/generate.html only.
(function () {
  "use strict";

  var form = document.getElementById("generate-form");
  if (!form) return;

  var prompt = document.getElementById("prompt");
  var counter = document.getElementById("prompt-counter");
  var maxChars = parseInt(counter.dataset.max, 10);
  var workspace = document.getElementById("workspace");
  var documentPicker = document.getElementById("document");
  var button = document.getElementById("generate-button");
  var indicator = document.getElementById("streaming-indicator");
  var output = document.getElementById("output");
  var errorBox = document.getElementById("generate-error");
  var copyButton = document.getElementById("copy-button");
  var busy = false;
  var settled = true; // whether the current stream has sent its done or error event

  function updateCounter() {
    var length = prompt.value.length;
    counter.textContent = length.toLocaleString() + " / " + maxChars.toLocaleString();
    counter.classList.toggle("over-limit", length > maxChars);
    button.disabled = busy || length > maxChars;
  }

  // The usage panel and the limit dialog for the chosen workspace, with the outcome line of generation
  // ``id``; ``limitReached`` has the server render the dialog open.
  function refreshStatus(id, limitReached) {
    return htmx.ajax("GET", form.dataset.statusUrl, {
      target: "#usage-card",
      swap: "outerHTML",
      values: { workspace: workspace.value, generation: id || "", limit_reached: limitReached ? "1" : "" },
    });
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
    output.setAttribute("aria-busy", value ? "true" : "false");
    output.classList.toggle("streaming", value);
    button.textContent = value ? "Writing…" : "Generate";
    updateCounter();
  }

  function showError(message) {
    errorBox.textContent = message;
    errorBox.classList.remove("hidden");
  }

  function limitModal() {
    return document.getElementById("limit-modal");
  }

  function closeLimitModal() {
    limitModal().classList.add("hidden");
    button.focus();
  }

  function handleEvent(name, data) {
    if (name === "delta") {
      output.append(document.createTextNode(data.text));
    } else if (name === "done") {
      settled = true;
      refreshStatus(data.generation_id);
    } else if (name === "error") {
      settled = true;
      showError(data.message);
      refreshStatus(data.generation_id);
    }
  }

  async function readStream(response) {
    var reader = response.body.getReader();
    var decoder = new TextDecoder();
    var buffer = "";
    for (;;) {
      var chunk = await reader.read();
      if (chunk.done) break;
      buffer += decoder.decode(chunk.value, { stream: true });
      var boundary;
      while ((boundary = buffer.indexOf("\n\n")) !== -1) {
        var raw = buffer.slice(0, boundary);
        buffer = buffer.slice(boundary + 2);
        var name = "message";
        var data = "";
        raw.split("\n").forEach(function (line) {
          if (line.indexOf("event: ") === 0) name = line.slice(7);
          else if (line.indexOf("data: ") === 0) data += line.slice(6);
        });
        if (data) handleEvent(name, JSON.parse(data));
      }
    }
  }

  async function generate(event) {
    event.preventDefault();
    if (busy) return;
    errorBox.classList.add("hidden");
    if (!prompt.value.trim()) {
      showError("Write a prompt first.");
      prompt.focus();
      return;
    }
    // The API's "team" is a team's slug; without one the answer is written in the personal workspace.
    var team = workspace.options[workspace.selectedIndex].dataset.team;
    var body = { prompt: prompt.value, stream: true };
    if (team) body.team = team;
    if (documentPicker.value) body.document = parseInt(documentPicker.value, 10);

    setBusy(true);
    output.textContent = "";
    document.getElementById("answer-meta").textContent = "";
    copyButton.disabled = true;
    try {
      var response = await window.inkwellApi.post(form.dataset.apiUrl, body, "text/event-stream");
      var type = response.headers.get("Content-Type") || "";
      if (response.ok && type.indexOf("text/event-stream") === 0) {
        settled = false;
        await readStream(response);
        if (!settled) showError("The connection dropped before the answer finished. What arrived is saved in your history and counts as a generation.");
      } else if (response.status === 401) {
        window.location.href = form.dataset.loginUrl;
        return;
      } else {
        var error = type.indexOf("application/json") === 0 ? await response.json() : {};
        showError(error.message || "Something went wrong (" + response.status + "). Please try again.");
        if (response.status === 402) refreshStatus(null, true);
        else if (error.generation_id) refreshStatus(error.generation_id);
      }
    } catch (err) {
      // Once text has arrived the model was answering: the server keeps that part and counts it.
      showError(output.textContent
        ? "The connection dropped before the answer finished. What arrived is saved in your history and counts as a generation."
        : "The connection dropped before the answer finished. Please try again.");
    } finally {
      setBusy(false);
      copyButton.disabled = !output.textContent;
      if (!output.textContent) {
        var placeholder = document.createElement("span");
        placeholder.className = "muted output-placeholder";
        placeholder.textContent = "Your answer will stream in here.";
        output.append(placeholder);
      }
    }
  }

  copyButton.addEventListener("click", function () {
    navigator.clipboard.writeText(output.textContent).then(function () {
      copyButton.textContent = "Copied";
      setTimeout(function () { copyButton.textContent = "Copy"; }, 1500);
    });
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

  showDocumentsOfWorkspace();
  updateCounter();
})();
