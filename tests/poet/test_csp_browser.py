"""Every page works under the Content-Security-Policy in real Chromium, Plotly charts included.

Chromium reports each blocked script, style, image, frame or eval as a `securitypolicyviolation`
event and a console message; the test collects both while it signs in, walks the partnership's
pages by following their links (so only pages that exist are visited), opens the reports whose
charts Plotly draws, and answers a survey section, and fails on any violation.
"""

from __future__ import annotations

from urllib.parse import urldefrag, urlparse

import pytest
from playwright.sync_api import Error as PlaywrightError

from poet.models import Role
from tests.factories import PASSWORD, member
from tests.reports.test_report_content import seeded
from tests.surveys.test_answering_support import SECTION_1, build_survey

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

LISTEN = """
window.__cspViolations = [];
document.addEventListener("securitypolicyviolation", function (e) {
  window.__cspViolations.push(e.violatedDirective + " blocked " + (e.blockedURI || "inline")
    + " at " + e.sourceFile + ":" + e.lineNumber);
});
"""
SKIP_SUFFIXES = (".csv", ".pdf", ".xlsx", ".zip", ".html", "/file/")
MAX_PAGES = 80


class Watch:
    """CSP reports from the console and from the page's own violation events."""

    def __init__(self, page) -> None:
        self.page = page
        self.console: list[str] = []
        self.errors: list[str] = []
        page.add_init_script(LISTEN)
        page.on("console", self._console)
        page.on("pageerror", lambda error: self.errors.append(str(error)))

    def _console(self, message) -> None:
        if "Content Security Policy" in message.text or "Content-Security-Policy" in message.text:
            self.console.append(f"{self.page.url}: {message.text}")

    def assert_clean(self) -> None:
        events = self.page.evaluate("window.__cspViolations || []")
        assert not self.console, "\n".join(self.console)
        assert not events, f"{self.page.url}: {events}"
        assert not self.errors, "\n".join(self.errors)


def sign_in(page, username: str) -> None:
    page.goto("/accounts/login/")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()


def crawl(page, watch: Watch, start: str, inside: tuple[str, ...]) -> dict[str, int]:
    """Visit every page linked from `start` whose path begins with one of `inside`."""
    origin = urlparse(page.url)._replace(path="", query="", fragment="").geturl()
    queue, seen = [start], {}
    while queue and len(seen) < MAX_PAGES:
        path = queue.pop(0)
        if path in seen:
            continue
        try:
            response = page.goto(origin + path)
        except PlaywrightError as error:  # a file download (PO, .qdpx, .qdc, a kept original…)
            if "Download is starting" not in str(error):
                raise
            seen[path] = page.request.get(origin + path).status
            continue
        seen[path] = response.status
        if not response.headers.get("content-type", "").startswith("text/html"):
            continue
        if page.locator(".js-plotly-plot").count() or page.locator("[data-chart]").count():
            page.wait_for_timeout(300)
        watch.assert_clean()
        for href in page.eval_on_selector_all("a[href]", "els => els.map(e => e.href)"):
            url = urlparse(urldefrag(href)[0])
            if url.netloc != urlparse(origin).netloc:
                continue
            target = url.path + (f"?{url.query}" if url.query else "")
            wanted = url.path.startswith(inside) and not url.path.endswith(SKIP_SUFFIXES)
            if wanted and target not in seen:
                queue.append(target)
    return seen


def test_every_page_of_a_partnership_works_under_the_policy(page):
    built = seeded()
    wave = built.wave
    partnership = wave.partnership
    member(partnership, Role.ADMINISTRATOR, user__username="ada")
    watch = Watch(page)

    page.goto("/accounts/login/")
    page.get_by_label("Username").fill("ada")
    page.get_by_label("Password").fill("wrong")
    page.get_by_role("button", name="Sign in").click()
    assert page.get_by_role("alert").count() == 1
    watch.assert_clean()
    sign_in(page, "ada")
    watch.assert_clean()

    p, w = partnership.slug, wave.slug
    seen = crawl(page, watch, f"/p/{p}/", inside=(f"/p/{p}/", "/accounts/two-factor/"))
    for must in (
        f"/p/{p}/",
        f"/p/{p}/settings/",
        f"/p/{p}/members/",
        f"/p/{p}/waves/{w}/",
    ):
        assert seen.get(must) == 200, (must, sorted(seen))
    assert all(status < 400 for status in seen.values()), {
        path: status for path, status in seen.items() if status >= 400
    }
    # Pages other engineers are adding: visited whenever they exist (the crawl found them).
    reachable = [path for path in seen if path.startswith(f"/p/{p}/waves/{w}/")]
    assert len(reachable) >= 3, sorted(seen)

    for extra in (
        f"/p/{p}/waves/{w}/survey/responses/",
        f"/p/{p}/waves/{w}/comparisons/",
        f"/p/{p}/settings/two-factor/",
        "/accounts/two-factor/",
        "/accounts/two-factor/set-up/",
    ):
        response = page.goto(extra)
        if response.status == 404:
            continue  # not built (yet)
        assert response.status == 200, extra
        watch.assert_clean()


def test_plotly_charts_draw_under_the_policy(page):
    built = seeded()
    wave = built.wave
    member(wave.partnership, Role.MANAGER, user__username="mia")
    watch = Watch(page)
    sign_in(page, "mia")
    drawn = 0
    for kind in ("formative", "summative"):
        response = page.goto(f"/p/{wave.partnership.slug}/waves/{wave.slug}/reports/{kind}/")
        if response.status == 404:
            continue
        assert response.status == 200
        charts = page.locator("[data-chart]").count()
        if charts:
            page.wait_for_selector(".js-plotly-plot .main-svg", timeout=15000)
            page.wait_for_timeout(500)
            assert page.locator(".js-plotly-plot").count() == charts
            drawn += charts
        watch.assert_clean()
    assert drawn, "no report page drew a chart"


def test_answering_a_survey_works_under_the_policy(page):
    _, token = build_survey()
    watch = Watch(page)
    page.goto(f"/s/{token}/")
    watch.assert_clean()
    page.goto("/s/section/1/")
    page.get_by_role("button", name="Continue").first.click()
    assert "There is a problem" in page.content()
    watch.assert_clean()
    for name, value in SECTION_1.items():
        if name != "action":
            page.locator(f"input[name='{name}'][value='{value}']").check()
    page.get_by_role("button", name="Continue").first.click()
    assert page.url.endswith("/s/section/2/")
    watch.assert_clean()
