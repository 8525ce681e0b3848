// Progressive enhancement of the coding page (issue 16, item 4): the source's text in a
// read-only text box, where a passage is selected with the mouse or with Shift and the arrow
// keys; "Code selection" posts the selection's start and end as character offsets into the
// masked text. Without JavaScript this part stays hidden and the page codes by paragraph.
const box = document.querySelector("[data-selection]");
if (box) {
  const text = document.getElementById(box.dataset.selection);
  const form = box.querySelector("form");
  const status = box.querySelector("[data-selection-status]");
  const error = box.querySelector("[data-selection-error]");
  const group = box.querySelector("[data-selection-group]");
  // The words shown come from the page (data attributes), in the page's language.
  // Offsets count characters as the server does (code points), not UTF-16 units.
  const length = (s) => Array.from(s).length;
  const offsets = () => [
    length(text.value.slice(0, text.selectionStart)),
    length(text.value.slice(0, text.selectionEnd)),
  ];
  // Shown only when the box holds exactly the source's text (else the offsets would be wrong).
  if (text && length(text.value) === Number(box.dataset.length)) {
    box.hidden = false;
    // Read-only to people, but not with the readonly attribute: Chromium gives a readonly box no
    // caret, so Shift and the arrow keys could not select. Any change is refused or undone.
    const original = text.value;
    text.addEventListener("beforeinput", (event) => event.preventDefault());
    text.addEventListener("input", () => {
      text.value = original;
    });
    const show = () => {
      const [start, end] = offsets();
      if (start === end) {
        status.textContent = status.dataset.nothingSelected;
        return;
      }
      const words = text.value.slice(text.selectionStart, text.selectionEnd).trim();
      const shown = words.length > 80 ? `${words.slice(0, 79)}…` : words;
      status.textContent = status.dataset.selected.replace("%s", () => shown);
      error.hidden = true;
      group.classList.remove("govuk-form-group--error");
    };
    text.addEventListener("select", show);
    text.addEventListener("keyup", show);
    text.addEventListener("mouseup", show);
    form.addEventListener("submit", (event) => {
      const [start, end] = offsets();
      if (start === end) {
        event.preventDefault();
        error.hidden = false;
        group.classList.add("govuk-form-group--error");
        text.focus();
        return;
      }
      form.elements.start.value = String(start);
      form.elements.end.value = String(end);
    });
  }
}
