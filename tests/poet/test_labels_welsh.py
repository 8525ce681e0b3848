"""Issue 17, item 1: the words of the models' choices and of the analysis in Welsh.

Choice labels (a wave's status, a role, a question's kind, a follow-up session's method …) reach
pages through `get_…_display` and `.label`; under the Welsh interface they come out in Welsh,
and in English otherwise. The same holds for what the analysis writes (why kappa is not
defined) and for why an outcome is suggested for the shortlist.
"""

import html
import re

import pytest
from django.urls import reverse
from django.utils import translation

from outcomes.models import (
    ChosenOutcome,
    FollowUpSchedule,
    FollowUpSession,
    OutcomeProposal,
    Participant,
    QualitativeSource,
)
from poet.analysis.agreement import ALL_CODED, NO_UNITS, NONE_CODED, agreement
from poet.models import (
    Audience,
    Job,
    Organisation,
    OutcomeIcon,
    OutcomeStatement,
    Role,
    Wave,
    WorkerHeartbeat,
)
from surveys.models import IntegrationLevel, Item, Questionnaire, Section
from tests.factories import WaveFactory, member, sign_in_with_code


@pytest.fixture(autouse=True)
def english_around_each_test():
    """Each test starts in English, and a Welsh request's language does not outlive it."""
    with translation.override("en-gb"):
        yield


# Every choices class whose labels people read, with one label's Welsh as a witness.
CHOICES = [
    (Wave.Status, Wave.Status.OPEN, "Ar agor"),
    (Audience, Audience.SERVICE_USER, "Defnyddiwr gwasanaeth"),
    (Role, Role.ADMINISTRATOR, "Gweinyddwr y bartneriaeth"),
    (OutcomeIcon, OutcomeIcon.HOME, "Tŷ"),
    (Organisation.Kind, Organisation.Kind.LOCAL_AUTHORITY, "Awdurdod lleol"),
    (OutcomeStatement.Source, OutcomeStatement.Source.LIBRARY, "Llyfrgell adeiledig"),
    (Job.Status, Job.Status.FAILED, "Wedi methu"),
    (WorkerHeartbeat.Role, WorkerHeartbeat.Role.WORKER, "Gweithiwr"),
    (Questionnaire.For, Questionnaire.For.FOLLOW_UP, "Defnyddwyr gwasanaeth a gofalwyr"),
    (Section.Kind, Section.Kind.PROCESS, "Cydweithio"),
    (Item.Kind, Item.Kind.LIKERT, "Graddfa o 1 i 5"),
    (Item.Scale, Item.Scale.AGREEMENT, "Anghytuno’n gryf … cytuno’n gryf"),
    (Item.Measure, Item.Measure.IMPORTANCE, None),
    (IntegrationLevel, IntegrationLevel.FULL, "Integreiddio llawn"),
    (FollowUpSchedule.Status, FollowUpSchedule.Status.OPEN, "Yn casglu atebion"),
    (FollowUpSchedule.Method, FollowUpSchedule.Method.FOCUS_GROUP, "Grŵp ffocws"),
    (ChosenOutcome.Reason, ChosenOutcome.Reason.CONTESTED, "Dadleuol ymhlith staff"),
    (FollowUpSession.Mode, FollowUpSession.Mode.VIDEO, "Galwad fideo"),
    (Participant.ConsentMethod, Participant.ConsentMethod.VERBAL, "Llafar"),
    (
        OutcomeProposal.Status,
        OutcomeProposal.Status.MERGED,
        "Wedi’i gyfuno â chanlyniad sy’n bodoli",
    ),
    (QualitativeSource.Kind, QualitativeSource.Kind.TRANSCRIPT, None),
]
# Words that Welsh writes the same as English.
SAME_IN_WELSH = {"Staff"}


def _names(choices) -> str:
    return f"{choices.__module__}.{choices.__qualname__}"


IDS = [_names(choices) for choices, _witness, _welsh in CHOICES]


@pytest.mark.parametrize(("choices", "witness", "welsh"), CHOICES, ids=IDS)
def test_every_choice_label_is_welsh_under_the_welsh_interface(choices, witness, welsh):
    english = {choice.value: str(choice.label) for choice in choices}
    with translation.override("cy"):
        in_welsh = {choice.value: str(choice.label) for choice in choices}
        displayed = {value: str(words) for value, words in choices.choices}
        if welsh is not None:
            assert str(witness.label) == welsh
    for value, words in english.items():
        if words not in SAME_IN_WELSH:
            assert in_welsh[value] != words, f"{_names(choices)}.{value} is still English"
        assert displayed[value] == in_welsh[value]


@pytest.mark.parametrize(("choices", "witness", "welsh"), CHOICES, ids=IDS)
def test_choice_labels_stay_english_without_the_welsh_interface(choices, witness, welsh):
    with translation.override("en-gb"):
        assert str(witness.label) not in {welsh}
    assert str(Wave.Status.OPEN.label) == "Open"
    assert str(Role.ADMINISTRATOR.label) == "Partnership administrator"
    assert str(Item.Kind.LIKERT.label) == "Scale of 1 to 5"
    assert str(FollowUpSchedule.Method.FOCUS_GROUP.label) == "Focus group"


