"""Printable interview and focus-group guides (PDF through WeasyPrint, read back by pdftotext)."""

import shutil
import subprocess
import time

import pytest
from django.urls import reverse

from outcomes.models import ChosenOutcome
from outcomes.services.guides import GuideKind, render_guide
from outcomes.services.schedule import add_chosen_outcome, create_schedule
from poet.models import AuditEvent, OutcomeStatement, Role
from tests.conftest import require
from tests.factories import WaveFactory, member

pytestmark = pytest.mark.django_db


def pdf_text(pdf: bytes, tmp_path) -> str:
    require(shutil.which("pdftotext") is not None, "the test needs pdftotext (poppler-utils)")
    path = tmp_path / "guide.pdf"
    path.write_bytes(pdf)
    result = subprocess.run(
        ["pdftotext", "-layout", str(path), "-"], capture_output=True, text=True, check=True
    )
    return " ".join(result.stdout.split())  # one space between words, whatever the layout


@pytest.fixture
def schedule():
    wave = WaveFactory(partnership__name="Alpha partnership", name="Baseline 2026")
    s = create_schedule(wave)
    for code in ["O-HOME", "O-STORY", "O-CARER"]:
        add_chosen_outcome(
            s,
            OutcomeStatement.objects.get(partnership=None, code=code),
            reason=ChosenOutcome.Reason.MOST_ENDORSED,
        )
    return s


def test_interview_guide(schedule, tmp_path):
    render_guide(schedule, GuideKind.INTERVIEW)  # the first in a process loads fonts (~4 s)
    started = time.monotonic()
    pdf = render_guide(schedule, GuideKind.INTERVIEW)
    assert time.monotonic() - started < 3  # about 0.6 s: made while the person waits
    assert pdf.startswith(b"%PDF")
    text = pdf_text(pdf, tmp_path)
    assert "Interview guide" in text
    assert "Alpha partnership" in text and "Baseline 2026" in text
    assert "consent" in text.lower()
    for code in ["O-HOME", "O-STORY", "O-CARER"]:
        statement = OutcomeStatement.objects.get(partnership=None, code=code)
        assert statement.text in text
        assert statement.easy_read_text in text
    assert "How important is this to you?" in text
    assert "Is this important to you?" in text
    assert "How far has the service achieved this for you?" in text
    assert "Can you tell me about a time when" in text
    assert "What have we missed?" in text
    assert "Closing" in text
    assert "Page 1 of" in text
    assert "Ground rules" not in text


def test_focus_group_guide_has_ground_rules_and_timings(schedule, tmp_path):
    text = pdf_text(render_guide(schedule, GuideKind.FOCUS_GROUP), tmp_path)
    assert "Focus group topic guide" in text
    assert "Ground rules" in text and "Timings" in text
    assert "Welcome, consent and ground rules" in text
    assert "Total 90" in text
    pages = int(text.split("Page 1 of ")[1].split()[0])
    assert pages >= 2
    assert f"Page {pages} of {pages}" in text


def test_markup_in_an_outcome_is_printed_as_text(schedule, tmp_path):
    nasty = OutcomeStatement.objects.create(
        partnership=schedule.wave.partnership,
        code="O-NASTY",
        text="I get <b>help</b> & <script>alert(1)</script> support",
        source=OutcomeStatement.Source.EVALUATOR,
    )
    add_chosen_outcome(schedule, nasty, reason=ChosenOutcome.Reason.OTHER)
    text = pdf_text(render_guide(schedule, GuideKind.INTERVIEW), tmp_path)
    assert "I get <b>help</b> & <script>alert(1)</script> support" in text


def test_download_from_the_schedule_page_is_audited(client, schedule):
    wave = schedule.wave
    user = member(wave.partnership, Role.EVALUATOR)
    client.force_login(user)
    kwargs = {"partnership": wave.partnership.slug, "wave": wave.slug}
    page = client.get(reverse("outcomes:schedule", kwargs=kwargs))
    guide_url = reverse("outcomes:focus_group_guide", kwargs=kwargs)
    assert guide_url in page.content.decode()
    response = client.get(guide_url)
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert "attachment;" in response["Content-Disposition"]
    assert response["Content-Disposition"].endswith('focus-group-guide.pdf"')
    event = AuditEvent.objects.get(action="guide.downloaded")
    assert event.actor == user and event.detail["guide"] == "focus-group"
    missing = guide_url.replace("focus-group", "survey")
    assert client.get(missing).status_code == 404
    assert client.get(reverse("outcomes:interview_guide", kwargs=kwargs)).status_code == 200


def test_strangers_cannot_download(client, schedule):
    wave = schedule.wave
    client.force_login(member(WaveFactory().partnership, Role.EVALUATOR))
    guide_url = reverse(
        "outcomes:interview_guide",
        kwargs={"partnership": wave.partnership.slug, "wave": wave.slug},
    )
    assert client.get(guide_url).status_code == 404
