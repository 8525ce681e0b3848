// Progressive enhancement only: every page works without this file.
import { initAll } from "../vendor/govuk-frontend/govuk-frontend.min.js";

initAll();

// Job progress: poll the job's JSON and update the progress bar in place instead of the
// page's meta refresh; when the job ends, reload once so the page shows the result (not when the
// page already shows that state: it would reload for ever).
const panel = document.querySelector("[data-job-url]");
if (panel) {
  document.querySelector("meta[http-equiv=refresh]")?.remove();
  const bar = panel.querySelector("progress");
  const status = panel.querySelector("[data-job-status]");
  const shown = status.textContent.split(":")[0].trim();
  const poll = async () => {
    const response = await fetch(panel.dataset.jobUrl, { headers: { Accept: "application/json" } });
    if (!response.ok) return setTimeout(poll, 3000);
    const job = await response.json();
    bar.value = job.progress;
    bar.textContent = `${job.progress}%`;
    status.textContent = `${job.status_label}: ${job.progress}%${job.message ? ` – ${job.message}` : ""}`;
    if (!job.finished) setTimeout(poll, 1000);
    else if (job.status_label !== shown) window.location.reload();
  };
  setTimeout(poll, 500);
}
