// The one way pages call Inkwell's JSON API: the session cookie plus Django's CSRF token, which
// base.html puts in <body hx-headers> for htmx and which this helper reads for fetch().
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

  return { post: post };
})();
