"""The product's whole story in real Chromium, on PostgreSQL, Redis and a real Celery worker.

An administrator sets up a partnership (three organisations, staff and user groups, k = 3,
members who set their password from the e-mail); an evaluator creates a wave from the template,
uploads a staff list of 15 and opens the wave; each member of staff answers from the link in the
e-mail the worker sent (most complete, one saves and resumes on a phone, two abandon); partner
leads answer the context tools by their own links; the evaluator closes the wave, builds the
shortlist (adopting a proposal) and the follow-up schedule with sessions, registers participants
with consent, enters two interviews while the others answer by their own link (some in easy
read, one on a phone); closing the follow-up runs the comparison on the worker, watched on its
progress page; a manager reads both reports and downloads PDF, XLSX and CSV, which are opened and
checked against the pages and against what people answered. Every step is screenshotted, numbered
in order, into JOURNEY_ARTIFACTS, and every page is checked with axe-core (tests/journey/steps.py).

    . scripts/services.sh && poet_services_start
    CI=true .venv/bin/python -m pytest tests/journey -q; poet_services_stop
"""

import csv
import datetime
import re
import statistics
from dataclasses import dataclass
from email import message_from_string
from pathlib import Path

import openpyxl
import pytest
from django.contrib.auth.models import Permission
from django.core import mail
from django.utils import timezone
from playwright.sync_api import expect

from outcomes.models import ParticipantResponse
from poet.library import load_library
from poet.models import OutcomeStatement, Partnership
from surveys.models import Invitation, Response
from tests.factories import PASSWORD, UserFactory
from tests.journey.steps import ARTIFACTS, Journey, pdf_text

pytestmark = [
    pytest.mark.browser,
    pytest.mark.celery_worker,
    pytest.mark.django_db(transaction=True),
]

JOURNEY_ARTIFACTS = ARTIFACTS  # test-artifacts/journey/ at the repository root
PARTNERSHIP = "Northshire Together"
ORGANISATIONS = [
    ("Northshire NHS Trust", "NHS"),
    ("Northshire Council", "Local authority"),
    ("Northshire Carers Network", "Voluntary sector"),
]
STAFF_GROUPS = ["Nurse", "Social worker", "Occupational therapist"]
USER_GROUPS = ["Older people", "People living with dementia"]
WAVE = "Baseline 2026"
LEADS = ["Nadia Okafor", "Tom Reilly", "Grace Lin"]  # one partner lead per organisation
CONTEXT_TOOLS = [
    "Levels of integration",
    "Depth and breadth of relationships",
    "Strategic importance",
]
NEW_PASSWORD = "journey-Password-2026"
K = 3
HIDDEN_SECONDARY = "hidden so a smaller group cannot be worked out"


@pytest.fixture
def worker_env(tmp_path, monkeypatch, settings, live_server):
    """Worker e-mails go to files, its files to a shared MEDIA_ROOT, its links to the server."""
    mail_dir = tmp_path / "mail"
    mail_dir.mkdir()
    media = tmp_path / "media"
    monkeypatch.setenv("DJANGO_SETTINGS_MODULE", "tests.journey.worker_settings")
    monkeypatch.setenv("JOURNEY_MAIL_DIR", str(mail_dir))
    monkeypatch.setenv("MEDIA_ROOT", str(media))
    monkeypatch.setenv("SITE_URL", live_server.url)
    settings.MEDIA_ROOT = media
    settings.SITE_URL = live_server.url
    return mail_dir


@pytest.fixture
def celery_worker(worker_env, celery_worker):
    """The shared real worker, started once `worker_env` has set its environment."""
    return celery_worker


def worker_mail(directory: Path) -> dict[str, str]:
    """The e-mails the worker sent, as {recipient: body}."""
    found = {}
    for path in sorted(directory.iterdir()):
        for chunk in path.read_text().split("-" * 79):
            if chunk.strip():
                message = message_from_string(chunk.strip())
                payload = message.get_payload(decode=True)
                if payload is None:  # multipart: the plain-text part
                    payload = message.get_payload()[0].get_payload(decode=True)
                found[message["To"]] = payload.decode()
    return found


@dataclass(frozen=True)
class StaffMember:
    email: str
    organisation: str
    group: str
    fate: str  # complete, resume (saves, comes back on a phone), abandon (saves), leave


def _staff() -> list[StaffMember]:
    trust, council, carers = (name for name, _ in ORGANISATIONS)
    nurse, social_worker, therapist = STAFF_GROUPS
    plan = [
        (trust, nurse, "complete"),
        (trust, nurse, "complete"),
        (trust, therapist, "resume"),
        (trust, therapist, "complete"),
        (trust, nurse, "complete"),
        (council, social_worker, "complete"),
        (council, social_worker, "complete"),
        (council, nurse, "leave"),
        (council, therapist, "complete"),
        (council, social_worker, "complete"),
        (carers, social_worker, "abandon"),
        (carers, nurse, "complete"),
        (carers, therapist, "complete"),
        (carers, nurse, "complete"),
        (carers, therapist, "complete"),
    ]
    return [
        StaffMember(f"staff{n + 1:02d}@northshire.example", org, group, fate)
        for n, (org, group, fate) in enumerate(plan)
    ]


STAFF = _staff()


