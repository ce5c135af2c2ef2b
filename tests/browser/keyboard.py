"""Keyboard-only steps for browser tests (issue 16, WCAG 2.1.1, 2.1.2, 2.4.3, 2.4.7).

A test that uses these never clicks and never fills a field it picked itself: it presses Tab
until the wanted control has the focus, as a person without a mouse does, and types into
whatever has the focus. On every stop the focused element must show where the focus is (a
computed outline or box shadow). A control never reached names every element passed on the
way, which is the finding.
"""

from __future__ import annotations

import re
from typing import Any

from playwright.sync_api import expect

# What has the focus: its role-ish kind, its accessible name as a person hears it (aria-label,
# aria-labelledby, the label of a field, else its text) and whether the focus shows.
FOCUSED = """() => {
  const e = document.activeElement;
  if (!e || e === document.body || e === document.documentElement) {
    return null;
  }
  const squash = (text) => (text || "").replace(/\\s+/g, " ").trim();
  let name = e.getAttribute("aria-label");
  if (!name && e.getAttribute("aria-labelledby")) {
    name = e.getAttribute("aria-labelledby").split(" ")
      .map((id) => document.getElementById(id)).filter(Boolean)
      .map((label) => label.textContent).join(" ");
  }
  if (!name && e.labels && e.labels.length) {
    const label = e.labels[0].cloneNode(true);
    label.querySelectorAll("[aria-hidden=true]").forEach((hidden) => hidden.remove());
    name = label.textContent;
  }
  if (!name && e.tagName === "INPUT" && ["submit", "button"].includes(e.type)) {
    name = e.value;
  }
  if (!name) {
    name = e.textContent;
  }
  const style = getComputedStyle(e);
  const outlined = style.outlineStyle !== "none" && parseFloat(style.outlineWidth) > 0;
  const shadowed = style.boxShadow && style.boxShadow !== "none";
  // Chromium's own calendar button inside a date field: the field is the active element but
  // does not match :focus, and the browser rings the button itself.
  const pickerButton = e.type === "date" && !e.matches(":focus");
  return {
    tag: e.tagName.toLowerCase(),
    type: e.getAttribute("type") || "",
    name: squash(name).slice(0, 80),
    visible: outlined || shadowed || pickerButton,
    shown: e.getClientRects().length > 0,
  };
}"""


def focused(page: Any) -> dict[str, Any] | None:
    """What has the focus now, or None when nothing on the page has it."""
    found: dict[str, Any] | None = page.evaluate(FOCUSED)
    return found


def describe(element: dict[str, Any] | None) -> str:
    if element is None:
        return "(nothing)"
    kind = element["tag"] + (f"[{element['type']}]" if element["type"] else "")
    return f"{kind} {element['name']!r}"


def _is_wanted(page: Any, target: Any, element: dict[str, Any]) -> bool:
    if isinstance(target, str):
        return bool(element["name"] == target)
    if isinstance(target, re.Pattern):
        return target.search(element["name"]) is not None
    return bool(target.evaluate("e => e === document.activeElement"))


def focus_is_visible(page: Any) -> None:
    """The element with the focus shows it (WCAG 2.4.7)."""
    element = focused(page)
    assert element is not None, "Nothing has the focus"
    assert element["shown"], f"The focus is on something not shown: {describe(element)}"
    assert element["visible"], f"The focus is invisible on {describe(element)}"


def tab_to(page: Any, target: Any, *, limit: int = 80, backwards: bool = False) -> None:
    """Press Tab (Shift+Tab when `backwards`) until `target` has the focus: an accessible name
    (str, exact), a pattern searched in the name, or a locator. Each stop shows its focus."""
    key = "Shift+Tab" if backwards else "Tab"
    passed: list[str] = []
    already = focused(page)
    if already is not None and _is_wanted(page, target, already):  # an autofocus field
        focus_is_visible(page)
        return
    for _ in range(limit):
        page.keyboard.press(key)
        element = focused(page)
        if element is None:
            passed.append("(nothing)")
            continue
        assert element["visible"], (
            f"The focus is invisible on {describe(element)}; passed before: {passed}"
        )
        if _is_wanted(page, target, element):
            return
        passed.append(describe(element))
    wanted = target if isinstance(target, str | re.Pattern) else str(target)
    raise AssertionError(f"{key} never reached {wanted!r} in {limit} presses; passed: {passed}")


def enter_text(page: Any, target: Any, text: str, **tab: Any) -> None:
    """Tab to a field (or stay in it, if it has the focus already) and type into it, replacing
    what it held."""
    tab_to(page, target, **tab)
    element = focused(page)
    assert element is not None and element["tag"] in ("input", "textarea"), (
        f"Typing into {describe(element)}, not a field"
    )
    page.keyboard.press("ControlOrMeta+A")
    page.keyboard.type(text)