def test_a_get_display_follows_the_language():
    wave = Wave(status=Wave.Status.CLOSED)
    assert wave.get_status_display() == "Closed"
    with translation.override("cy"):
        assert wave.get_status_display() == "Ar gau"


def _text(response) -> str:
    page = html.unescape(response.content.decode())
    return " ".join(re.sub(r"<[^>]+>", " ", page).split())


@pytest.fixture
def open_wave():
    return WaveFactory(name="Baseline 2026", slug="baseline", status=Wave.Status.OPEN)


def _wave_page(client, wave) -> str:
    sign_in_with_code(client, member(wave.partnership, Role.ADMINISTRATOR))
    url = reverse("wave", kwargs={"partnership": wave.partnership.slug, "wave": wave.slug})
    response = client.get(url)
    assert response.status_code == 200
    return _text(response)


@pytest.mark.django_db
def test_the_wave_page_shows_the_status_in_welsh(client, open_wave):
    client.cookies["django_language"] = "cy"
    page = _wave_page(client, open_wave)
    assert "Ar agor" in page
    assert " Open " not in f" {page} "


@pytest.mark.django_db
def test_the_wave_page_shows_the_status_in_english_without_the_cookie(client, open_wave):
    page = _wave_page(client, open_wave)
    assert "Open" in page
    assert "Ar agor" not in page


def test_why_kappa_is_not_defined_is_welsh_under_the_welsh_interface():
    with translation.override("cy"):
        assert agreement([], []).kappa_note == (
            "heb ei ddiffinio: nid oes unedau a godwyd gan y ddau godiwr"
        )
        assert agreement([True, True], [True, True]).kappa_note.startswith(
            "heb ei ddiffinio: codiodd y ddau godiwr bob uned"
        )
        assert agreement([False], [False]).kappa_note == (
            "heb ei ddiffinio: ni chododd yr un o’r ddau godiwr unrhyw uned i’r thema hon"
        )
        assert agreement([True, False], [True, False]).kappa_note == ""


def test_why_kappa_is_not_defined_stays_english_without_it():
    assert agreement([], []).kappa_note == NO_UNITS
    assert agreement([True], [True]).kappa_note == ALL_CODED
    assert agreement([False], [False]).kappa_note == NONE_CODED
    assert NO_UNITS == "not defined: there are no units both coders coded"


@pytest.mark.django_db
def test_why_an_outcome_is_suggested_is_welsh_under_the_welsh_interface():
    import io

    from django.core.management import call_command

    from outcomes.selectors import shortlist
    from tests.outcomes.test_shortlist_seed import seed_wave

    seeded = seed_wave(k=5)
    wave = seeded.wave
    call_command(
        "run_comparison",
        wave.partnership.slug,
        wave.slug,
        "--resamples",
        "10",
        stdout=io.StringIO(),
    )
    english = {s.outcome.code: s.why for s in shortlist.shortlist(wave).suggestions}
    with translation.override("cy"):
        welsh = {s.outcome.code: s.why for s in shortlist.shortlist(wave).suggestions}
    assert "100% of 12 staff rated it important or essential." in english["O-AGREE"]
    assert welsh["O-AGREE"] == (
        "Roedd 100% o 12 aelod o staff yn ei ystyried yn bwysig neu’n hanfodol."
    )


@pytest.mark.django_db
def test_the_json_api_keeps_its_labels_in_english_for_a_welsh_caller(client):
    from api.services.tokens import create_token

    wave = WaveFactory(status=Wave.Status.OPEN)
    raw = create_token(member(wave.partnership, Role.ADMINISTRATOR), name="script")[1]
    headers = {"Authorization": f"Bearer {raw}", "Accept-Language": "cy"}
    client.cookies["django_language"] = "cy"
    base = f"/api/v1/partnerships/{wave.partnership.slug}/"
    partnership = client.get(base, headers=headers)
    assert partnership.status_code == 200
    assert partnership.json()["role"] == "Partnership administrator"
    found = client.get(f"{base}waves/{wave.slug}/", headers=headers)
    assert found.status_code == 200
    assert found.json()["status_label"] == "Open"


@pytest.mark.django_db
def test_a_welsh_report_explains_the_levels_of_integration_in_welsh():
    from reports.content.context import integration_section, relationships_section
    from surveys.selectors import context as tools

    wave = WaveFactory()
    hint = tools.LEVEL_HINTS[IntegrationLevel.FULL]
    depth = tools.DEPTH[1]
    with translation.override("cy"):
        levels = str(integration_section(wave).paragraphs[0])
        relationships = str(relationships_section(wave).paragraphs[0])
        welsh_hint, welsh_depth = translation.gettext(hint), translation.gettext(depth)
    assert welsh_hint != hint and welsh_depth != depth
    assert "integreiddio llawn: " + welsh_hint in levels
    assert hint not in levels
    assert welsh_depth.lower() in relationships
    assert depth.lower() not in relationships
    english = str(integration_section(wave).paragraphs[0])
    assert "full integration: " + hint in english