def staff_value(person: int, question: int) -> str:
    """What member of staff number `person` answers to question number `question` on a page:
    the trust's and the carers' network's staff are more positive than the council's."""
    base = 3 if STAFF[person].organisation == ORGANISATIONS[1][0] else 4
    return str(min(5, max(1, base + (person + question) % 3 - 1)))


ANSWERED: dict[str, list[int]] = {}  # item or field name: the numbers people gave, in order


def answer_radios(page, value) -> None:
    """Choose `value(question number)` in each group of radios on the page; note what was chosen."""
    names = page.evaluate(
        """() => [...new Set([...document.querySelectorAll('input[type=radio]')]
                  .map(e => e.name))]"""
    )
    for q, name in enumerate(names):
        wanted = page.locator(f'input[type=radio][name="{name}"][value="{value(q)}"]')
        if wanted.count() == 0:
            wanted = page.locator(f'input[type=radio][name="{name}"]').first
        wanted.check()
        chosen = wanted.get_attribute("value")
        if chosen.isdigit():
            ANSWERED.setdefault(name, []).append(int(chosen))


def answer_section(page, person: int, screenshots=None, who: str = "", value=None) -> None:
    """Answer every question of the section on screen, as that person would."""
    if screenshots is not None:
        number = page.locator("#section-progress").inner_text()
        screenshots.step(page, f"{who} {number}")
    answer_radios(page, value or (lambda q: staff_value(person, q)))
    boxes = page.locator("input[type=checkbox]")
    for i in range(min(3, boxes.count())):
        boxes.nth((i + person) % boxes.count()).check()
    for field in page.locator("textarea").all():
        if person % 3 == 0:
            field.fill("Help with getting to appointments.")


def continue_(page) -> None:
    """Continue to the next page, and wait for it."""
    with page.expect_navigation():
        page.get_by_role("button", name=re.compile(r"^(Continue|Next)")).click()


def answer_to_the_end(page, person: int, screenshots, who: str, value=None) -> None:
    """From a section page, answer each remaining section, check the answers and send them."""
    while page.locator("#section-progress").count():
        answer_section(page, person, screenshots, who, value)
        continue_(page)
    expect(page).to_have_title(re.compile("Check your answers"))
    if screenshots is not None:
        screenshots.step(page, f"{who} check answers")
    page.get_by_role("button", name=re.compile("^Send (your|my) answers$")).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Thank you")


FOLLOW_UP_OUTCOMES = [
    ("O-HOME", "most_endorsed"),
    ("O-STORY", "contested"),
    ("O-CARER", "other"),
    ("O-TRAVEL", "proposed"),
]


@dataclass(frozen=True)
class Participant:
    audience: str
    group: str
    consent: str
    way: str  # interview, self, self phone
    easy_read: bool = False


PARTICIPANTS = [
    Participant("Service user", USER_GROUPS[0], "Written", "interview"),
    Participant("Carer", USER_GROUPS[1], "Verbal", "interview"),
    Participant("Service user", USER_GROUPS[0], "Online", "self"),
    Participant("Service user", USER_GROUPS[1], "Written", "self", easy_read=True),
    Participant("Carer", USER_GROUPS[1], "Verbal", "self", easy_read=True),
    Participant("Service user", USER_GROUPS[0], "Online", "self phone"),
    Participant("Carer", USER_GROUPS[0], "Written", "self"),
    Participant("Service user", USER_GROUPS[1], "Verbal", "self", easy_read=True),
]


def participant_value(person: int, question: int) -> str:
    """Users and carers rate importance high and achievement lower than staff do."""
    return str(5 - (person + question) % 3 if question % 2 == 0 else 1 + (person + question) % 3)


def register(page, person: Participant) -> str:
    """Register a participant with their consent; return their code."""
    today = timezone.localdate()
    page.get_by_label(person.audience, exact=True).check()
    page.get_by_label(person.group, exact=True).check()
    page.get_by_label("Day").fill(str(today.day))
    page.get_by_label("Month").fill(str(today.month))
    page.get_by_label("Year").fill(str(today.year))
    page.get_by_label(person.consent, exact=True).check()
    page.get_by_role("button", name="Register participant").click()
    expect(page).to_have_title(re.compile(r"^P-\d+ – Participants"))
    return heading(page).removeprefix("Participant ").strip()


def to_wave(page) -> None:
    """Back to the wave's page by its breadcrumb (unless already there)."""
    if not page.title().startswith(f"{WAVE} – "):
        page.locator(".govuk-breadcrumbs").get_by_role("link", name=WAVE).click()
    expect(page).to_have_title(re.compile(f"^{WAVE} – {PARTNERSHIP}"))


TASKS = [
    "survey-design",
    "survey-invite",
    "survey-responses",
    "survey-close",
    "follow-up-outcomes",
    "follow-up-plan",
    "follow-up-collect",
    "compare",
    "reports",
]
STATUS = {
    "N": "Not started",
    "I": "In progress",
    "C": "Completed",
    "X": "Cannot start yet",
}


