"""Issue 16's acceptance in one flow, in real Chromium: an evaluator uploads a focus-group
transcript, confirms its masking, codes passages by keyboard to two chosen outcomes and a theme
of her own, a second coder codes blind, their agreement is shown, she picks a quote, and a
manager sees the joint display in the summative report and in its PDF. axe on every page."""

from __future__ import annotations

import io

import pytest
from django.core.management import call_command
from django.urls import reverse
from playwright.sync_api import expect

from outcomes.models import ChosenOutcome, Coding, FollowUpSchedule, QualitativeSource, Theme
from outcomes.services import coding
from poet.analysis.agreement import paragraphs
from poet.models import OutcomeStatement, Role
from reports.content import build_summative
from reports.exporters import get_exporter
from tests.factories import PASSWORD, member
from tests.outcomes.documents import word_document
from tests.outcomes.test_coding_browser import assert_accessible
from tests.reports.builders import build_wave
from tests.reports.reporting import pdf_text
from tests.reports.test_joint_display import session_of

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

LINES = [
    "Sam: What has changed for you this year?",
    "Member: Priya Ramanathan kept me in my own home.",
    "Member: I know who to ring, and they ring back.",
    "Member: The buses are gone, so I see nobody.",
]
QUOTED = "Member: [name] kept me in my own home."


def sign_in(page, username: str) -> None:
    page.goto("/accounts/login/")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()


def select_line(page, index: int) -> None:
    """Into the text by keyboard, down to paragraph `index` (a blank line between paragraphs, as
    a Word document's text is read), selected with Shift+End."""
    page.get_by_label("The text").focus()
    page.keyboard.press("Control+Home")
    for _ in range(2 * index):
        page.keyboard.press("ArrowDown")
    page.keyboard.press("Home")
    page.keyboard.press("Shift+End")


def test_from_a_transcript_to_the_joint_display(page, tmp_path):
    built = build_wave(outcomes=3, staff=12, users=10, k=5)
    wave, p = built.wave, built.wave.partnership
    call_command("run_comparison", p.slug, wave.slug, "--resamples", "100", stdout=io.StringIO())
    schedule, _ = FollowUpSchedule.objects.get_or_create(wave=wave)
    for code in ("O-0", "O-1"):
        outcome = OutcomeStatement.objects.get(partnership=p, code=code)
        ChosenOutcome.objects.create(schedule=schedule, outcome=outcome, reason="most_endorsed")
    session = session_of(schedule, "focus_group", 6, "service_user", "U", built.user_group)
    evaluator = member(p, Role.EVALUATOR, user__first_name="Priya", user__last_name="Ramanathan")
    second = member(p, Role.EVALUATOR, user__first_name="Ola", user__last_name="Second")
    manager = member(p, Role.MANAGER)
    kwargs = {"partnership": p.slug, "wave": wave.slug}
    transcript = tmp_path / "Focus group.docx"
    transcript.write_bytes(word_document(LINES))

    # Upload and confirm the masking.
    sign_in(page, evaluator.username)
    page.goto(reverse("outcomes:add_source", kwargs=kwargs))
    page.get_by_label("Session").select_option(label=session.label)
    page.get_by_label("Transcript").check()
    page.get_by_label("Service users", exact=True).check()
    page.get_by_label("Or upload a file (.txt, .docx or .odt)").set_input_files(str(transcript))
    page.get_by_role("button", name="Add and mask").press("Enter")
    expect(page.get_by_role("heading", level=1)).to_have_text("Review the masking")
    expect(page.locator("[data-source-text]")).to_contain_text(QUOTED)
    assert_accessible(page)
    page.get_by_role("button", name="Confirm the masking").click()
    source = QualitativeSource.objects.get()
    assert source.is_confirmed and "Priya" not in source.text and "Sam" not in source.text

    # The codebook: both chosen outcomes as themes, and one of her own.
    page.goto(reverse("outcomes:codebook", kwargs=kwargs))
    page.get_by_role("button", name="Add the 2 chosen outcomes as themes").click()
    page.get_by_role("link", name="Add a theme").click()
    page.get_by_label("Name").fill("Transport")
    page.get_by_role("button", name="Add the theme").click()
    expect(page.get_by_text("Theme 'Transport' added.")).to_be_visible()
    assert_accessible(page)

    # Coding by keyboard: line 2 to O-0, line 3 to O-1, line 4 to Transport.
    page.goto(f"{reverse('outcomes:code_source', kwargs=kwargs)}?source={source.pk}")
    selection = page.locator("[data-selection]")
    expect(selection).to_be_visible()  # the script is ready
    for line, theme in ((1, "O-0"), (2, "O-1"), (3, "Transport")):
        select_line(page, line)
        expect(page.locator("[data-selection-status]")).to_contain_text("Selected: “Member")
        selection.get_by_label(theme, exact=True).focus()
        page.keyboard.press("Space")
        selection.get_by_role("button", name="Code selection").focus()
        page.keyboard.press("Enter")
        expect(page.get_by_text(f"Passage coded to {theme}.")).to_be_visible()
    assert_accessible(page)
    units = paragraphs(source.text)
    assert sorted((c.theme.name, c.start, c.end) for c in Coding.objects.all()) == [
        ("O-0", *units[1]),
        ("O-1", *units[2]),
        ("Transport", *units[3]),
    ]

    # A second coder codes the same source (blind until done: test_codebook_pages.py).
    page.get_by_role("button", name="Mark my coding of this source done").click()
    themes = {t.name: t for t in Theme.objects.all()}
    for line, theme in ((1, "O-0"), (2, "Transport")):
        start, end = units[line]
        coding.code_passage(source, coder=second, themes=[themes[theme]], start=start, end=end)
    coding.mark_done(source, coder=second)
    page.goto(reverse("outcomes:agreement", kwargs=kwargs))
    expect(page.locator('[data-theme="O-0"] [data-kappa]')).to_have_text("1.00")
    expect(page.locator('[data-theme="O-1"] [data-percentage]')).to_have_text("75%")
    assert_accessible(page)

    # She picks the O-0 passage as a quote.
    home = Coding.objects.get(theme__name="O-0", coder=evaluator)
    page.goto(f"{reverse('outcomes:coding', kwargs=kwargs)}?coding={home.pk}")
    page.get_by_role("button", name="Pick as a quote").click()
    expect(page.get_by_text("The passage is picked as a quote")).to_be_visible()
    assert_accessible(page)
    page.context.clear_cookies()

    # The manager sees the joint display: the quote, with the outcome's sentence.
    sign_in(page, manager.username)
    page.goto(f"/p/{p.slug}/waves/{wave.slug}/reports/summative/")
    page.get_by_role("link", name="Numbers and words: the joint display").click()
    section = page.locator("section", has=page.locator("#joint-display"))
    expect(section.locator("blockquote").first).to_contain_text(QUOTED)
    assert "Priya" not in section.inner_text()
    assert_accessible(page)

    # And in its PDF.
    pdf = tmp_path / "summative.pdf"
    with pdf.open("wb") as out:
        get_exporter("pdf").render(build_summative(wave), out)
    text = " ".join(pdf_text(pdf).split())
    assert "kept me in my own home." in text
    assert "Priya" not in text and "Ramanathan" not in text
