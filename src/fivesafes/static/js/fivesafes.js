/* fivesafes: the little the pages do in the browser, without a build step.
   An error summary (templates/web/error_summary.html) takes the focus when a page or an htmx
   answer brings one, so the person hears and sees at once what was refused; a link in it
   moves the focus to its field. A summary already on the page keeps still while htmx saves
   other parts of it (the wizard's drafts), so the focus never jumps while someone types. */
(function () {
  "use strict";

  var SUMMARY = "[data-error-summary]";

  function focusSummaryIn(element) {
    var summary = element.matches(SUMMARY) ? element : element.querySelector(SUMMARY);
    if (summary) {
      summary.focus();
    }
  }

  document.addEventListener("DOMContentLoaded", function () {
    focusSummaryIn(document.body);
  });

  // htmx:load fires for each piece of content an htmx answer puts on the page.
  document.addEventListener("htmx:load", function (event) {
    var element = event.detail.elt;
    if (element && element !== document.body && element.nodeType === 1) {
      focusSummaryIn(element);
    }
  });

  document.addEventListener("click", function (event) {
    var link = event.target.closest(SUMMARY + " a[href^='#']");
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