def check_tasks(page, expected: str, next_step: str | None) -> None:
    """On the wave page: the task list's statuses, one letter per task in order (N not started,
    I in progress, C completed, X cannot start yet; spaces for reading), and what the page says
    to do next (None: nothing to do)."""
    found = {
        item.get_attribute("data-task"): item.locator(".govuk-task-list__status")
        .inner_text()
        .strip()
        for item in page.locator("[data-task]").all()
    }
    wanted = dict(zip(TASKS, (STATUS[c] for c in expected.replace(" ", "")), strict=True))
    assert found == wanted, (found, wanted)
    box = page.locator("#next-step")
    if next_step is None:
        assert box.count() == 0, box.inner_text()
    else:
        expect(box).to_contain_text(next_step)


def values_of(answers: dict[str, list[int]], code: str) -> list[int]:
    """The numbers given for an item, whatever the form calls its field."""
    return [v for name, values in answers.items() if name.endswith(code) for v in values]


def shown(number: float) -> str:
    """A figure as the report pages write it: two decimals at most."""
    return f"{round(number, 2):g}"


def heading(page) -> str:
    return page.get_by_role("heading", level=1).inner_text().strip()


def sign_in(page, username: str, password: str) -> None:
    page.goto("/accounts/login/")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Sign in").click()
    expect(page).to_have_title("Your partnerships – POET")


def wait_for_job(page, journey: Journey, name: str) -> None:
    """On a job's page: watch the progress until it is done."""
    expect(page).to_have_title(re.compile(r"background work"))
    journey.step(page, f"{name} progress")
    page.get_by_role("heading", name="Done").wait_for(timeout=120_000)
    assert "100%" in page.locator("[data-job-status]").inner_text()
    journey.step(page, f"{name} done")


