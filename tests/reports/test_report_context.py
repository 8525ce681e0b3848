"""The context tools appear in the formative report, on screen and in its PDF (issue 9)."""

import io
import subprocess

import pytest

from poet.models import Organisation, UserGroup
from reports.content.formative import build_formative
from reports.exporters import get_exporter
from surveys.services import context as context_services
from tests.conftest import require
from tests.reports.test_report_content import seeded

pytestmark = pytest.mark.django_db


def test_formative_report_and_pdf_hold_the_three_context_tools():
    built = seeded()
    wave = built.wave
    older = UserGroup.objects.create(partnership=wave.partnership, name="Older people at home")
    council, hospital = (
        Organisation.objects.create(partnership=wave.partnership, name=name)
        for name in ("Riverside Council", "Riverside Hospital")
    )
    leads = [
        context_services.create_lead(wave, name=name, organisation=organisation)[0]
        for name, organisation in (("Cleo", council), ("Hal", hospital))
    ]
    context_services.save_integration(leads[0], {older.pk: (1, 3)})
    context_services.save_integration(leads[1], {older.pk: (2, 3)})

    report = build_formative(wave)
    keys = [s.key for s in report.sections]
    assert {"context_integration", "context_relationships", "context_importance"} <= set(keys)
    integration = next(s for s in report.sections if s.key == "context_integration")
    assert integration.blocks[0].table.rows[0][0] == "Older people at home"

    require(
        subprocess.run(["which", "pdftotext"], capture_output=True).returncode == 0,
        "pdftotext (poppler-utils) is needed to read the PDF",
    )
    pdf = io.BytesIO()
    get_exporter("pdf").render(report, pdf)
    text = subprocess.run(
        ["pdftotext", "-", "-"], input=pdf.getvalue(), capture_output=True, check=True
    ).stdout.decode()
    assert integration.title in text
    assert "Older people at home" in text
