// Document editor: autosave status, conflict display, live updates from teammates, "Ask Inkwell".
// The server decides everything (versions, permissions); this file only keeps the page in step.
(function () {
  "use strict";

  const form = document.getElementById("document-form");
  const body = document.getElementById("document-body");
  const readonlyBody = document.getElementById("document-body-readonly");
  const versionInput = () => document.getElementById("document-version");
  const statusEl = () => document.getElementById("save-status");
  let lastSaved = body ? body.value : null;
  let sentBody = null;
  let saving = false;

  function localTimes(root) {
    root.querySelectorAll("time[data-local-time]").forEach((el) => {
      const when = new Date(el.getAttribute("datetime"));
      if (!isNaN(when)) {
        el.textContent = when.toLocaleTimeString([], { hour: "2-digit", minute: "2-digit", hour12: false });
      }
    });
  }

  function setStatus(text, state) {
    const el = statusEl();
    if (!el) return;
    el.textContent = text;
    el.dataset.state = state;
    el.className = "save-status" + (state === "error" ? " save-error" : "");
  }

  const dirty = () => body && body.value !== lastSaved;
  const fromEditor = (evt) => form && evt.detail.elt && form.contains(evt.detail.elt);

  if (form) {
    window.addEventListener("beforeunload", (event) => {
      if (dirty() || saving) event.preventDefault();
    });
    body.addEventListener("input", () => {
      if (statusEl().dataset.state !== "conflict") setStatus("Unsaved changes…", "dirty");
    });
    document.addEventListener("htmx:beforeRequest", (evt) => {
      if (!fromEditor(evt)) return;
      saving = true;
      sentBody = body.value;
      if (statusEl().dataset.state !== "conflict") setStatus("Saving…", "saving");
    });
    document.addEventListener("htmx:beforeSwap", (evt) => {
      if (!fromEditor(evt)) return;
      const code = evt.detail.xhr.status;
      if (code < 400) return;
      evt.detail.isError = false; // handled here, nothing to log
      // The view's own refusals (conflict, read-only, bad version) carry HX-Reswap: swap their status
      // line in. A 4xx/5xx without it came from Django or a proxy before the view (body too large,
      // CSRF after signing out) and must not leave "Saving…" on screen.
      if (evt.detail.xhr.getResponseHeader("HX-Reswap")) {
        evt.detail.shouldSwap = true;
      } else if (code === 404) {
        setStatus("Not saved: this document is no longer available to you.", "error");
      } else if (code >= 500) {
        setStatus("Not saved: the server had a problem. Your text is still here; it will be saved on your next change.", "error");
      } else {
        setStatus("Not saved: the server refused this text (it may be too long, or you were signed out). Copy your text before you reload.", "error");
      }
    });
    document.addEventListener("htmx:afterRequest", (evt) => {
      if (!fromEditor(evt)) return;
      saving = false;
      if (evt.detail.xhr.status === 200) lastSaved = sentBody;
      if (!evt.detail.xhr.status) setStatus("Not saved: you seem to be offline. Your text is still here.", "error");
    });
  }

  // Teammates' changes arrive with the poll; they replace the text only when nothing local is unsaved.
  // Otherwise the next save is refused as a conflict and the page says so.
  document.addEventListener("htmx:afterSettle", () => {
    const remoteEl = document.getElementById("document-remote");
    if (!remoteEl) return;
    const remote = JSON.parse(remoteEl.textContent);
    remoteEl.remove();
    const local = Number(versionInput().value);
    if (remote.version <= local) return;
    const title = document.getElementById("document-title");
    if (title) title.textContent = remote.title;
    if (readonlyBody) {
      readonlyBody.textContent = remote.body || "This document is empty.";
      versionInput().value = remote.version;
      return;
    }
    if (saving || dirty()) return;
    const focused = document.activeElement === body;
    const start = body.selectionStart;
    const end = body.selectionEnd;
    body.value = remote.body;
    if (focused) body.setSelectionRange(start, end);
    lastSaved = remote.body;
    versionInput().value = remote.version;
  });

  document.addEventListener("htmx:afterSwap", (evt) => localTimes(evt.detail.target || document));
  document.addEventListener("htmx:oobAfterSwap", (evt) => localTimes(evt.detail.target || document));
  localTimes(document);

  // Ask Inkwell: the API (form[data-api-url]) with this document and its team's slug; the server appends the answer.
  const ask = document.getElementById("document-ask");
  if (!ask) return;
  const askStatus = document.getElementById("ask-status");
  const askButton = ask.querySelector("button[type=submit]");

  function saveNow() {
    return new Promise((resolve) => {
      const done = (evt) => {
        if (!fromEditor(evt)) return;
        document.removeEventListener("htmx:afterRequest", done);
        resolve(evt.detail.xhr.status === 200);
      };
      document.addEventListener("htmx:afterRequest", done);
      htmx.trigger(form, "save-now");
    });
  }

  ask.addEventListener("submit", async (event) => {
    event.preventDefault();
    const prompt = ask.elements.prompt.value.trim();
    if (!prompt) return;
    askButton.disabled = true;
    try {
      if (dirty() && !(await saveNow())) {
        askStatus.textContent = "Your own changes are not saved yet; resolve that first.";
        return;
      }
      askStatus.textContent = "Writing…";
      const payload = { prompt: prompt, stream: false, document: Number(ask.dataset.document) };
      if (ask.dataset.team) payload.team = ask.dataset.team;
      const response = await window.inkwellApi.post(ask.dataset.apiUrl, payload);
      let data = {};
      try {
        data = await response.json();
      } catch (error) {
        data = { message: "The server answered with something unexpected." };
      }
      if (response.ok) {
        ask.elements.prompt.value = "";
        askStatus.textContent = "Added to the end of the document.";
        htmx.trigger(document.getElementById("document-poll"), "refresh");
      } else {
        askStatus.textContent = (data.message || "The generation failed.") + " ";
        if (data.upgrade_url) {
          const upgrade = document.createElement("a");
          upgrade.href = data.upgrade_url;
          upgrade.textContent = "See plans";
          askStatus.appendChild(upgrade);
        }
      }
    } catch (error) {
      askStatus.textContent = "Could not reach Inkwell. Check your connection and try again.";
    } finally {
      askButton.disabled = false;
    }
  });
})();
