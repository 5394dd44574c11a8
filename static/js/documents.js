// Document editor: Markdown with a live preview, a formatting toolbar and a word count; autosave
// status, conflict display and live updates from teammates; "Ask Inkwell", which streams an answer
// in at the cursor (or over the selection) as a pending region to accept, discard or undo.
// The server decides everything (versions, permissions); this file only keeps the page in step.
(function () {
  "use strict";

  const form = document.getElementById("document-form");
  const body = document.getElementById("document-body");
  const readonlyBody = document.getElementById("document-body-readonly");
  const preview = document.getElementById("document-preview-body");
  const panes = document.querySelector(".doc-panes");
  const wordCount = document.getElementById("word-count");
  const versionInput = () => document.getElementById("document-version");
  const statusEl = () => document.getElementById("save-status");
  let lastSaved = body ? body.value : null;
  let sentBody = null;
  let saving = false;
  // Inkwell's answer while it streams and until it is accepted or discarded:
  // {original, head, tail, text, rewrite, streaming}; the body is head + the answer + tail.
  let insertion = null;

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

  // Preview and word count ------------------------------------------------------------------
  // The same pattern as count_words in generation/rendering.py.
  const WORD = /[\p{L}\p{N}][\p{L}\p{N}\p{M}'’_-]*/gu;
  const countWords = (text) => (text.match(WORD) || []).length;

  function renderedBlock(markdown, className) {
    const block = document.createElement("div");
    if (className) block.className = className;
    block.innerHTML = window.inkwellMarkdown.render(markdown); // sanitised by DOMPurify
    return block;
  }

  function renderPreview() {
    if (!preview) return;
    const text = body.value;
    if (insertion) {
      const start = insertion.head.length;
      const end = start + shownAnswer().length;
      preview.replaceChildren(
        renderedBlock(text.slice(0, start)),
        renderedBlock(text.slice(start, end) || "…", "doc-pending-block"),
        renderedBlock(text.slice(end)),
      );
    } else {
      preview.replaceChildren(renderedBlock(text));
    }
    if (!text.trim()) preview.replaceChildren(renderedBlock("*Nothing to preview yet.*", "muted"));
  }

  function updateWordCount() {
    if (!wordCount) return;
    const words = countWords(body.value);
    const selected = countWords(body.value.slice(body.selectionStart, body.selectionEnd));
    wordCount.textContent =
      `${words.toLocaleString()} ${words === 1 ? "word" : "words"}` + (selected ? ` · ${selected.toLocaleString()} selected` : "");
  }

  let refreshQueued = false;
  function refreshViews() {
    if (refreshQueued) return;
    refreshQueued = true;
    requestAnimationFrame(() => {
      refreshQueued = false;
      renderPreview();
      updateWordCount();
    });
  }

  // Autosave ----------------------------------------------------------------------------------
  if (form) {
    window.addEventListener("beforeunload", (event) => {
      if (dirty() || saving) event.preventDefault();
    });
    body.addEventListener("input", () => {
      if (statusEl().dataset.state !== "conflict") setStatus("Unsaved changes…", "dirty");
      refreshViews();
    });
    document.addEventListener("htmx:beforeRequest", (evt) => {
      if (!fromEditor(evt)) return;
      // Inkwell's pending text is not the user's yet: nothing is saved until it is accepted or discarded.
      if (insertion) {
        evt.preventDefault();
        return;
      }
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
      if (remote.body) readonlyBody.innerHTML = window.inkwellMarkdown.render(remote.body);
      else readonlyBody.replaceChildren(renderedBlock(`*${readonlyBody.dataset.empty}*`, "muted"));
      versionInput().value = remote.version;
      return;
    }
    if (saving || dirty() || insertion) return;
    const focused = document.activeElement === body;
    const start = body.selectionStart;
    const end = body.selectionEnd;
    body.value = remote.body;
    if (focused) body.setSelectionRange(start, end);
    lastSaved = remote.body;
    versionInput().value = remote.version;
    refreshViews();
  });

  document.addEventListener("htmx:afterSwap", (evt) => localTimes(evt.detail.target || document));
  document.addEventListener("htmx:oobAfterSwap", (evt) => localTimes(evt.detail.target || document));
  localTimes(document);

  // Copy: formatted (HTML, with plain text for apps that take only that) or the Markdown itself.
  const copyStatus = document.getElementById("copy-status");
  document.querySelectorAll("[data-copy]").forEach((button) => {
    button.addEventListener("click", async () => {
      const rendered = preview || readonlyBody;
      try {
        if (button.dataset.copy === "markdown") {
          await navigator.clipboard.writeText(body.value);
        } else {
          const html = rendered.innerHTML;
          const plain = rendered.innerText;
          await navigator.clipboard.write([
            new ClipboardItem({
              "text/html": new Blob([html], { type: "text/html" }),
              "text/plain": new Blob([plain], { type: "text/plain" }),
            }),
          ]);
        }
        copyStatus.textContent = "Copied.";
      } catch (error) {
        copyStatus.textContent = "This browser did not allow copying; select the text and copy it instead.";
      }
    });
  });

  if (!form) return;

  // Write / Preview tabs (phones show one pane at a time; wide screens show both) --------------
  document.querySelectorAll(".doc-tab").forEach((tab) => {
    tab.addEventListener("click", () => {
      const view = tab.id === "tab-preview" ? "preview" : "write";
      panes.dataset.view = view;
      document.querySelectorAll(".doc-tab").forEach((other) => other.setAttribute("aria-selected", String(other === tab)));
      if (view === "write") body.focus();
    });
  });

  // Formatting toolbar: each button edits the Markdown around the selection --------------------
  function replaceRange(start, end, text, selectStart, selectEnd) {
    body.focus();
    body.setSelectionRange(start, end);
    // insertText keeps the browser's own undo history and fires "input" (autosave, preview).
    if (!document.execCommand("insertText", false, text)) {
      body.setRangeText(text, start, end, "end");
      body.dispatchEvent(new Event("input", { bubbles: true }));
    }
    body.setSelectionRange(start + selectStart, start + selectEnd);
  }

  function wrap(marker, placeholder) {
    const { selectionStart: start, selectionEnd: end } = body;
    const selected = body.value.slice(start, end) || placeholder;
    replaceRange(start, end, marker + selected + marker, marker.length, marker.length + selected.length);
  }

  function prefixLines(prefixFor) {
    const text = body.value;
    const start = text.lastIndexOf("\n", body.selectionStart - 1) + 1;
    let end = text.indexOf("\n", Math.max(body.selectionEnd - (body.selectionEnd > start ? 1 : 0), start));
    if (end === -1) end = text.length;
    const lines = text.slice(start, end).split("\n").map((line, index) => prefixFor(line, index));
    const replacement = lines.join("\n");
    replaceRange(start, end, replacement, replacement.length, replacement.length);
  }

  const formats = {
    bold: () => wrap("**", "bold text"),
    italic: () => wrap("*", "italic text"),
    heading: () => prefixLines((line) => (/^#{1,6} /.test(line) ? line.replace(/^#{1,6} /, "") : "## " + line)),
    bullet: () => prefixLines((line) => "- " + line.replace(/^(?:[-*+]|\d+\.) /, "")),
    number: () => prefixLines((line, index) => `${index + 1}. ` + line.replace(/^(?:[-*+]|\d+\.) /, "")),
    link: () => {
      const { selectionStart: start, selectionEnd: end } = body;
      const label = body.value.slice(start, end) || "link text";
      const url = "https://";
      replaceRange(start, end, `[${label}](${url})`, label.length + 3, label.length + 3 + url.length);
    },
  };
  document.querySelectorAll(".doc-toolbar [data-format]").forEach((button) => {
    button.addEventListener("click", () => {
      if (!body.readOnly) formats[button.dataset.format]();
    });
  });
  body.addEventListener("keydown", (event) => {
    if (!(event.ctrlKey || event.metaKey) || event.altKey || body.readOnly) return;
    const key = event.key.toLowerCase();
    if (key === "b" || key === "i") {
      event.preventDefault();
      formats[key === "b" ? "bold" : "italic"]();
    }
  });

  refreshViews();

  // Ask Inkwell ---------------------------------------------------------------------------------
  const ask = document.getElementById("document-ask");
  const askPrompt = document.getElementById("ask-prompt");
  const askButton = document.getElementById("ask-button");
  const askStatus = document.getElementById("ask-status");
  const askHint = askStatus.innerHTML; // server-rendered words, restored after each attempt
  const pending = document.getElementById("ask-pending");
  const pendingText = document.getElementById("ask-pending-text");
  const acceptButton = document.getElementById("ask-accept");
  const discardButton = document.getElementById("ask-discard");
  const undoButton = document.getElementById("ask-undo");
  const stopButton = document.getElementById("ask-stop");
  let caretPlaced = false; // before the writer clicks into the text, answers go at the end
  let activeReader = null; // the answer's stream while it is read; Stop cancels it
  let undoState = null; // {before, after}: the text before the last accepted answer, and with it

  const selectionOf = () =>
    caretPlaced ? { start: body.selectionStart, end: body.selectionEnd } : { start: body.value.length, end: body.value.length };

  function updateAskMode() {
    updateWordCount();
    if (insertion) return; // the button reads "Writing…" until the answer is accepted or discarded
    const { start, end } = selectionOf();
    const rewrite = body.value.slice(start, end).trim() !== "";
    askButton.textContent = rewrite ? askButton.dataset.rewriteLabel : askButton.dataset.insertLabel;
  }
  ["focus", "select", "keyup", "mouseup"].forEach((name) =>
    body.addEventListener(name, () => {
      caretPlaced = true;
      updateAskMode();
    }),
  );
  body.addEventListener("input", () => {
    if (undoState) showPending(null); // the writer moved on: undo is the browser's again
    undoState = null;
    updateAskMode();
  });

  function composeRewrite(instruction, selected) {
    return (
      `${instruction}\n\nRewrite the text between the markers as asked. Answer with the rewritten text only, ` +
      `in Markdown, without the markers or any comment.\n\n<<<\n${selected}\n>>>`
    );
  }

  // The pending bar: "writing", "review" (accept/discard) or "accepted" (undo); null hides it.
  function showPending(state, message) {
    pending.classList.toggle("hidden", !state);
    pending.dataset.state = state || "";
    acceptButton.classList.toggle("hidden", state !== "review");
    discardButton.classList.toggle("hidden", state !== "review");
    undoButton.classList.toggle("hidden", state !== "accepted");
    stopButton.classList.toggle("hidden", state !== "writing" || !insertion || !insertion.text);
    pendingText.textContent = message || "";
  }

  function showAskError(message, upgradeUrl) {
    askStatus.textContent = message + " ";
    askStatus.classList.add("ask-error");
    if (upgradeUrl) {
      const upgrade = document.createElement("a");
      upgrade.href = upgradeUrl;
      upgrade.textContent = "See plans";
      askStatus.appendChild(upgrade);
    }
  }

  const shownAnswer = () => (insertion.streaming ? insertion.text.trimStart() : insertion.text.trim());

  function showInsertion() {
    const answer = shownAnswer();
    body.value = insertion.head + answer + insertion.tail;
    body.setSelectionRange(insertion.head.length, insertion.head.length + answer.length); // highlights it
    refreshViews();
  }

  function endInsertion(text, selectStart, selectEnd) {
    insertion = null;
    body.readOnly = false;
    askButton.disabled = false;
    body.value = text;
    body.focus();
    body.setSelectionRange(selectStart, selectEnd);
    refreshViews();
    updateAskMode();
  }

  function discard() {
    const { original, rewrite, selection } = insertion;
    endInsertion(original, selection.start, rewrite ? selection.end : selection.start);
    showPending(null);
  }

  function accept() {
    const end = insertion.head.length + shownAnswer().length;
    undoState = { before: insertion.original, selection: insertion.selection, after: insertion.head + shownAnswer() + insertion.tail };
    endInsertion(undoState.after, end, end);
    askPrompt.value = "";
    showPending("accepted", "Added to your document.");
    setStatus("Unsaved changes…", "dirty");
    htmx.trigger(form, "save-now");
  }

  function undo() {
    const { before, selection } = undoState;
    undoState = null;
    endInsertion(before, selection.start, selection.end);
    showPending(null);
    askStatus.innerHTML = askHint;
    setStatus("Unsaved changes…", "dirty");
    htmx.trigger(form, "save-now");
  }

  // Ctrl/Cmd+Z discards a pending answer, or undoes the last accepted one while the text is as it left it.
  document.addEventListener("keydown", (event) => {
    if (!(event.ctrlKey || event.metaKey) || event.shiftKey || event.key.toLowerCase() !== "z") return;
    if (event.target !== body && event.target.closest("input, textarea, select")) return;
    if (insertion && !insertion.streaming) {
      event.preventDefault();
      discard();
    } else if (undoState && body.value === undoState.after) {
      event.preventDefault();
      undo();
    }
  });
  acceptButton.addEventListener("click", accept);
  // Closing the stream stops the model; the server charges what was sent (docs/api.md).
  stopButton.addEventListener("click", () => {
    if (!insertion || !activeReader) return;
    insertion.stopped = true;
    activeReader.cancel();
  });
  discardButton.addEventListener("click", discard);
  undoButton.addEventListener("click", () => undoState && undo());

  async function readStream(response, onEvent) {
    activeReader = response.body.getReader();
    await window.inkwellApi.readEvents(activeReader, onEvent);
    activeReader = null;
  }

  // The answer streamed in, or part of it: the writer decides whether to keep it.
  function review(message) {
    insertion.streaming = false;
    showInsertion();
    const words = countWords(shownAnswer());
    showPending("review", message || `Inkwell wrote ${words.toLocaleString()} ${words === 1 ? "word" : "words"} (highlighted). Keep them?`);
  }

  ask.addEventListener("submit", async (event) => {
    event.preventDefault();
    const instruction = askPrompt.value.trim();
    if (!instruction || insertion) return;
    if (undoState) showPending(null);
    undoState = null;
    askStatus.innerHTML = askHint;
    askStatus.classList.remove("ask-error");

    const original = body.value;
    const selection = selectionOf();
    const selected = original.slice(selection.start, selection.end);
    const rewrite = selected.trim() !== "";
    let head = original.slice(0, selection.start);
    let tail = original.slice(selection.end);
    if (rewrite) {
      // The answer replaces the selected words; the spaces around them stay.
      head += selected.match(/^\s*/)[0];
      tail = selected.match(/\s*$/)[0] + tail;
    } else {
      // A new block of its own, a blank line from the text around it.
      if (head.trim()) head = head.replace(/\s*$/, "\n\n");
      if (tail.trim()) tail = tail.replace(/^\s*/, "\n\n");
    }
    insertion = { original, selection, head, tail, text: "", rewrite, streaming: true };
    body.readOnly = true;
    askButton.disabled = true;
    askButton.textContent = "Writing…";
    showPending("writing", rewrite ? "Inkwell is rewriting the selection…" : "Inkwell is writing at your cursor…");
    // With the editor focused, each highlighted update scrolls the textarea to where the answer grows.
    body.focus({ preventScroll: true });
    form.scrollIntoView({ block: "nearest", behavior: "smooth" });
    showInsertion();

    const payload = {
      prompt: rewrite ? composeRewrite(instruction, selected.trim()) : instruction,
      stream: true,
      document: Number(ask.dataset.document),
      append_to_document: false,
    };
    if (ask.dataset.team) payload.team = ask.dataset.team;
    let outcome = null; // "done", or the error event's data
    try {
      const response = await window.inkwellApi.post(ask.dataset.apiUrl, payload, "text/event-stream");
      const type = response.headers.get("Content-Type") || "";
      if (response.ok && type.startsWith("text/event-stream")) {
        await readStream(response, (name, data) => {
          if (name === "delta") {
            insertion.text += data.text;
            stopButton.classList.remove("hidden");
            showInsertion();
          } else if (name === "done") {
            outcome = "done";
          } else if (name === "error") {
            outcome = data;
          }
        });
      } else {
        const error = type.startsWith("application/json") ? await response.json() : {};
        discard();
        if (response.status === 401) showAskError("You were signed out. Copy your text, then sign in again.");
        else showAskError(error.message || `Inkwell could not answer (${response.status}). Please try again.`, error.upgrade_url);
        return;
      }
    } catch (error) {
      outcome = { message: "The connection dropped before the answer finished." };
    }
    if (outcome === "done") {
      review();
    } else if (insertion.stopped) {
      review("Stopped: what arrived counts as a generation. Keep it (highlighted)?");
    } else if (insertion.text.trim() && !(outcome && outcome.refunded)) {
      const message = (outcome && outcome.message) || "The answer stopped early.";
      review(`${message} Keep what arrived (highlighted)?`);
    } else {
      discard();
      showAskError((outcome && outcome.message) || "The answer stopped before any text arrived. Please try again.");
    }
  });
  askPrompt.addEventListener("keydown", (event) => {
    if (event.key === "Enter" && !event.shiftKey && !event.isComposing) {
      event.preventDefault();
      ask.requestSubmit();
    }
  });
  showPending(null);
  updateAskMode();
})();
