"""Every staff page's form sent empty, in Chromium: the page with errors passes like any other.

The pages are those of `test_every_page` (the URLconf walk and the access rules), each opened by
a visitor allowed to, its own form sent with nothing filled in. The answer that shows errors is
loaded into the browser as the page and checked like every page (title, one h1, axe with no
serious or critical violation), and as GOV.UK asks of a page with errors: the title starts
"Error: ", an error summary is announced (role=alert) or focused, each of its links leads to a
field on the page, and a field with its own error message points to it with aria-describedby.
Screenshots: test-artifacts/pages/<url name>-errors.png.
"""

from __future__ import annotations

from urllib.parse import urlsplit

import pytest
from playwright.sync_api import Error as PlaywrightError

from tests.accessibility.test_every_page import (
    SHOTS,
    build_world,
    check_page,
    is_respondent_page,
    pages_to_visit,
    signed_in_page,
)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


# An error message and the error summary that leads to it (GOV.UK): what a page with errors lacks.
ERROR_PROBLEMS = """
() => {
  const problems = [];
  if (!document.title.startsWith("Error: "))
    problems.push(`the title ${document.title} does not start "Error: "`);
  const summary = document.querySelector(".govuk-error-summary");
  if (!summary) problems.push("no error summary");
  else {
    if (!summary.contains(document.activeElement) && !summary.querySelector("[role=alert]"))
      problems.push("the error summary is neither focused nor announced (role=alert)");
    for (const link of summary.querySelectorAll("a")) {
      const id = (link.getAttribute("href") || "").replace(/^#/, "");
      const field = id && document.getElementById(id);
      if (!field) {
        problems.push(`summary link ${link.getAttribute("href")} leads nowhere`);
        continue;
      }
      // A field with its own message (not a form-wide one, such as a wrong password) points to it.
      const group = field.closest(".govuk-form-group");
      const message = group && group.querySelector(".govuk-error-message");
      if (!message) continue;
      const described = [field, field.closest("fieldset")].filter(Boolean)
        .map(el => el.getAttribute("aria-describedby") || "").join(" ").split(/\\s+/);
      const tied = described.some(d => {
        const el = d && document.getElementById(d);
        return el && el.classList.contains("govuk-error-message");
      });
      if (!tied) problems.push(`#${id}: its error message is not in its aria-describedby`);
    }
  }
  return problems;
}
"""


# A form posting back to its page with something to fill in (not just a button that acts).
HAS_OWN_FORM = """
() => Array.from(document.querySelectorAll("form")).some(form => {
  if ((form.getAttribute("method") || "").toLowerCase() !== "post") return false;
  const action = form.getAttribute("action");
  if (action && new URL(action, location.href).pathname !== location.pathname) return false;
  return Array.from(form.elements).some(e =>
    e.name && e.name !== "csrfmiddlewaretoken" && !["hidden", "submit"].includes(e.type)
    && e.tagName !== "BUTTON");
})
"""


def test_every_form_sent_empty_shows_errors_announced_linked_and_passing_axe(browser, live_server):
    """Each staff page's form sent empty: the page with errors, checked like any other page.

    Respondent pages are left to the questionnaire tests (an empty POST there moves a draft on),
    and so are pages whose only form is a button (an action's confirmation: sent empty it would
    act). A form sent empty that succeeds (redirected) is passed over.
    """
    world = build_world()
    values = world[0].values
    SHOTS.mkdir(parents=True, exist_ok=True)
    pages = {}
    report, checked = [], []
    for name, visitor, url in pages_to_visit(values):
        if is_respondent_page(name):
            continue
        if visitor not in pages:
            pages[visitor] = signed_in_page(browser, live_server, visitor, world, values)
        page = pages[visitor]
        try:
            page.goto(url)
        except PlaywrightError as error:
            if "Download is starting" in str(error):
                continue
            raise
        if not page.evaluate(HAS_OWN_FORM):
            continue  # no form to fill in here (a page, or an action's confirmation)
        token = page.locator("form[method=post] input[name=csrfmiddlewaretoken]")
        answer = page.request.post(
            url, form={"csrfmiddlewaretoken": token.first.input_value()}, max_redirects=0
        )
        if answer.status != 200 or "text/html" not in answer.headers.get("content-type", ""):
            continue
        body = answer.text()
        if "govuk-error-message" not in body and "govuk-error-summary" not in body:
            continue  # shown again without errors (nothing was required)
        path = url.split("?")[0]

        def fulfil(route):  # one argument: Playwright passes the route alone
            route.fulfill(status=200, content_type="text/html; charset=utf-8", body=body)  # noqa: B023

        page.route(lambda address: urlsplit(address).path == path, fulfil)  # noqa: B023
        page.goto(url)
        page.unroute_all()
        checked.append(name)
        problems = check_page(page, f"{name}-errors", url, respondent=False)
        problems += page.evaluate(ERROR_PROBLEMS)
        if problems:
            report.append(f"{name} with errors ({url} as {visitor}):\n  " + "\n  ".join(problems))
    for page in pages.values():
        page.context.close()
    assert len(checked) > 10, checked
    assert not report, f"{len(report)} of {len(checked)} pages:\n" + "\n".join(report)
