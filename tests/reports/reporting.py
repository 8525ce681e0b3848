"""A wave with a finished comparison run, a small staff group and hostile text, for exporters."""

from __future__ import annotations

import io
import re
import subprocess
from pathlib import Path

from django.core.management import call_command

from poet.models import Audience, OutcomeStatement, StaffGroup
from surveys.models import Answer, Item, Response, Section
from tests.conftest import require
from tests.reports.builders import DAY, Built, build_wave

SCRIPT = "<script>alert(1)</script>"
FORMULA = '=HYPERLINK("http://x","y")'
SAFE = "People feel safe at home"
TINY = "Tiny team"


def seeded_wave(*, run: bool = True) -> Built:
    """14 + 2 staff (two of them in the "Tiny team", below k=5), 10 users and carers.

    Outcome statements and staff comments carry a script tag and a spreadsheet formula.
    """
    built = build_wave(outcomes=3, staff=14, users=8, carers=2, k=5)
    wave, p = built.wave, built.wave.partnership
    for code, text in [("O-0", SAFE), ("O-1", SCRIPT), ("O-2", FORMULA)]:
        OutcomeStatement.objects.filter(partnership=p, code=code).update(text=text)
    staff_q = built.staff[0].questionnaire
    comments = Section.objects.create(questionnaire=staff_q, title="Comments", order=9)
    comment = Item.objects.create(
        section=comments, code="COMMENT", kind=Item.Kind.TEXT, text="Anything else?"
    )
    Answer.objects.bulk_create(
        [
            Answer(response=built.staff[0], item=comment, text=SCRIPT),
            Answer(response=built.staff[1], item=comment, text=FORMULA),
        ]
    )
    tiny = StaffGroup.objects.create(partnership=p, name=TINY)
    for _ in range(2):
        response = Response.objects.create(
            wave=wave,
            questionnaire=staff_q,
            audience=Audience.STAFF,
            organisation=built.organisations[0],
            staff_group=tiny,
            submitted_on=DAY,
        )
        built.staff.append(response)
        Answer.objects.bulk_create(
            Answer(response=response, item=item, number=5.0)
            for key, item in built.items.items()
            if key.startswith("staff:")
        )
    if run:
        call_command(
            "run_comparison", p.slug, wave.slug, "--resamples", "100", stdout=io.StringIO()
        )
    return built


def pdf_text(path: Path) -> str:
    require(
        subprocess.run(["which", "pdftotext"], capture_output=True).returncode == 0,
        "the test needs pdftotext (apt-get install poppler-utils)",
    )
    return subprocess.run(
        ["pdftotext", "-layout", str(path), "-"], capture_output=True, text=True, check=True
    ).stdout


def lines_without_figures(text: str, name: str, k: int = 5) -> bool:
    """Every line naming a small group shows no figure about its answers, only "fewer than k".

    The one number allowed is 0: invitations sent to the group (none in these waves), which
    says nothing about who answered.
    """
    lines = [line for line in text.splitlines() if name in line]
    for line in lines:
        line = line.replace(f"fewer than {k} people", "").replace(f"fewer than {k}", "")
        line = re.sub(r"\bO-\d+\b", "", line)  # outcome codes in the list of hidden figures
        for token in line.replace(name, "").split():
            if any(ch.isdigit() for ch in token) and token != "0":
                return False
    return True
