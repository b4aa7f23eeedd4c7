/* Worker pages: small help on top of pages that work without JavaScript (WeChat's browser may block it).
   After a failed submit the first field in error comes into view with its label, and has the focus (the
   server already put `autofocus` on it); the links of the error summary focus the field they name. */
(function () {
  "use strict";

  function bring(target) {
    if (!target) { return; }
    var box = target.closest(".field, .card") || target;
    box.scrollIntoView({ block: "start" });
    window.scrollBy(0, -8);
    if (typeof target.focus === "function") { target.focus({ preventScroll: true }); }
  }

  var first = document.querySelector("[data-first-error]");
  if (first) { bring(first); }

  document.querySelectorAll("#error-summary a[href^='#']").forEach(function (link) {
    link.addEventListener("click", function (event) {
      var target = document.getElementById(link.getAttribute("href").slice(1));
      if (!target) { return; }
      event.preventDefault();
      bring(target);
    });
  });
}());
