// Team creation: propose a free address (slug) from the name until the user edits the address.
(function () {
  "use strict";
  const form = document.getElementById("team-create-form");
  if (!form) return;
  const name = form.elements.name;
  const slug = form.elements.slug;
  let edited = slug.value !== "";
  let timer = null;

  slug.addEventListener("input", () => {
    edited = slug.value !== "";
  });
  name.addEventListener("input", () => {
    if (edited) return;
    clearTimeout(timer);
    timer = setTimeout(async () => {
      if (!name.value.trim()) {
        slug.value = "";
        return;
      }
      const response = await fetch(form.dataset.suggestUrl + "?name=" + encodeURIComponent(name.value), {
        credentials: "same-origin",
      });
      if (response.ok && !edited) slug.value = (await response.json()).slug;
    }, 250);
  });
})();
