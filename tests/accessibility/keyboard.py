"""A person who uses only the keyboard: Tab through a page, answer what is focused, press Enter.

`Keyboard` records every element that takes focus and checks, at each step, that it is on screen,
that it shows a focus indicator (its look differs from its unfocused look: the GOV.UK yellow
outline, box shadow or background, drawn on the element or, for radios and checkboxes, on their
label), and that focus only moves forward through the page (document order, top to bottom).
"""

from __future__ import annotations

from dataclasses import dataclass, field

# The look of an element that can show focus: its own, and its label's ::before and ::after (GOV.UK
# draws the ring of a radio or checkbox there; the input itself is transparent).
LOOK = """
el => {
  const parts = [];
  const take = (style, where) => {
    const outline = `${style.outlineStyle} ${style.outlineWidth} ${style.outlineColor}`;
    parts.push(`${where} outline:${outline}`);
    parts.push(`${where} shadow:${style.boxShadow}`);
    parts.push(`${where} background:${style.backgroundColor} colour:${style.color}`);
    parts.push(`${where} border:${style.borderTopColor} ${style.borderTopWidth}`);
  };
  take(getComputedStyle(el), "element");
  const label = el.id ? document.querySelector(`label[for="${CSS.escape(el.id)}"]`) : null;
  if (label && (el.type === "radio" || el.type === "checkbox")) {
    take(getComputedStyle(label, "::before"), "label::before");
    take(getComputedStyle(label, "::after"), "label::after");
  }
  return parts.join("\\n");
}
"""

# What is focused: where it is in the document and on screen, and what it is.
FOCUSED = """
() => {
  const el = document.activeElement;
  if (!el || el === document.body) return null;
  window.__poetFocused = el;
  const all = document.getElementsByTagName("*");
  let index = -1;
  for (let i = 0; i < all.length; i++) if (all[i] === el) { index = i; break; }
  const label = el.id ? document.querySelector(`label[for="${CSS.escape(el.id)}"]`) : null;
  const shown = (el.type === "radio" || el.type === "checkbox") && label ? label : el;
  const box = shown.getBoundingClientRect();
  const style = getComputedStyle(shown);
  const group = el.name ? Array.from(document.getElementsByName(el.name)) : [];
  const fieldset = el.closest("fieldset");
  return {
    index,
    tag: el.tagName.toLowerCase(),
    type: el.type || "",
    name: el.name || "",
    id: el.id || "",
    value: el.value || "",
    checked: !!el.checked,
    text: (el.innerText || el.value || "").trim().slice(0, 80),
    href: el.getAttribute("href") || "",
    top: box.top + window.scrollY,
    left: box.left + window.scrollX,
    bottom: box.bottom + window.scrollY,
    width: box.width,
    height: box.height,
    inViewport: box.bottom > 0 && box.top < window.innerHeight
      && box.right > 0 && box.left < window.innerWidth,
    visible: style.visibility !== "hidden" && style.display !== "none"
      && box.width > 0 && box.height > 0,
    answered: el.type === "radio" || el.type === "checkbox"
      ? group.filter(g => g.checked).length
      : (el.value || "").length,
    positionInGroup: group.indexOf(el),
    describedBy: (el.getAttribute("aria-describedby") || "") + " " +
      ((fieldset && fieldset.getAttribute("aria-describedby")) || ""),
    look: (LOOK_FN)(el),
  };
}
""".replace("LOOK_FN", LOOK.strip())

# The look of the element focused before, now that focus has left it.
PREVIOUS_LOOK = """
() => window.__poetFocused ? (LOOK_FN)(window.__poetFocused) : null
""".replace("LOOK_FN", LOOK.strip())


@dataclass
class Step:
    key: str
    focused: dict


@dataclass
class Keyboard:
    page: object
    steps: list[Step] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)
    _page_start: int = 0

    def new_page(self) -> None:
        """The browser is on a new page: order is checked from here on."""
        self._page_start = len(self.steps)

    def focused(self) -> dict | None:
        return self.page.evaluate(FOCUSED)

    def press(self, key: str) -> dict | None:
        """Press a key; if focus moved to another element, check the one that now has it."""
        before = self.page.evaluate(PREVIOUS_LOOK)
        previous = self.steps[-1].focused if len(self.steps) > self._page_start else None
        self.page.keyboard.press(key)
        now = self.focused()
        if now is None:
            # Focus left the page (past its last element, to the browser): start afresh.
            self.page.evaluate("window.__poetFocused = null")
            self.new_page()
            return None
        moved = previous is None or now["index"] != previous["index"]
        if moved and key in ("Tab", "ArrowDown", "ArrowRight"):
            self._check(now, previous, before)
        self.steps.append(Step(key, now))
        return now

    def _check(self, now: dict, previous: dict | None, previous_focused_look: str | None) -> None:
        what = f"{now['tag']}#{now['id'] or now['name'] or now['text'][:30]!r}"
        if not now["visible"]:
            self.problems.append(f"{what} has focus but is not visible")
        if not now["inViewport"]:
            self.problems.append(f"{what} has focus but is scrolled out of sight")
        if previous is not None:
            # Focus moves on through the document and down the screen (or along one row).
            if now["index"] <= previous["index"]:
                self.problems.append(f"{what} is focused after an element that follows it")
            same_row = now["top"] < previous["bottom"] and now["left"] > previous["left"]
            if now["top"] < previous["top"] - 2 and not same_row:
                self.problems.append(
                    f"{what} (top {now['top']:.0f}px) is focused after an element below it "
                    f"(top {previous['top']:.0f}px)"
                )
            # The element just left looks different now: it showed focus.
            after = self.page.evaluate(PREVIOUS_LOOK_OF_INDEX, previous["index"])
            if previous_focused_look is not None and after == previous_focused_look:
                self.problems.append(
                    f"{previous['tag']}#{previous['id'] or previous['text'][:30]!r} looked the "
                    "same focused and unfocused: no visible focus indicator"
                )
        if not shows_focus_colour(now["look"]):
            self.problems.append(f"{what} has no visible focus indicator:\n{now['look']}")

    def tab_to(self, predicate, limit: int = 400) -> dict:
        """Tab until the focused element matches `predicate` (unless it does already)."""
        now = self.focused()
        if now is not None and predicate(now):
            return now
        for _ in range(limit):
            now = self.press("Tab")
            if now is not None and predicate(now):
                return now
        last = [s.focused["text"] for s in self.steps[-20:]]
        raise AssertionError(f"never reached by Tab; the last stops: {last}")


# The look of the element at a document index, as it is now (not focused any more).
PREVIOUS_LOOK_OF_INDEX = """
index => (LOOK_FN)(document.getElementsByTagName("*")[index])
""".replace("LOOK_FN", LOOK.strip())

GOVUK_FOCUS = "rgb(255, 221, 0)"  # $govuk-focus-colour


def shows_focus_colour(look: str) -> bool:
    """The GOV.UK focus colour is drawn: an outline, a box shadow or the background."""
    for line in look.splitlines():
        if GOVUK_FOCUS not in line:
            continue
        if " outline:" in line:
            style, width = line.split(" outline:", 1)[1].split(" ")[:2]
            if style == "none" or width == "0px":
                continue
        return True
    return False
