// Every page: the phone menu's button, keeping Tab inside an open modal dialog, and a reader's own
// clock beside times shown in the server's time zone.
(function () {
  "use strict";

  var nav = document.querySelector("[data-nav]");
  var toggle = document.querySelector("[data-nav-toggle]");
  if (nav && toggle) {
    // Without this script the links simply stay visible; with it they fold behind the button on phones.
    nav.setAttribute("data-nav-collapsed", "");
    toggle.hidden = false;
    toggle.addEventListener("click", function () {
      var open = toggle.getAttribute("aria-expanded") !== "true";
      toggle.setAttribute("aria-expanded", String(open));
      if (open) nav.removeAttribute("data-nav-collapsed");
      else nav.setAttribute("data-nav-collapsed", "");
    });
    document.addEventListener("keydown", function (event) {
      if (event.key === "Escape" && toggle.getAttribute("aria-expanded") === "true") {
        toggle.click();
        toggle.focus();
      }
    });
  }

  // <time datetime="..." data-server-offset="+0100"> reads in the server's zone (the same on every page);
  // where the reader's clock differs, their local time follows it in brackets.
  function addLocalTimes() {
    var times = document.querySelectorAll("time[data-server-offset]");
    for (var i = 0; i < times.length; i++) {
      var time = times[i];
      var next = time.nextElementSibling;
      if (next && next.classList.contains("local-time")) continue;
      var when = new Date(time.getAttribute("datetime"));
      var server = time.getAttribute("data-server-offset");
      var serverMinutes = (server[0] === "-" ? -1 : 1) * (parseInt(server.slice(1, 3), 10) * 60 + parseInt(server.slice(3, 5), 10));
      if (isNaN(when.getTime()) || -when.getTimezoneOffset() === serverMinutes) continue;
      var local = document.createElement("span");
      local.className = "local-time";
      local.textContent = " (" + when.toLocaleString([], { weekday: "short", hour: "numeric", minute: "2-digit" }) + " your time)";
      time.after(local);
    }
  }
  addLocalTimes();
  document.addEventListener("htmx:afterSettle", addLocalTimes);

  var FOCUSABLE = "a[href], button:not([disabled]), input:not([disabled]):not([type=hidden]), select:not([disabled]), textarea:not([disabled]), [tabindex]:not([tabindex='-1'])";

  function isShown(element) {
    return element.getClientRects().length > 0;
  }

  function openModal() {
    var dialogs = document.querySelectorAll("[aria-modal=true]");
    for (var i = 0; i < dialogs.length; i++) {
      if (isShown(dialogs[i])) return dialogs[i];
    }
    return null;
  }

  document.addEventListener("keydown", function (event) {
    if (event.key !== "Tab") return;
    var dialog = openModal();
    if (!dialog) return;
    var items = Array.prototype.filter.call(dialog.querySelectorAll(FOCUSABLE), isShown);
    if (!items.length) return;
    var first = items[0];
    var last = items[items.length - 1];
    var inside = dialog.contains(document.activeElement);
    if (event.shiftKey && (document.activeElement === first || !inside)) {
      event.preventDefault();
      last.focus();
    } else if (!event.shiftKey && (document.activeElement === last || !inside)) {
      event.preventDefault();
      first.focus();
    }
  });
})();
