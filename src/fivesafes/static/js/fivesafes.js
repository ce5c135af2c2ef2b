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

  /* The main menu. Under a narrow screen the whole menu folds behind one "Menu" button; each
     section of more than one page is a button that shows its pages (a disclosure: the button
     says aria-expanded, Escape closes it and gives the focus back to its button). On a wide
     screen a section's pages drop down and close again when the focus or a click goes
     elsewhere. */
  function setOpen(button, open) {
    var target = document.getElementById(button.getAttribute("aria-controls"));
    button.setAttribute("aria-expanded", open ? "true" : "false");
    if (target) {
      target.classList.toggle("open", open);
    }
  }

  function openSections(except) {
    return Array.prototype.filter.call(
      document.querySelectorAll("[data-section-toggle][aria-expanded='true']"),
      function (button) { return button !== except; }
    );
  }

  function dropsDown(button) {
    var target = document.getElementById(button.getAttribute("aria-controls"));
    return target !== null && window.getComputedStyle(target).position === "absolute";
  }

  document.addEventListener("click", function (event) {
    var toggle = event.target.closest("[data-menu-toggle], [data-section-toggle]");
    if (toggle) {
      var open = toggle.getAttribute("aria-expanded") !== "true";
      if (toggle.hasAttribute("data-section-toggle")) {
        openSections(toggle).forEach(function (other) { setOpen(other, false); });
      }
      setOpen(toggle, open);
      return;
    }
    if (!event.target.closest(".sections")) {
      openSections(null).filter(dropsDown).forEach(function (b) { setOpen(b, false); });
    }
  });

  document.addEventListener("keydown", function (event) {
    if (event.key !== "Escape") {
      return;
    }
    var open = openSections(null);
    if (open.length) {
      open.forEach(function (button) { setOpen(button, false); });
      open[0].focus();
      return;
    }
    var menu = document.querySelector("[data-menu-toggle][aria-expanded='true']");
    if (menu) {
      setOpen(menu, false);
      menu.focus();
    }
  });

  document.addEventListener("focusout", function (event) {
    var section = event.target.closest(".section");
    if (!section || (event.relatedTarget && section.contains(event.relatedTarget))) {
      return;
    }
    var button = section.querySelector("[data-section-toggle][aria-expanded='true']");
    if (button && dropsDown(button)) {
      setOpen(button, false);
    }
  });

  // On a phone a wide table scrolls sideways in its place (the CSS); one that does is made
  // reachable with the keyboard, so that its hidden columns can be scrolled to without a mouse.
  function focusableWhenScrolling() {
    document.querySelectorAll("main table").forEach(function (table) {
      if (table.scrollWidth > table.clientWidth + 1) {
        table.setAttribute("tabindex", "0");
      } else if (table.getAttribute("tabindex") === "0") {
        table.removeAttribute("tabindex");
      }
    });
  }
  document.addEventListener("DOMContentLoaded", focusableWhenScrolling);
  document.addEventListener("htmx:load", focusableWhenScrolling);
  window.addEventListener("resize", focusableWhenScrolling);
})();
