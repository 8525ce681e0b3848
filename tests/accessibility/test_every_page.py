"""Every page of POET in Chromium, as someone allowed to see it: titles, headings, axe, phones.

The pages come from the URLconf walk and the rule table of the access matrix
(`tests/security/access_rules.py`), so a page added tomorrow is visited tomorrow: each URL is
opened by the first visitor the rules let GET it with 200 (someone not signed in, a respondent with
a survey in their browser, a partnership administrator, a superuser); a partner lead's pages
(`context:lead…`, which send everyone else away) by a partner lead who opened their link. One
browser per visitor, signed in once. Actions that answer GET with a redirect, and downloads (not
HTML), are passed over.

For every HTML page: a <title> naming the page (its h1, or a name of its own before "– POET"),
exactly one <h1>, and no axe-core violation of impact serious or critical (all rules). Respondent
pages (under /s/, and a partner lead's) also: no WCAG 2.2 A/AA violation of any impact, and no
sideways scrolling at 320 px. A full-page screenshot of each: test-artifacts/pages/<url name>.png.
"""

from __future__ import annotations

import re

import pytest
from django.test import Client
from django.urls import reverse
from playwright.sync_api import Error as PlaywrightError

from poet.library import load_library
from poet.models import OutcomeStatement
from surveys.services.context import create_lead
from tests.accessibility.support import (
    ARTIFACTS,
    PHONE,
    WCAG_AA,
    axe_violations,
    describe,
    scroll_width,
)
from tests.security.access_rules import (
    ADMINISTRATOR,
    ANONYMOUS,
    SUPERUSER,
    TOKEN_HOLDER,
    build_side,
    named_routes,
)
from tests.security.test_access_matrix import expected, person, url_of

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

# Who opens a page: the first of these the access rules let GET it (the administrator sees every
# control of a partnership page; the superuser only what nobody else may).
VISITORS = [ANONYMOUS, TOKEN_HOLDER, ADMINISTRATOR, SUPERUSER]
PARTNER_LEAD = "partner lead"  # no account: a lead's link, exchanged for a session
SERIOUS = {"serious", "critical"}
SHOTS = ARTIFACTS / "pages"


def is_lead_page(name: str | None) -> bool:
    return name == "context:lead" or (name or "").startswith("context:lead_")


def is_respondent_page(name: str | None) -> bool:
    return (name or "").startswith("respond:") or is_lead_page(name)


def pages_to_visit(values: dict) -> list[tuple[str, str, str]]:
    """(url name, visitor, url) of every GET page someone may see, in URLconf order."""
    visits = []
    for route in named_routes():
        rule = route.rule
        assert rule is not None, f"URL {route.name} ({route.route}) has no access rule"
        if rule.exclude:
            continue
        if is_lead_page(route.name):
            visits.append((route.name, PARTNER_LEAD, url_of(route, values, rule.query)))
            continue
        for visitor in VISITORS:
            get, _ = expected(route, rule, visitor)
            if get == 200:
                visits.append((route.name, visitor, url_of(route, values, rule.query)))
                break
    return visits


def build_world():
    """Partnerships A and B of the access matrix, with the outcome library (a transactional test
    before this one may have flushed the rows the migration put there)."""
    load_library(OutcomeStatement)
    return build_side("alpha"), build_side("beta")


def signed_in_page(browser, live_server, visitor: str, world, values: dict):
    """A browser of one kind of visitor: signed in by session cookie, or with a survey session."""
    context = browser.new_context(base_url=live_server.url)
    user = person(visitor, world)
    if user is not None:
        client = Client()
        client.force_login(user)
        cookie = client.cookies["sessionid"]
        context.add_cookies([{"name": "sessionid", "value": cookie.value, "url": live_server.url}])
    page = context.new_page()
    if visitor == TOKEN_HOLDER:
        page.goto(f"/s/{values['session_token']}/")
    if visitor == PARTNER_LEAD:
        a = world[0]
        organisation = a.partnership.organisations.first()
        _, token = create_lead(a.wave, name="Pat Lee", organisation=organisation)
        start = reverse("context:lead", args=[a.partnership.slug, a.wave.slug])
        page.goto(f"{start}?token={token}")
    return page


def words(text: str) -> list[str]:
    return re.findall(r"\w+", text.lower())


def names_the_page(title: str, h1: str) -> bool:
    """The title holds the heading, or its own name (before the first " – ") is in the heading."""
    own = re.sub(r"^Error: ", "", title).split(" – ")[0]
    heading = " ".join(words(h1))
    return heading in " ".join(words(title)) or set(words(own)) <= set(words(h1))


def check_page(page, name: str, url: str, respondent: bool) -> list[str]:
    """The problems of one page (empty when it passes); `name` also names its screenshot."""
    problems = []
    title = page.title().strip()
    own_name = re.sub(r"\s*–\s*POET$", "", title).strip()
    h1s = page.locator("h1")
    if h1s.count() != 1:
        problems.append(f"{h1s.count()} <h1> elements (want exactly one)")
    h1 = h1s.first.inner_text().strip() if h1s.count() else ""
    if not own_name or own_name == "POET":
        problems.append(f"the title {title!r} does not name the page")
    elif h1 and not names_the_page(own_name, h1):
        problems.append(f"the title {title!r} does not match the heading {h1!r}")
    violations = axe_violations(page)
    serious = [v for v in violations if v.get("impact") in SERIOUS]
    if respondent:
        serious += [v for v in violations if set(v["tags"]) & set(WCAG_AA) and v not in serious]
    if serious:
        problems.append("axe:\n    " + describe(serious).replace("\n", "\n    "))
    page.screenshot(path=str(SHOTS / f"{name.replace(':', '-')}.png"), full_page=True)
    if respondent:
        page.set_viewport_size(PHONE)
        width = scroll_width(page)
        if width > PHONE["width"]:
            problems.append(f"scrolls sideways at 320 px (page {width} px wide)")
            page.screenshot(path=str(SHOTS / f"{name.replace(':', '-')}-320.png"), full_page=True)
        page.set_viewport_size({"width": 1280, "height": 720})
    return problems


