"""Answers are stored by item whatever the language: the analysis of a wave answered in three
languages equals the same answers given in one."""

import pandas as pd
import pytest
from django.test import Client
from django.urls import reverse

from poet.analysis.comparison import compare_outcomes
from poet.models import Wave
from reports.selectors.frames import load_wave
from surveys.models import Invitation, Response
from surveys.services.questionnaire_versions import copy_questionnaire, freeze
from surveys.services.translations import import_po, set_languages
from tests.factories import WaveFactory
from tests.surveys.test_answering_support import (
    SECTION_2,
    SECTION_3,
    build_survey,
    link_for,
)
from tests.surveys.test_translations import translated_file

pytestmark = pytest.mark.django_db

TRUST = ["5", "4", "4", "2", "dk", "3"]
HOME = ["5", "4", "3", "5", "4", "dk"]


def answer(wave: Wave, invitation: Invitation, n: int, language: str) -> None:
    """Respondent n answers every section through the pages, in `language`."""
    person = Invitation.objects.create(
        wave=wave,
        organisation=invitation.organisation,
        staff_group=invitation.staff_group,
        email=f"person{n}@example.org",
    )
    client = Client()
    client.get(reverse("respond:start", kwargs={"token": link_for(person)}) + f"?lang={language}")
    html_lang = "en-GB" if language == "en-gb" else language
    assert f'<html lang="{html_lang}"' in client.get("/s/").content.decode()
    pages = [
        {"P-TRUST-1": TRUST[n], "P-COMMS-1": str(1 + n % 5), "action": "continue"},
        SECTION_2
        | {"O-HOME.importance": HOME[n], "TOP3": ["O-HOME", "O-CARER", "O-SAFE"][: 1 + n % 3]},
        SECTION_3 | {"YEARS": str(3 * n), "SETTING": ["home", "office"][n % 2]},
    ]
    for number, data in enumerate(pages, start=1):
        assert client.post(f"/s/section/{number}/", data).status_code == 302
    assert client.post("/s/review/").status_code == 302


def without_ids(frame: pd.DataFrame) -> pd.DataFrame:
    frame = frame.drop(columns=[c for c in frame.columns if c == "respondent"])
    columns = list(frame.columns)
    return frame.astype(str).sort_values(columns).reset_index(drop=True)


def test_three_languages_give_the_same_analysis_as_one():
    invitation, _ = build_survey()
    many = invitation.wave
    set_languages(many, ["cy", "ur"])
    import_po(many, "cy", translated_file(many, "cy"))
    import_po(many, "ur", translated_file(many, "ur"))
    one = WaveFactory(partnership=many.partnership, status=Wave.Status.OPEN)
    freeze(copy_questionnaire(many.questionnaires.get(), wave=one))
    languages = ["en-gb", "cy", "ur", "ur", "cy", "en-gb"]
    for n, language in enumerate(languages):
        answer(many, invitation, n, language)
        answer(one, invitation, n, "en-gb")
    assert sorted(Response.objects.filter(wave=many).values_list("language", flat=True)) == sorted(
        languages
    )
    assert set(Response.objects.filter(wave=one).values_list("language", flat=True)) == {"en-gb"}

    a, b = load_wave(many), load_wave(one)
    assert len(a.outcome_answers) == 12
    for frame in ("outcome_answers", "process_answers", "top_picks"):
        pd.testing.assert_frame_equal(
            without_ids(getattr(a, frame)), without_ids(getattr(b, frame)), obj=frame
        )
    assert a.items_per_domain == b.items_per_domain
    figures_a = compare_outcomes(a.outcome_answers, k=2, resamples=200, seed=1)
    figures_b = compare_outcomes(b.outcome_answers, k=2, resamples=200, seed=1)
    pd.testing.assert_frame_equal(figures_a, figures_b)