def test_the_whole_journey(browser, live_server, worker_env, celery_worker, tmp_path):
    load_library(OutcomeStatement)  # transactional tests flush the migration's data
    journey = Journey()
    site_admin = UserFactory(username="ada", first_name="Ada", last_name="Admin")
    site_admin.user_permissions.add(Permission.objects.get(codename="add_partnership"))

    broken: list[str] = []  # server errors, script errors and console errors on any page

    def new_page(**options):
        context = browser.new_context(base_url=live_server.url, **options)
        context.set_default_timeout(20_000)
        context.on(
            "response",
            lambda r: broken.append(f"{r.status} {r.url}") if r.status >= 500 else None,
        )
        page = context.new_page()
        page.on("pageerror", lambda error: broken.append(f"script error on {page.url}: {error}"))
        page.on(
            "console",
            lambda m: (
                broken.append(f"console {m.type} on {page.url}: {m.text}")
                if m.type == "error" and "favicon" not in m.text and "404" not in m.text
                else None
            ),
        )
        return page

    # --- The administrator sets the partnership up ------------------------------------------
    admin = new_page()
    admin.goto("/")
    expect(admin).to_have_title(re.compile("Sign in"))
    journey.step(admin, "admin sign in")
    sign_in(admin, "ada", PASSWORD)
    journey.step(admin, "admin home")
    admin.get_by_role("link", name="Set up a new partnership").click()
    journey.step(admin, "admin new partnership")
    admin.get_by_label("Name of the partnership").fill(PARTNERSHIP)
    admin.get_by_label("What the partnership does (optional)").fill(
        "The NHS trust, the council and the carers' network run community care together."
    )
    admin.get_by_role("button", name="Create partnership").click()
    expect(admin).to_have_title(re.compile("^Partner organisations"))
    journey.step(admin, "admin organisations empty")
    for name, kind in ORGANISATIONS:
        admin.get_by_label("Organisation name").fill(name)
        admin.get_by_label("Kind of organisation").select_option(label=kind)
        admin.get_by_role("button", name="Add", exact=True).click()
        expect(admin.locator(".govuk-notification-banner")).to_contain_text(f"Added {name}.")
    journey.step(admin, "admin organisations added")
    partnership = Partnership.objects.get(name=PARTNERSHIP)
    assert partnership.organisations.count() == 3

    admin.get_by_role("link", name=f"Back to {PARTNERSHIP}").click()
    expect(admin).to_have_title(re.compile(f"^{PARTNERSHIP}"))
    journey.step(admin, "admin partnership")
    admin.get_by_role("link", name="Change staff groups").click()
    expect(admin).to_have_title(re.compile("^Staff groups"))
    admin.get_by_label("Staff group").fill("Occupational therapist")
    admin.get_by_role("button", name="Add", exact=True).click()
    expect(admin.locator(".govuk-notification-banner")).to_contain_text("Added Occupational")
    journey.step(admin, "admin staff groups")
    admin.get_by_role("link", name=f"Back to {PARTNERSHIP}").click()
    admin.get_by_role("link", name="Change people served").click()
    expect(admin).to_have_title(re.compile("^People the partnership serves"))
    journey.step(admin, "admin user groups empty")
    for name in USER_GROUPS:
        admin.get_by_label("User group").fill(name)
        admin.get_by_role("button", name="Add", exact=True).click()
        expect(admin.locator(".govuk-notification-banner")).to_contain_text(f"Added {name}.")
    journey.step(admin, "admin user groups added")

    admin.get_by_role("link", name=f"Back to {PARTNERSHIP}").click()
    admin.get_by_role("link", name="Change the minimum group size").click()
    expect(admin).to_have_title(re.compile("^Settings"))
    journey.step(admin, "admin minimum group size")
    admin.get_by_label("Minimum reporting group size (k)").fill(str(K))
    admin.get_by_label("Why is it changing?").fill(
        "A small partnership: three partners of about five staff each."
    )
    admin.get_by_role("button", name="Save", exact=True).click()
    expect(admin).to_have_title(re.compile(f"^{PARTNERSHIP}"))
    partnership.refresh_from_db()
    assert partnership.minimum_group_size == K

    admin.get_by_role("link", name="Add or change members").click()
    expect(admin).to_have_title(re.compile("^Members"))
    journey.step(admin, "admin members")
    for email, name, role in [
        ("eve.evans@northshire.example", "Eve Evans", "Evaluator"),
        ("mo.mensah@northshire.example", "Mo Mensah", "Manager"),
    ]:
        admin.get_by_label("E-mail address").fill(email)
        admin.get_by_label("Full name").fill(name)
        admin.get_by_role("group", name="Role").get_by_label(role, exact=True).check()
        admin.get_by_role("button", name="Add member").click()
        expect(admin.locator(".govuk-notification-banner")).to_contain_text(f"{name} added.")
    journey.step(admin, "admin members added")

    admin.get_by_role("link", name=PARTNERSHIP).first.click()
    admin.get_by_role("link", name="Create a wave").click()
    expect(admin).to_have_title(f"Create a wave – {PARTNERSHIP} – POET")
    journey.step(admin, "admin new wave")
    admin.get_by_label("Name of the wave").fill(WAVE)
    admin.get_by_role("button", name="Create wave").click()
    expect(admin).to_have_title(re.compile(f"^{WAVE}"))
    check_tasks(admin, "NNXX XNX XX", "Create the staff questionnaire")
    expect(admin.locator("#tasks-completed")).to_have_text("0 of 9 tasks completed.")
    journey.step(admin, "admin wave created")
    admin.context.close()

    # --- The evaluator sets a password from the e-mail and signs in ------------------------
    def set_password(email: str) -> str:
        message = next(m for m in mail.outbox if m.to == [email])
        link = re.search(r"https?://[^/\s]+(/\S+)", message.body).group(1)
        username = re.search(r"Your username is (\S+)\.", message.body).group(1)
        page = new_page()
        page.goto(link)
        journey.step(page, f"{username} set password")
        page.get_by_label("New password", exact=True).fill(NEW_PASSWORD)
        page.get_by_label("New password confirmation").fill(NEW_PASSWORD)
        page.get_by_role("button", name="Set password").click()
        expect(page).to_have_title("Password set – POET")
        journey.step(page, f"{username} password set")
        page.context.close()
        return username

    evaluator_name = set_password("eve.evans@northshire.example")
    manager_name = set_password("mo.mensah@northshire.example")
    evaluator = new_page()
    sign_in(evaluator, evaluator_name, NEW_PASSWORD)
    journey.step(evaluator, "evaluator home")
    evaluator.get_by_role("link", name=PARTNERSHIP).click()
    evaluator.get_by_role("link", name=WAVE).click()
    expect(evaluator).to_have_title(re.compile(f"^{WAVE}"))
    journey.step(evaluator, "evaluator wave")

    # --- The evaluator creates the staff questionnaire from the template and invites staff --
    evaluator.get_by_role("link", name="Create the staff questionnaire").click()
    expect(evaluator).to_have_title(re.compile("^Create the staff questionnaire"))
    journey.step(evaluator, "evaluator create questionnaire")
    evaluator.get_by_role("button", name="Create the questionnaire").click()
    expect(evaluator).to_have_title(re.compile("^Staff questionnaire"))
    journey.step(evaluator, "evaluator questionnaire created")
    to_wave(evaluator)
    check_tasks(evaluator, "INXX XNX XX", "open the wave")
    evaluator.get_by_role("link", name="Invite staff").click()
    expect(evaluator).to_have_title(re.compile("^Invitations"))
    journey.step(evaluator, "evaluator invitations empty")
    staff_csv = "email,organisation,staff_group\n" + "".join(
        f"{person.email},{person.organisation},{person.group}\n" for person in STAFF
    )
    evaluator.get_by_label("Staff list").set_input_files(
        {"name": "staff.csv", "mimeType": "text/csv", "buffer": staff_csv.encode()}
    )
    evaluator.get_by_role("button", name="Upload staff list").click()
    expect(evaluator.get_by_text(f"{len(STAFF)} people added to the staff list.")).to_be_visible()
    journey.step(evaluator, "evaluator staff list uploaded")
    assert Invitation.objects.count() == len(STAFF)

    to_wave(evaluator)
    check_tasks(evaluator, "IIXX XNX XX", "open the wave")
    evaluator.get_by_role("link", name="Open the wave").click()
    expect(evaluator).to_have_title(re.compile("^Open the wave"))
    journey.step(evaluator, "evaluator open the wave")
    evaluator.get_by_role("button", name="Open the wave").click()
    expect(evaluator.locator(".govuk-notification-banner")).to_contain_text("The wave is open")
    journey.step(evaluator, "evaluator wave open")
    to_wave(evaluator)
    check_tasks(evaluator, "CNIN XNX XX", "The staff survey is open. Next, send the invitations")
    journey.step(evaluator, "evaluator wave says what to do next")
    evaluator.locator("#next-step").get_by_role("link", name="Send the invitations").click()
    evaluator.get_by_role("button", name=re.compile("^Send invitations")).click()
    wait_for_job(evaluator, journey, "evaluator sending invitations")
    evaluator.get_by_role("link", name="Back").click()
    expect(evaluator.get_by_text("Everyone on the staff list has been sent")).to_be_visible()
    journey.step(evaluator, "evaluator invitations sent")
    to_wave(evaluator)
    check_tasks(evaluator, "CCIN XNX XX", "Watch the response rates, and close the wave")
    inbox = worker_mail(worker_env)
    assert sorted(inbox) == sorted(person.email for person in STAFF)

    # --- Staff answer from the link in their e-mail ----------------------------------------
    for n, person in enumerate(STAFF):
        link = re.search(r"https?://\S+/s/[A-Za-z0-9_-]+/", inbox[person.email]).group(0)
        first = n == 0
        phone = person.fate == "resume"
        page = new_page(viewport={"width": 375, "height": 740} if phone else None)
        page.goto(link)
        expect(page).to_have_title(re.compile(r"\S"))
        who = f"staff {n + 1:02d} {person.fate}"
        journey.step(page, f"{who} start")
        page.get_by_role("button", name="Start now").click()
        if person.fate == "leave":  # opens the first section and closes the window
            expect(page.locator("#section-progress")).to_be_visible()
            journey.step(page, f"{who} first section, then leaves")
            page.context.close()
            continue
        if person.fate == "abandon":  # answers a section, saves, never comes back
            answer_section(page, n)
            continue_(page)
            page.get_by_role("button", name="Save and come back later").click()
            expect(page.get_by_role("heading", name="Your answers are saved")).to_be_visible()
            journey.step(page, f"{who} saved and never comes back")
            page.context.close()
            continue
        if person.fate == "resume":
            answer_section(page, n, screenshots=journey, who=who)
            continue_(page)
            answer_section(page, n)
            page.get_by_role("button", name="Save and come back later").click()
            expect(page.get_by_role("heading", name="Your answers are saved")).to_be_visible()
            journey.step(page, f"{who} saved")
            page.context.close()
            page = new_page(viewport={"width": 375, "height": 740})
            page.goto(link)
            expect(page.get_by_text("Welcome back")).to_be_visible()
            journey.step(page, f"{who} welcome back")
            page.get_by_role("button", name="Continue").click()
        answer_to_the_end(page, n, journey if (first or phone) else None, who)
        journey.step(page, f"{who} thank you")
        page.context.close()

    completed = [p for p in STAFF if p.fate in ("complete", "resume")]
    assert Response.objects.filter(audience="staff").count() == len(completed)
    staff_answers = {name: list(values) for name, values in ANSWERED.items()}
    ANSWERED.clear()

    # --- Partner leads describe the partnership's context, each by their own link ----------
    to_wave(evaluator)
    evaluator.get_by_role("link", name="Partner leads", exact=True).click()
    expect(evaluator).to_have_title(re.compile("^Partner leads"))
    journey.step(evaluator, "evaluator partner leads")
    lead_links = {}
    for (organisation, _), lead in zip(ORGANISATIONS, LEADS, strict=True):
        evaluator.get_by_label("Full name").fill(lead)
        evaluator.get_by_label("Organisation", exact=True).select_option(label=organisation)
        evaluator.get_by_role("button", name="Add partner lead").click()
        expect(evaluator.get_by_role("heading", name=f"Link for {lead}")).to_be_visible()
        lead_links[lead] = evaluator.locator("#lead-link").input_value()
    journey.step(evaluator, "evaluator partner leads added")
    for n, link in enumerate(lead_links.values()):
        page = new_page()
        page.goto(link)
        expect(page.get_by_role("heading", level=1)).to_have_text("Where the partnership is now")
        journey.step(page, f"partner lead {n + 1} start")
        for tool in CONTEXT_TOOLS:
            page.get_by_role("link", name=tool).click()
            expect(page.get_by_role("heading", level=1)).to_have_text(tool)
            answer_radios(page, lambda q, n=n: str(2 + (n + q) % 3))
            service_area = page.get_by_label("A service area (optional)")
            if service_area.count():
                service_area.fill("Hospital discharge for older people")
            if n == 0:
                journey.step(page, f"partner lead {n + 1} {tool}")
            page.get_by_role("button", name="Save and continue").click()
            expect(page.get_by_role("heading", level=1)).to_have_text(
                "Where the partnership is now"
            )
        assert page.get_by_text("Not answered yet").count() == 0
        journey.step(page, f"partner lead {n + 1} all answered")
        page.context.close()
    ANSWERED.clear()

    # --- The evaluator closes the wave and builds the follow-up -----------------------------
    to_wave(evaluator)
    evaluator.locator("#next-step").get_by_role("link", name="Responses received").click()
    expect(evaluator).to_have_title(re.compile("^Response rates"))
    journey.step(evaluator, "evaluator response rates")
    to_wave(evaluator)
    evaluator.locator("#next-step").get_by_role("link", name="Close the wave").click()
    expect(evaluator).to_have_title(re.compile("^Close the wave"))
    journey.step(evaluator, "evaluator close the wave")
    evaluator.get_by_role("button", name="Close the wave").click()
    expect(evaluator.locator(".govuk-notification-banner")).to_contain_text("The wave is closed")
    to_wave(evaluator)
    check_tasks(evaluator, "CCCC NNX XX", "choose the outcomes to ask service users and carers")
    journey.step(evaluator, "evaluator wave closed")

    evaluator.locator("#next-step").get_by_role(
        "link", name="Outcome shortlist for the follow-up"
    ).click()
    expect(evaluator).to_have_title(re.compile("^Outcome shortlist"))
    journey.step(evaluator, "evaluator shortlist")
    evaluator.get_by_role("button", name="Collect proposals").click()
    expect(evaluator.locator(".govuk-notification-banner")).to_contain_text("proposal")
    evaluator.get_by_role("link", name="Adopt proposal 1").click()
    journey.step(evaluator, "evaluator adopt a proposal")
    evaluator.get_by_label("The outcome, in the words of the people it is for").fill(
        "I can get to my appointments without having to ask for help."
    )
    evaluator.get_by_label("Code").fill("O-TRAVEL")
    evaluator.get_by_label("Easy-read wording (optional)").fill("I can get to my appointments.")
    evaluator.get_by_role("button", name="Adopt as a new outcome").click()
    expect(evaluator.locator(".govuk-notification-banner")).to_contain_text("O-TRAVEL is adopted")
    for code, reason in FOLLOW_UP_OUTCOMES:
        box = evaluator.get_by_label(f"Choose {code} for the follow-up")
        box.check()
        pk = box.get_attribute("value")
        evaluator.locator(f'input[name="reason-{pk}"][value="{reason}"]').check()
    evaluator.get_by_label("Note on O-HOME (optional)").fill("Staff rate it highest.")
    journey.step(evaluator, "evaluator shortlist ticked")
    evaluator.get_by_role("button", name="Choose the ticked outcomes").click()
    expect(evaluator.locator(".govuk-notification-banner")).to_contain_text(
        "Chosen for the follow-up"
    )
    journey.step(evaluator, "evaluator shortlist chosen")

    to_wave(evaluator)
    check_tasks(evaluator, "CCCC CNX XX", "plan the sessions")
    journey.step(evaluator, "evaluator wave outcomes chosen")
    evaluator.locator("#next-step").get_by_role("link", name="See the follow-up schedule").click()
    expect(evaluator).to_have_title(re.compile("^Follow-up schedule"))
    journey.step(evaluator, "evaluator follow-up schedule")
    evaluator.get_by_role("link", name="Change methods").click()
    journey.step(evaluator, "evaluator follow-up methods")
    evaluator.get_by_label("Self-completion questionnaire").check()
    evaluator.get_by_label("Interview").check()
    evaluator.get_by_role("button", name="Save").click()
    expect(evaluator.locator(".govuk-notification-banner")).to_contain_text("methods are saved")
    session_day = timezone.localdate() + datetime.timedelta(days=7)
    for mode, facilitator in [("In person", "Sam Jones"), ("Telephone", "Priya Shah")]:
        evaluator.get_by_role("link", name="Add a session").click()
        evaluator.get_by_label("Interview").check()
        evaluator.get_by_label(mode).check()
        evaluator.get_by_label("Day").fill(str(session_day.day))
        evaluator.get_by_label("Month").fill(str(session_day.month))
        evaluator.get_by_label("Year").fill(str(session_day.year))
        evaluator.get_by_label("Facilitator (optional)").fill(facilitator)
        evaluator.get_by_label("Service users planned").fill("1")
        evaluator.get_by_label("Carers planned").fill("1")
        journey.step(evaluator, f"evaluator session {mode}")
        evaluator.get_by_role("button", name="Save").click()
        expect(evaluator.locator(".govuk-notification-banner")).to_contain_text(
            "The session is saved."
        )
    journey.step(evaluator, "evaluator schedule with sessions")
    evaluator.get_by_role("link", name="Open the follow-up").click()
    journey.step(evaluator, "evaluator open the follow-up")
    evaluator.get_by_role("button", name="Open the follow-up").click()
    expect(evaluator.locator(".govuk-notification-banner")).to_contain_text("The follow-up is open")
    journey.step(evaluator, "evaluator follow-up open")
    to_wave(evaluator)
    check_tasks(evaluator, "CCCC CIX XX", "register the service users and carers")

    # --- Participants, with consent; two interviews; the others answer by their own link ----
    links = {}
    for n, person in enumerate(PARTICIPANTS):
        to_wave(evaluator)
        if n == 1:  # one registered, and interviewed: their answers are coming in
            check_tasks(evaluator, "CCCC CCI XX", "Enter the answers given in interviews")
        evaluator.get_by_role("link", name="Plan sessions and register participants").click()
        evaluator.get_by_role("link", name="Participants, consent and answers").click()
        expect(evaluator).to_have_title(re.compile("^Participants"))
        if n == 0:
            journey.step(evaluator, "evaluator participants empty")
        code = register(evaluator, person)
        assert code == f"P-{n + 1:03d}"
        if n == 0:
            journey.step(evaluator, "evaluator participant registered")
        if person.way == "interview":
            evaluator.get_by_role("link", name="Enter answers").click()
            expect(evaluator).to_have_title(re.compile("answers", re.I))
            evaluator.get_by_label("Session (optional)").select_option(index=1 + n % 2)
            answer_radios(evaluator, lambda q, n=n: participant_value(n, q))
            top3 = evaluator.locator("input[type=checkbox]")
            for i in range(min(3, top3.count())):
                top3.nth(i).check()
            journey.step(evaluator, f"evaluator interview {code}")
            evaluator.get_by_role("button", name="Save answers").click()
            expect(evaluator.locator(".govuk-notification-banner")).to_contain_text(
                f"The answers of {code} are saved."
            )
            journey.step(evaluator, f"evaluator interview {code} saved")
        else:
            evaluator.get_by_role("button", name="Make a link to answer by themselves").click()
            links[code] = evaluator.locator(".poet-participant-link").inner_text().strip()
            if len(links) == 1:
                journey.step(evaluator, "evaluator participant link")

    for n, person in enumerate(PARTICIPANTS):
        code = f"P-{n + 1:03d}"
        if code not in links:
            continue
        phone = person.way == "self phone"
        page = new_page(viewport={"width": 320, "height": 640} if phone else None)
        page.goto(links[code])
        expect(page.get_by_role("button", name="Start now")).to_be_visible()
        assert "/s/p/" not in page.url, "the token leaves the address bar"
        who = f"participant {code} {person.way}"
        journey.step(page, f"{who} start")
        if person.easy_read:
            page.get_by_role("button", name=re.compile("^Easy read")).click()
            expect(page.get_by_role("button", name=re.compile("^Standard wording"))).to_be_visible()
            journey.step(page, f"{who} start easy read")
        page.get_by_role("button", name=re.compile("^Start( now)?$")).click()  # easy read: Start
        expect(page.locator("#section-progress")).to_be_visible()
        shots = journey if person.easy_read or phone or n == 2 else None
        answer_to_the_end(page, n, shots, who, value=lambda q, n=n: participant_value(n, q))
        journey.step(page, f"{who} thank you")
        page.context.close()
    user_answers = {name: list(values) for name, values in ANSWERED.items()}
    assert ParticipantResponse.objects.count() == len(PARTICIPANTS)
    assert ParticipantResponse.objects.filter(easy_read=True).count() == sum(
        p.easy_read for p in PARTICIPANTS
    )

    # --- The follow-up closes; the comparison runs on the worker, its progress on screen ----
    to_wave(evaluator)
    check_tasks(evaluator, "CCCC CCI XX", "When everyone has answered, close the follow-up")
    evaluator.get_by_role("link", name="Plan sessions and register participants").click()
    expect(evaluator).to_have_title(re.compile("^Follow-up schedule"))
    journey.step(evaluator, "evaluator follow-up progress")
    evaluator.get_by_role("link", name="Close the follow-up").click()
    journey.step(evaluator, "evaluator close the follow-up")
    evaluator.get_by_role("button", name="Close the follow-up").click()
    expect(evaluator.locator(".govuk-notification-banner")).to_contain_text(
        "The follow-up is closed"
    )
    to_wave(evaluator)
    journey.step(evaluator, "evaluator wave after the follow-up")
    follow = evaluator.get_by_role("link", name="Follow its progress")
    if follow.count():  # the comparison started by closing is still queued or running
        check_tasks(evaluator, "CCCC CCC IX", "The comparison is running")
        follow.click()
    else:  # it finished already: run it again, from its page, to watch it
        check_tasks(evaluator, "CCCC CCC CN", "Read the reports")
        evaluator.get_by_role("link", name="Compare staff with service users and carers").click()
        evaluator.get_by_role("button", name="Run comparison").click()
    wait_for_job(evaluator, journey, "evaluator comparison")
    evaluator.get_by_role("link", name="Back").click()
    expect(evaluator).to_have_title(re.compile("^Staff compared with service users and carers"))
    journey.step(evaluator, "evaluator comparison results")
    evaluator.context.close()

    # --- A manager reads both reports and downloads PDF, XLSX and CSV -----------------------
    manager = new_page(accept_downloads=True)
    sign_in(manager, manager_name, NEW_PASSWORD)
    journey.step(manager, "manager home")
    manager.get_by_role("link", name=PARTNERSHIP).click()
    manager.get_by_role("link", name=WAVE).click()
    expect(manager).to_have_title(re.compile(f"^{WAVE}"))
    check_tasks(manager, "CCCC CCC CN", "Read the reports")
    journey.step(manager, "manager wave")
    manager.get_by_role("link", name="Read the formative report").click()
    expect(manager).to_have_title(re.compile("Formative", re.I))
    journey.step(manager, "manager formative report")
    formative_text = manager.locator("main").inner_text()
    to_wave(manager)
    manager.get_by_role("link", name="Read the summative report").click()
    expect(manager).to_have_title(re.compile("Summative", re.I))
    journey.step(manager, "manager summative report")
    summative_text = manager.locator("main").inner_text()
    to_wave(manager)
    manager.locator("#next-step").get_by_role("link", name="Download reports and data").click()
    expect(manager).to_have_title(re.compile("^Downloads"))
    journey.step(manager, "manager downloads")
    files = {}
    for kind, label, row, suffix in [
        ("Summative report", "PDF document", "Summative report (PDF)", "pdf"),
        ("Formative report", "Excel workbook (XLSX)", "Formative report (XLSX)", "xlsx"),
        (
            "Summative report",
            "CSV (the report's tables, one line per figure)",
            "Summative report (CSV)",
            "csv",
        ),
    ]:
        manager.get_by_label(kind, exact=True).check()
        manager.get_by_label(label, exact=True).check()
        manager.get_by_role("button", name="Make the file").click()
        wait_for_job(manager, journey, f"manager {suffix}")
        manager.get_by_role("link", name="Back").click()
        expect(manager).to_have_title(re.compile("^Downloads"))
        link = manager.get_by_role("row").filter(has_text=row).get_by_role("link")
        with manager.expect_download() as info:
            link.first.click()
        assert info.value.suggested_filename.endswith(f".{suffix}")
        files[suffix] = tmp_path / f"report.{suffix}"
        info.value.save_as(files[suffix])
    journey.step(manager, "manager files made")
    to_wave(manager)
    check_tasks(manager, "CCCC CCC CC", None)
    expect(manager.locator("#tasks-completed")).to_have_text("9 of 9 tasks completed.")
    journey.step(manager, "manager wave every task completed")

    manager.context.close()

    # --- The files are opened and agree with the pages and with what people answered -------
    staff_home = values_of(staff_answers, "O-HOME.importance")
    users_home = values_of(user_answers, "O-HOME.importance")
    assert (len(staff_home), len(users_home)) == (len(completed), len(PARTICIPANTS))
    staff_mean, users_mean = statistics.mean(staff_home), statistics.mean(users_home)
    figures = f"\t{len(staff_home)}\t{shown(staff_mean)}\t{len(users_home)}\t{shown(users_mean)}\t"
    home_rows = [line for line in summative_text.splitlines() if line.startswith("O-HOME\t")]
    assert any(figures in line for line in home_rows), (figures, home_rows)

    invited = f"{len(STAFF)} members of staff were invited and {len(completed)} completed"
    assert invited in formative_text
    for tool in CONTEXT_TOOLS:  # the partner leads' answers are in the formative report
        assert tool in formative_text
    per_organisation = {
        name: (
            sum(p.organisation == name for p in STAFF),
            sum(p.organisation == name and p in completed for p in STAFF),
        )
        for name, _ in ORGANISATIONS
    }
    # Response rates: an organisation whose every invitee answered is hidden when a small staff
    # group sits inside it (5 of 5 at the trust would say both its therapists answered); the
    # others show their exact counts.
    hidden_rate = f"\t{HIDDEN_SECONDARY}"
    shown_rates = {}
    for name, (n_invited, n_completed) in per_organisation.items():
        if f"{name}\t{n_invited}\t{n_completed}\t" in formative_text:
            shown_rates[name] = (n_invited, n_completed)
        else:
            assert f"{name}\t{n_invited}{hidden_rate}" in formative_text, name
    trust = ORGANISATIONS[0][0]
    assert trust not in shown_rates and shown_rates  # hidden for a reason, not everything

    text = pdf_text(files["pdf"])
    assert f"Summative report: {WAVE}" in text and PARTNERSHIP in text
    for code, _ in FOLLOW_UP_OUTCOMES:
        assert code in text
    pdf_rows = [" ".join(line.split()) for line in text.splitlines() if "O-HOME" in line]
    pdf_figures = f"{len(staff_home)} {shown(staff_mean)} {len(users_home)} {shown(users_mean)}"
    assert any(pdf_figures in line for line in pdf_rows), (pdf_figures, pdf_rows)

    workbook = openpyxl.load_workbook(files["xlsx"])
    rates_sheet = workbook["Response rates by organisation"]
    rates = list(rates_sheet.iter_rows(values_only=True))
    assert rates[1] == ("Organisation", "Invited", "Completed", "Response rate (%)")
    in_workbook = {r[0]: r[1:3] for r in rates[2:] if r and r[0] in per_organisation}
    assert {name: in_workbook[name] for name in shown_rates} == shown_rates
    assert in_workbook[trust] == (per_organisation[trust][0], None)  # empty, with a note why
    trust_row = next(row for row in rates_sheet.iter_rows(min_row=3) if row[0].value == trust)
    assert trust_row[2].comment.text == HIDDEN_SECONDARY
    notes = {row[0]: row[1] for row in workbook["Notes"].iter_rows(values_only=True) if row}
    assert (notes["Partnership"], notes["Minimum group size (k)"]) == (PARTNERSHIP, K)

    with files["csv"].open(newline="") as handle:
        rows = list(csv.DictReader(handle))
    home = {
        r["column"]: r
        for r in rows
        if (r["table"], r["row"]) == ("importance_comparison", "O-HOME")
    }
    assert (int(home["Staff (n)"]["value"]), int(home["Users and carers (n)"]["value"])) == (
        len(staff_home),
        len(users_home),
    )
    assert float(home["Staff mean"]["value"]) == pytest.approx(staff_mean, abs=0.005)
    assert float(home["Users and carers mean"]["value"]) == pytest.approx(users_mean, abs=0.005)
    assert not any(cell["hidden"] for cell in home.values())

    assert not broken, "\n".join(broken)

    # --- Accessibility of every page the journey visited -----------------------------------
    report = journey.report()
    print(report)
    assert not journey.problems, report