def test_every_page_is_titled_headed_and_passes_axe(browser, live_server):
    world = build_world()
    values = world[0].values
    SHOTS.mkdir(parents=True, exist_ok=True)
    visits = pages_to_visit(values)
    assert len(visits) > 40, "the walk found the pages"
    pages = {}
    report, checked = [], []
    for name, visitor, url in visits:
        if visitor not in pages:
            pages[visitor] = signed_in_page(browser, live_server, visitor, world, values)
        page = pages[visitor]
        try:
            response = page.goto(url)
        except PlaywrightError as error:
            if "Download is starting" in str(error):
                continue  # a file, not a page
            raise
        assert response is not None and response.status == 200, f"{url} as {visitor}"
        if not response.headers.get("content-type", "").startswith("text/html"):
            continue
        checked.append(name)
        problems = check_page(page, name, url, is_respondent_page(name))
        if problems:
            report.append(f"{name} ({url} as {visitor}):\n  " + "\n  ".join(problems))
    for page in pages.values():
        page.context.close()
    assert len(checked) > 40, checked
    assert not report, f"{len(report)} of {len(checked)} pages:\n" + "\n".join(report)


def test_participant_pages_reached_by_a_form_pass_too(browser, live_server):
    """The pages the walk cannot open by GET (issue 15, items 2 and 12): a participant's link
    (shown once, after a POST) with its copy button and letter, the letter as printed, the
    correction of answers already entered, the register filtered and paged, and a replaced
    link's page (a respondent page: WCAG 2.2 A/AA, 320 px)."""
    from playwright.sync_api import expect

    from outcomes.models import FollowUpSchedule, Participant
    from outcomes.services.capture import enter_answers
    from outcomes.services.participants import check_collecting
    from poet.models import Role
    from tests.accessibility.support import follow_up_link
    from tests.factories import member

    SHOTS.mkdir(parents=True, exist_ok=True)
    old_link = follow_up_link()
    schedule = FollowUpSchedule.objects.get()
    carer = Participant.objects.get()
    enter_answers(carer, check_collecting(schedule), {"O-HOME.importance": 4})
    Participant.objects.bulk_create(
        Participant(
            schedule=schedule,
            code=f"Q-{i:03d}",
            audience="service_user",
            user_group=carer.user_group,
        )
        for i in range(60)
    )
    wave, p = schedule.wave, schedule.wave.partnership
    evaluator = member(p, Role.EVALUATOR, user__first_name="Eve", user__last_name="Evans")
    page = browser.new_context(base_url=live_server.url).new_page()
    client = Client()
    client.force_login(evaluator)
    page.context.add_cookies(
        [{"name": "sessionid", "value": client.cookies["sessionid"].value, "url": live_server.url}]
    )

    def url(name: str, **kwargs) -> str:
        return reverse(
            f"outcomes:{name}", kwargs={"partnership": p.slug, "wave": wave.slug, **kwargs}
        )

    report = []

    def check(name: str, respondent: bool = False) -> None:
        problems = check_page(page, name, page.url, respondent)
        if problems:
            report.append(f"{name} ({page.url}):\n  " + "\n  ".join(problems))

    page.goto(url("participants") + "?status=no_consent&page=2")
    expect(page.locator(".govuk-pagination")).to_be_visible()
    check("outcomes-participants-filtered")
    page.goto(url("assisted_entry", code=carer.code))
    expect(page.get_by_role("heading", level=1)).to_have_text(f"Correct answers of {carer.code}")
    check("outcomes-assisted_entry-correcting")
    page.goto(url("participant", code=carer.code))
    page.get_by_role("button", name="Make a new link (the old one stops working)").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(f"Link for {carer.code}")
    page.context.grant_permissions(["clipboard-read", "clipboard-write"])
    page.get_by_role("button", name="Copy link").click()
    expect(page.locator("[data-copy-status]")).not_to_be_empty()
    expect(page.get_by_role("button", name="Print the letter")).to_be_visible()
    check("outcomes-participant_link")
    assert "Eve Evans" in page.locator("[data-letter-contact]").inner_text()
    page.emulate_media(media="print")
    expect(page.locator(".govuk-header")).to_be_hidden()
    expect(page.locator(".poet-no-print").first).to_be_hidden()
    expect(page.locator("[data-letter]")).to_be_visible()
    page.screenshot(path=str(SHOTS / "outcomes-participant_link-printed.png"), full_page=True)
    page.emulate_media(media="screen")
    response = page.goto(old_link)
    assert response is not None and response.status == 410
    expect(page.get_by_role("heading", level=1)).to_have_text("This link has been replaced")
    check("respond-participant-replaced", respondent=True)
    page.context.close()
    assert not report, "\n".join(report)
