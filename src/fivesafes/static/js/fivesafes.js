/* fivesafes: the little the pages do in the browser, without a build step.
   An error summary (templates/web/error_summary.html) takes the focus when a page or an htmx
   answer brings one, so the person hears and sees at once what was refused; a link in it
   moves the focus to its field. */
(function () {
  "use strict";

  function focusSummary(root) {
    var summary = root.querySelector("[data-error-summary]");
    if (summary) {
      summary.focus();
    }
  }

  document.addEventListener("DOMContentLoaded", function () {
    focusSummary(document);
  });

  document.addEventListener("htmx:afterSwap", function (event) {
    var target = event.detail.target;
    focusSummary(target && target.isConnected ? target : document);
  });

  document.addEventListener("click", function (event) {
    var link = event.target.closest("[data-error-summary] a[href^='#']");
    if (!link) {
      return;
    }
    var field = document.getElementById(link.getAttribute("href").slice(1));
    if (field) {
      event.preventDefault();
      field.focus();
      var label = document.querySelector("label[for='" + field.id + "']");
      (label || field).scrollIntoView({ block: "start" });
    }
  });
})();
