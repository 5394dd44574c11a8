// Model output as safe HTML in the browser, for text that is still streaming or being edited:
// markdown-it with raw HTML off, then DOMPurify with the same allow-list as generation/rendering.py
// (the server's rendering is the reference; keep the two lists equal).
(function () {
  "use strict";
  const ALLOWED_TAGS = ["p", "br", "hr", "h1", "h2", "h3", "h4", "h5", "h6", "strong", "em", "s", "del",
    "code", "pre", "blockquote", "ul", "ol", "li", "a", "table", "thead", "tbody", "tr", "th", "td"];
  const ALLOWED_ATTR = ["href", "title", "start"];
  // http, https, mailto or a relative URL (DOMPurify's default pattern with fewer schemes).
  const SAFE_URL = /^(?:(?:https?|mailto):|[^a-z]|[a-z+.-]+(?:[^a-z+.\-:]|$))/i;

  const markdown = window.markdownit("commonmark", { html: false, linkify: false, typographer: false })
    .enable(["table", "strikethrough"]);
  // markdown-it drops javascript: links itself; this keeps only the schemes the server keeps.
  markdown.validateLink = (url) => SAFE_URL.test(url.trim());

  window.DOMPurify.addHook("afterSanitizeAttributes", (node) => {
    if (node.tagName === "A") node.setAttribute("rel", "noopener noreferrer nofollow");
  });

  function render(text) {
    return window.DOMPurify.sanitize(markdown.render(text || ""), {
      ALLOWED_TAGS, ALLOWED_ATTR, ALLOWED_URI_REGEXP: SAFE_URL,
    });
  }

  window.inkwellMarkdown = { render };
})();
