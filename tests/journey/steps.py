"""Helpers of the end-to-end journey: numbered screenshots, page checks and axe-core on every page.

Each call of `Journey.step` is one step of the story: it checks that the page has a title and
exactly one level-1 heading, keeps a full-page screenshot (numbered in order) and runs axe-core.
Respondent pages (seen without an account: under /s/, and partner leads' pages) must have no
WCAG 2.2 A/AA violation at all; every other page no serious or critical violation of any rule.
Problems are collected and reported together, page by page, at the end of the journey (and
written to axe-report.txt).
"""

import re
import shutil
import subprocess
from pathlib import Path
from urllib.parse import urlparse

from axe_playwright_python.sync_playwright import Axe

ROOT = Path(__file__).resolve().parents[2]
ARTIFACTS = ROOT / "test-artifacts" / "journey"
WCAG_AA = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22a", "wcag22aa"]
# Pages a staff member, participant (under /s/) or partner lead (their context pages) sees
# without an account.
RESPONDENT_PAGES = re.compile(r"^/s/|/context/lead/")


def is_respondent_page(url: str) -> bool:
    return RESPONDENT_PAGES.search(urlparse(url).path) is not None


class Journey:
    def __init__(self, folder: Path = ARTIFACTS) -> None:
        self.folder = folder
        shutil.rmtree(folder, ignore_errors=True)
        folder.mkdir(parents=True)
        self.number = 0
        self.problems: list[str] = []
        self.pages_checked = 0
        self._seen: set[tuple[str, str, str]] = set()
        self._axe = Axe()

    def step(self, page, name: str, *, axe: bool = True) -> str:
        """Check the page in front of the person, keep its screenshot, run axe; return the <h1>."""
        page.wait_for_load_state("load")  # a title can be read before the body has arrived
        title = page.title().strip()
        headings = page.locator("h1")
        count = headings.count()
        heading = headings.first.inner_text().strip() if count else ""
        self.number += 1
        label = f"{self.number:03d}-{re.sub(r'[^a-z0-9]+', '-', name.lower()).strip('-')}"
        page.screenshot(path=str(self.folder / f"{label}.png"), full_page=True)
        assert title, f"step {label}: the page has no <title> ({page.url})"
        assert count == 1, f"step {label}: {count} <h1> headings on {page.url}"
        assert heading, f"step {label}: the <h1> is empty on {page.url}"
        assert not title.startswith(("–", "-")), f"step {label}: the title starts with a dash"
        if axe:
            self._run_axe(page, label, heading)
        return heading

    def _run_axe(self, page, label: str, heading: str) -> None:
        # The same page seen again in the same state (another person's copy of a section, say)
        # is checked once: the key is the address without numbers, the heading and the width.
        path = re.sub(r"\d+", "#", urlparse(page.url).path)
        width = str(page.viewport_size["width"] if page.viewport_size else "")
        key = (path, re.sub(r"\d+", "#", heading), width)
        if key in self._seen:
            return
        self._seen.add(key)
        self.pages_checked += 1
        respondent = is_respondent_page(page.url)
        options = {"runOnly": {"type": "tag", "values": WCAG_AA}} if respondent else None
        results = self._axe.run(page, options=options)
        found = [
            v
            for v in results.response["violations"]
            if respondent or v.get("impact") in ("serious", "critical")
        ]
        for v in found:
            targets = "; ".join(" ".join(n["target"]) for n in v["nodes"][:5])
            self.problems.append(
                f"{label} {page.url}\n  [{v.get('impact')}] {v['id']}: {v['help']}\n"
                f"  {len(v['nodes'])} element(s): {targets}"
            )

    def report(self) -> str:
        text = (
            f"axe-core on {self.pages_checked} distinct pages of {self.number} steps: "
            f"{len(self.problems)} problem(s)\n\n" + "\n\n".join(self.problems)
        )
        (self.folder / "axe-report.txt").write_text(text + "\n")
        return text


def pdf_text(path: Path) -> str:
    return subprocess.run(
        ["pdftotext", "-layout", str(path), "-"], capture_output=True, text=True, check=True
    ).stdout
