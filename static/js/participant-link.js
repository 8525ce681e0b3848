// Progressive enhancement of a participant's link page: without it the link is a selectable
// text field and the browser's Print prints the letter (static/css/participant-letter.css).
const copy = document.querySelector("[data-copy-link]");
const status = document.querySelector("[data-copy-status]");
if (copy) {
  const field = document.getElementById(copy.dataset.copyLink);
  copy.hidden = false;
  copy.addEventListener("click", async () => {
    field.select();
    try {
      await navigator.clipboard.writeText(field.value);
      status.textContent = status.dataset.copied || "Link copied.";
    } catch {
      // The clipboard needs a secure page: the field is selected, so Ctrl+C or Cmd+C copies it.
      status.textContent =
        status.dataset.selected || "The link is selected: press Ctrl+C (Cmd+C on a Mac) to copy it.";
    }
  });
}
const print = document.querySelector("[data-print-letter]");
if (print) {
  print.hidden = false;
  print.addEventListener("click", () => window.print());
}
