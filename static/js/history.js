// History pages: copy an answer as formatted and plain text, and confirm a delete.
(function () {
  "use strict";

  // The answer's rendered HTML (a <template> in the list, the answer itself on the detail page).
  function answerOf(selector) {
    var source = document.querySelector(selector);
    var holder = document.createElement("div");
    holder.append(source.content ? source.content.cloneNode(true) : source.cloneNode(true));
    return holder;
  }

  function copy(holder) {
    var html = holder.innerHTML;
    document.body.append(holder); // innerText needs a rendered element to see the line breaks
    holder.className = "visually-hidden";
    var text = holder.innerText;
    holder.remove();
    if (!window.ClipboardItem) return navigator.clipboard.writeText(text);
    return navigator.clipboard.write([new ClipboardItem({
      "text/html": new Blob([html], { type: "text/html" }),
      "text/plain": new Blob([text], { type: "text/plain" }),
    })]);
  }

  document.addEventListener("click", function (event) {
    var button = event.target.closest("[data-copy-from]");
    if (!button) return;
    copy(answerOf(button.dataset.copyFrom)).then(function () {
      button.textContent = "Copied";
      setTimeout(function () { button.textContent = "Copy"; }, 1500);
    });
  });
  document.addEventListener("submit", function (event) {
    var message = event.target.dataset.confirm;
    if (message && !window.confirm(message)) event.preventDefault();
  });
})();
