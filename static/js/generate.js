// The generate page: posts to /api/generate, reads the server-sent events as they arrive,
// and keeps the usage meter, the copy button and the limit modal in step.
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
  var meta = document.getElementById("answer-meta");
  var errorBox = document.getElementById("generate-error");
  var copyButton = document.getElementById("copy-button");
  var modal = document.getElementById("limit-modal");
  var planBadge = document.getElementById("plan-badge");
  var meterText = document.querySelector("[data-usage-text]");
  var meterSuffix = document.querySelector("[data-usage-suffix]");
  var meterBar = document.querySelector("[data-usage-progress]");
  var meterReset = document.querySelector("[data-usage-meter] time");
  var meterResetLine = document.querySelector("[data-usage-reset]");
  var busy = false;
  var settled = true; // whether the current stream has sent its done or error event

  function csrfToken() {
    var headers = JSON.parse(document.body.getAttribute("hx-headers") || "{}");
    return headers["X-CSRFToken"] || "";
  }

  // Reset times read like the server renders them on this page and the dashboard ("Nov 23, 00:00 UTC"),
  // in the site's time zone, whatever the browser's.
  function resetLabel(iso) {
    var date = new Date(iso);
    if (isNaN(date)) return iso;
    var parts = {};
    try {
      new Intl.DateTimeFormat("en-US", {
        month: "short", day: "numeric", hour: "2-digit", minute: "2-digit", hourCycle: "h23",
        timeZone: form.dataset.timeZone, timeZoneName: "short",
      }).formatToParts(date).forEach(function (part) { parts[part.type] = part.value; });
    } catch (err) {  // a time zone this browser does not know
      return date.toISOString().slice(0, 16).replace("T", " ") + " UTC";
    }
    return parts.month + " " + parts.day + ", " + parts.hour + ":" + parts.minute + " " + parts.timeZoneName;
  }

  function updateCounter() {
    var length = prompt.value.length;
    counter.textContent = length.toLocaleString() + " / " + maxChars.toLocaleString();
    counter.classList.toggle("over-limit", length > maxChars);
    button.disabled = busy || length > maxChars;
  }

  function setMeter(limit, used, resetAt) {
    if (limit === null || limit === "" || limit === undefined) {
      meterText.textContent = "Unlimited";
      meterSuffix.textContent = "generations on " + selectedWorkspace().dataset.plan;
      meterBar.classList.add("hidden");
      meterResetLine.classList.add("hidden");
    } else {
      meterResetLine.classList.remove("hidden");
      meterText.textContent = used + " of " + limit;
      meterSuffix.textContent = "generations used today";
      meterBar.classList.remove("hidden");
      meterBar.max = limit;
      meterBar.value = used;
      meterBar.classList.toggle("usage-full", used >= limit);
    }
    if (resetAt && meterReset) {
      meterReset.setAttribute("datetime", resetAt);
      meterReset.textContent = resetLabel(resetAt);
    }
  }

  function selectedWorkspace() {
    return workspace.options[workspace.selectedIndex];
  }

  function rememberUsage(limit, remaining) {
    var option = selectedWorkspace();
    if (limit === null) return;
    option.dataset.limit = limit;
    option.dataset.used = limit - remaining;
  }

  function onWorkspaceChange() {
    var option = selectedWorkspace();
    planBadge.textContent = option.dataset.plan;
    var limit = option.dataset.limit === "" ? null : parseInt(option.dataset.limit, 10);
    setMeter(limit, parseInt(option.dataset.used, 10), option.dataset.reset);
    Array.prototype.forEach.call(documentPicker.options, function (doc) {
      if (!doc.value) return;
      var matches = doc.dataset.team === option.value;
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

  function openLimitModal(body) {
    document.getElementById("limit-count").textContent = body.limit;
    var reset = document.getElementById("limit-reset");
    reset.setAttribute("datetime", body.reset_at);
    reset.textContent = resetLabel(body.reset_at);
    modal.classList.remove("hidden");
    document.getElementById("upgrade-button").focus();
  }

  function closeLimitModal() {
    modal.classList.add("hidden");
    button.focus();
  }

  function finish(data, failed) {
    var usage = data.usage || {};
    settled = true;
    meta.textContent = "";
    if (data.generation_id) {
      var link = document.createElement("a");
      link.href = form.dataset.historyUrl + data.generation_id + "/";
      link.textContent = failed ? "Details" : "Saved to history";
      var summary = failed
        ? (data.refunded ? "Not counted against your limit · " : "Counted as one generation · ")
        : (usage.input_tokens || 0) + " tokens in, " + (usage.output_tokens || 0) + " tokens out · ";
      meta.append(summary, link);
    }
    if (data.limit !== undefined) {
      rememberUsage(data.limit, data.remaining);
      if (data.limit === null) setMeter(null);
      else setMeter(data.limit, data.limit - data.remaining);
    }
  }

  function handleEvent(name, data) {
    if (name === "delta") {
      output.append(document.createTextNode(data.text));
    } else if (name === "done") {
      finish(data, false);
    } else if (name === "error") {
      showError(data.message);
      finish(data, true);
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
    var body = { prompt: prompt.value, stream: true };
    if (workspace.value) body.team = workspace.value;
    if (documentPicker.value) body.document = parseInt(documentPicker.value, 10);

    setBusy(true);
    output.textContent = "";
    meta.textContent = "";
    copyButton.disabled = true;
    try {
      var response = await fetch(form.dataset.apiUrl, {
        method: "POST",
        credentials: "same-origin",
        headers: { "Content-Type": "application/json", "X-CSRFToken": csrfToken(), Accept: "text/event-stream" },
        body: JSON.stringify(body),
      });
      var type = response.headers.get("Content-Type") || "";
      if (response.ok && type.indexOf("text/event-stream") === 0) {
        settled = false;
        await readStream(response);
        if (!settled) showError("The connection dropped before the answer finished. What arrived is saved in your history and counts as a generation.");
      } else {
        var error = type.indexOf("application/json") === 0 ? await response.json() : {};
        if (error.generation_id) finish(error, true);
        if (response.status === 402) {
          setMeter(error.limit, error.limit, error.reset_at);
          openLimitModal(error);
        } else if (response.status === 401) {
          window.location.href = "/login/?next=/generate/";
          return;
        }
        showError(error.message || "Something went wrong (" + response.status + "). Please try again.");
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
  workspace.addEventListener("change", onWorkspaceChange);
  form.addEventListener("submit", generate);
  document.getElementById("limit-close").addEventListener("click", closeLimitModal);
  modal.addEventListener("click", function (event) { if (event.target === modal) closeLimitModal(); });
  document.addEventListener("keydown", function (event) {
    if (event.key === "Escape" && !modal.classList.contains("hidden")) closeLimitModal();
  });

  onWorkspaceChange();
  updateCounter();
})();