def press_on(page: Any, target: Any, key: str = "Enter", **tab: Any) -> None:
    """Tab to a control and press it (Enter by default; Space for a check box)."""
    tab_to(page, target, **tab)
    page.keyboard.press(key)


def choose(page: Any, target: Any, option: str, **tab: Any) -> None:
    """Tab to a select and move through its options with the arrow keys until `option` is
    chosen, as the keyboard does on a closed list box."""
    tab_to(page, target, **tab)
    select = page.locator(":focus")
    options = select.locator("option").all_inner_texts()
    assert option in [o.strip() for o in options], f"{option!r} is not offered: {options}"
    page.keyboard.press("Home")
    for _ in options:
        if select.evaluate("s => s.options[s.selectedIndex].text.trim()") == option:
            return
        page.keyboard.press("ArrowDown")
    raise AssertionError(f"The arrow keys never chose {option!r} in {options}")


def skip_to_content(page: Any) -> None:
    """The first Tab of a page reaches "Skip to content", which shows and moves the focus into
    the main content."""
    page.keyboard.press("Tab")
    skip = page.get_by_role("link", name="Skip to content")
    expect(skip).to_be_focused()
    expect(skip).to_be_in_viewport()
    focus_is_visible(page)
    page.keyboard.press("Enter")
    expect(page).to_have_url(re.compile(r"#main$"))
    page.keyboard.press("Tab")  # the next stop is the first control of the content
    inside = "() => document.querySelector('main').contains(document.activeElement)"
    assert page.evaluate(inside), f"Skipped to {describe(focused(page))}, not into the content"
    focus_is_visible(page)


def tab_round(page: Any, *, limit: int = 200) -> list[str]:
    """From the top of the page, Tab through everything and back to "Skip to content": no
    control holds the focus (WCAG 2.1.2; a date field's parts count as one field) and every
    stop shows it. Returns the stops in order."""
    page.keyboard.press("Tab")
    first = focused(page)
    assert first is not None and first["name"] == "Skip to content", describe(first)
    stops = [describe(first)]
    repeated = 0
    for _ in range(limit):
        page.keyboard.press("Tab")
        element = focused(page)
        if element is None:  # the browser's own controls, past the end of the page
            continue
        if element["name"] == "Skip to content":
            return stops
        assert element["visible"], f"The focus is invisible on {describe(element)}"
        repeated = repeated + 1 if describe(element) == stops[-1] else 0
        assert repeated < 4, f"The focus is stuck on {describe(element)}; before: {stops[-8:]}"
        if not repeated:
            stops.append(describe(element))
    raise AssertionError(f"Tab never came back to the top in {limit} presses: {stops}")


def open_page(page: Any, name: str) -> None:
    """Open a page of the main navigation: Tab to it, or to its section's button first, which
    Enter unfolds."""
    nav = page.get_by_role("navigation", name="Main")
    link = nav.get_by_role("link", name=name, exact=True)
    if not link.first.is_visible():
        section = nav.locator("li.section").filter(has=page.locator(f"a:text-is('{name}')"))
        toggle = section.first.locator("[data-section-toggle]")
        tab_to(page, toggle)
        page.keyboard.press("Enter")
        expect(toggle).to_have_attribute("aria-expanded", "true")
    tab_to(page, link.first)
    with page.expect_navigation():
        page.keyboard.press("Enter")


def enter_date(page: Any, target: Any, day: Any) -> None:
    """Tab to a date field and type the date as its segments ask (month, day, year in the
    browser's English), then check the field holds it."""
    tab_to(page, target)
    page.keyboard.type(f"{day.month:02d}{day.day:02d}{day.year}")
    field = page.locator(":focus")
    expect(field).to_have_value(day.isoformat())


def pick_suggestion(page: Any, value: str, *, limit: int = 20) -> None:
    """In a combobox with the focus, wait for `value` among the suggestions, move to it with
    ArrowDown and take it with Enter; the list closes."""
    field = page.locator(":focus")
    listbox = page.locator("#" + str(field.get_attribute("aria-controls")))
    wanted = listbox.locator(f'[role=option][data-value="{value}"]')
    expect(wanted).to_be_visible()
    for _ in range(limit):
        page.keyboard.press("ArrowDown")
        if wanted.get_attribute("aria-selected") == "true":
            expect(field).to_have_attribute(
                "aria-activedescendant", str(wanted.get_attribute("id"))
            )
            page.keyboard.press("Enter")
            expect(listbox).to_be_hidden()
            expect(field).to_have_attribute("aria-expanded", "false")
            return
    raise AssertionError(f"ArrowDown never reached {value!r}: {listbox.all_inner_texts()}")
