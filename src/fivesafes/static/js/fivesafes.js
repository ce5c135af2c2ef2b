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

  /* An htmx answer that replaces the control which had the focus (an "Add to basket" button
     turning into its badge) would leave the focus nowhere, and the next Tab would start again
     at the top of the page. The focus goes to the answer instead: its first control, or the
     answer itself, so the next Tab carries on from where the person was. */
  var FOCUSABLE = "a[href], button:not([disabled]), input:not([type=hidden]), select, textarea, [tabindex]";
  var swappedFocus = null;

  document.addEventListener("htmx:beforeSwap", function (event) {
    var target = event.detail.target;
    swappedFocus = target && target.contains(document.activeElement) ? target : null;
  });

  document.addEventListener("htmx:afterSettle", function (event) {
    var target = swappedFocus;
    swappedFocus = null;
    if (!target || event.detail.target !== target) {
      return;
    }
    if (!target.isConnected && target.id) {
      target = document.getElementById(target.id);
    }
    var lost = !document.activeElement || document.activeElement === document.body;
    if (!target || !target.isConnected || !lost) {
      return;
    }
    var control = target.querySelector(FOCUSABLE);
    if (!control) {
      target.setAttribute("tabindex", "-1");
      control = target;
    }
    control.focus();
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

  /* Suggestions as one types (a field with a datalist the server fills through htmx: catalogue
     variables, members). The browser's own datalist popup cannot be worked with the keyboard
     everywhere and is not announced well, so the field becomes a combobox with a listbox under
     it: ArrowDown and ArrowUp move through the suggestions, Enter takes the one marked, Escape
     closes the list. The datalist stays the source of the suggestions: what the server chose
     for what was typed, or, for a fixed list, the options holding what was typed. */
  function matching(input, datalist) {
    var typed = input.value.trim().toLowerCase();
    var fromServer = input.hasAttribute("hx-get");
    return Array.prototype.filter.call(datalist.querySelectorAll("option"), function (option) {
      var text = (option.value + " " + option.textContent).toLowerCase();
      return typed !== "" && (fromServer || text.indexOf(typed) !== -1);
    });
  }

  function showSuggestions(input, open) {
    var datalist = document.getElementById(input.getAttribute("data-suggestions"));
    var box = document.getElementById(input.getAttribute("aria-controls"));
    var options = open && datalist ? matching(input, datalist) : [];
    box.textContent = "";
    options.forEach(function (option, index) {
      var item = document.createElement("li");
      item.id = box.id + "-" + index;
      item.setAttribute("role", "option");
      item.setAttribute("aria-selected", "false");
      item.setAttribute("data-value", option.value);
      item.textContent = option.value + (option.textContent ? " · " + option.textContent : "");
      box.appendChild(item);
    });
    box.hidden = options.length === 0;
    input.setAttribute("aria-expanded", options.length ? "true" : "false");
    input.removeAttribute("aria-activedescendant");
  }

  function markSuggestion(input, step) {
    var box = document.getElementById(input.getAttribute("aria-controls"));
    var items = box.querySelectorAll("[role=option]");
    if (!items.length) {
      return;
    }
    var current = document.getElementById(input.getAttribute("aria-activedescendant") || "");
    var index = Array.prototype.indexOf.call(items, current) + step;
    index = Math.max(0, Math.min(items.length - 1, index));
    items.forEach(function (item, i) { item.setAttribute("aria-selected", i === index ? "true" : "false"); });
    input.setAttribute("aria-activedescendant", items[index].id);
    items[index].scrollIntoView({ block: "nearest" });
  }

  function takeSuggestion(input, item) {
    input.value = item.getAttribute("data-value");
    input.removeAttribute("data-typing");
    showSuggestions(input, false);
  }

  function makeCombobox(input) {
    var box = document.createElement("ul");
    box.id = input.id + "-suggestions";
    box.className = "suggestions";
    box.setAttribute("role", "listbox");
    box.setAttribute("aria-label", "Suggestions");
    box.hidden = true;
    input.insertAdjacentElement("afterend", box);
    input.setAttribute("data-suggestions", input.getAttribute("list"));
    input.removeAttribute("list");
    input.setAttribute("role", "combobox");
    input.setAttribute("aria-autocomplete", "list");
    input.setAttribute("aria-expanded", "false");
    input.setAttribute("aria-controls", box.id);

    input.addEventListener("input", function () {
      input.setAttribute("data-typing", "");
      showSuggestions(input, true);
    });
    input.addEventListener("blur", function () { showSuggestions(input, false); });
    input.addEventListener("keydown", function (event) {
      var open = input.getAttribute("aria-expanded") === "true";
      if (event.key === "ArrowDown" || event.key === "ArrowUp") {
        event.preventDefault();
        if (!open) {
          showSuggestions(input, true);
        }
        markSuggestion(input, event.key === "ArrowDown" ? 1 : -1);
      } else if (event.key === "Enter" && open && input.getAttribute("aria-activedescendant")) {
        event.preventDefault();
        takeSuggestion(input, document.getElementById(input.getAttribute("aria-activedescendant")));
      } else if (event.key === "Escape" && open) {
        event.stopPropagation();
        showSuggestions(input, false);
      }
    });
    box.addEventListener("mousedown", function (event) { event.preventDefault(); });
    box.addEventListener("click", function (event) {
      var item = event.target.closest("[role=option]");
      if (item) {
        takeSuggestion(input, item);
      }
    });
  }

  function makeComboboxes(element) {
    element.querySelectorAll("input[list][id]").forEach(makeCombobox);
  }
  document.addEventListener("DOMContentLoaded", function () { makeComboboxes(document); });
  document.addEventListener("htmx:load", function (event) {
    if (event.detail.elt && event.detail.elt.querySelectorAll) {
      makeComboboxes(event.detail.elt);
    }
  });
  // New suggestions from the server: shown at once while the person is still typing.
  document.addEventListener("htmx:afterSwap", function (event) {
    var datalist = event.detail.target;
    if (!datalist || datalist.tagName !== "DATALIST") {
      return;
    }
    var input = document.querySelector("[data-suggestions='" + datalist.id + "']");
    if (input && input === document.activeElement && input.hasAttribute("data-typing")) {
      showSuggestions(input, true);
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
