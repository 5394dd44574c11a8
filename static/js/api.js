// The one way pages call Inkwell's JSON API and read its streamed answers: the session cookie plus
// Django's CSRF token, which base.html puts in <body hx-headers> for htmx and which post() reads.
window.inkwellApi = (function () {
  "use strict";

  function csrfToken() {
    try {
      return JSON.parse(document.body.getAttribute("hx-headers") || "{}")["X-CSRFToken"] || "";
    } catch (error) {
      return "";
    }
  }

  // ``signal``: an AbortSignal, to stop reading a streamed answer.
  function post(url, body, accept, signal) {
    return fetch(url, {
      method: "POST",
      signal: signal,
      credentials: "same-origin",
      headers: { "Content-Type": "application/json", "X-CSRFToken": csrfToken(), Accept: accept || "application/json" },
      body: JSON.stringify(body),
    });
  }

  // Read a streamed answer (docs/api.md: server-sent events) from ``reader``, calling
  // ``onEvent(name, data)`` for each event; resolves when the stream ends or the reader is cancelled.
  async function readEvents(reader, onEvent) {
    var decoder = new TextDecoder();
    var buffer = "";
    for (;;) {
      var chunk = await reader.read();
      if (chunk.done) return;
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
        if (data) onEvent(name, JSON.parse(data));
      }
    }
  }

  return { post: post, readEvents: readEvents };
})();
