"""The editing services behind the design pages: versions, order, outcomes, closing dates."""

import datetime

import pytest
from django.utils import timezone

from poet.models import AuditEvent, OutcomeStatement, Wave
from surveys.errors import SurveyError
from surveys.models import Item, Section
from surveys.selectors import design as read
from surveys.selectors.opening import is_accepting_answers
from surveys.selectors.questionnaire_versions import latest_questionnaire, live_questionnaire
from surveys.services import design
from surveys.services.design import create_staff_questionnaire
from surveys.services.opening import close_wave, open_wave
from tests.factories import QuestionnaireFactory, SectionFactory, WaveFactory

pytestmark = pytest.mark.django_db


def library(*codes):
    return [OutcomeStatement.objects.get(partnership=None, code=c) for c in codes]


@pytest.fixture
def wave():
    w = WaveFactory()
    create_staff_questionnaire(w, library("O-HOME", "O-STORY"))
    return w


def titles(questionnaire):
    return [s.title for s in questionnaire.sections.order_by("order")]


def test_every_change_to_an_open_wave_goes_into_one_new_draft(wave):
    open_wave(wave)
    v1 = latest_questionnaire(wave)
    design.update_texts(wave, title="New title", introduction="Why", privacy_notice="Private")
    design.add_section(wave, title="Extra")
    design.add_item(wave, 7, code="X1", kind=Item.Kind.TEXT, text="Anything else?")
    design.set_outcomes(wave, library("O-HOME", "O-CARER"))
    v2 = latest_questionnaire(wave)
    assert v2.version == 2 and wave.questionnaires.count() == 2
    v1.refresh_from_db()
    assert v1.title != "New title" and v1.sections.count() == 6
    assert not Item.objects.filter(section__questionnaire=v1, code="X1").exists()
    assert live_questionnaire(wave) == v1
    wave.refresh_from_db()
    assert read.has_unpublished_changes(wave)


def test_closed_wave_cannot_change(wave):
    open_wave(wave)
    close_wave(wave)
    with pytest.raises(SurveyError, match="closed"):
        design.move_section(wave, 1, 1)
    assert wave.questionnaires.count() == 1


def test_sections_move_and_renumber(wave):
    q = latest_questionnaire(wave)
    before = titles(q)
    design.move_section(wave, 6, 1)  # the last cannot go further down
    assert titles(q) == before
    design.move_section(wave, 6, -1)
    assert titles(q) == [*before[:4], before[5], before[4]]
    design.remove_section(wave, 1)
    assert [s.order for s in q.sections.order_by("order")] == list(range(5))
    with pytest.raises(SurveyError, match="no longer in the questionnaire"):
        design.move_section(wave, 9, 1)


def test_add_item_rules(wave):
    with pytest.raises(SurveyError, match="at least two options"):
        design.add_item(wave, 1, code="C1", kind=Item.Kind.SINGLE, text="Pick", choices="One")
    with pytest.raises(SurveyError, match="already has the code"):
        design.add_item(wave, 1, code="p-trust-1", kind=Item.Kind.TEXT, text="Dup")
    with pytest.raises(SurveyError, match="scale"):
        design.add_item(wave, 1, code="L1", kind=Item.Kind.LIKERT, text="Agree?")
    with pytest.raises(SurveyError, match="smallest number"):
        design.add_item(
            wave, 1, code="N1", kind=Item.Kind.NUMBER, text="How many?", min_value=3, max_value=1
        )
    item = design.add_item(
        wave, 1, code="R1", kind=Item.Kind.RANKING, text="Rank", choices=["A", " B ", ""]
    )
    assert item.choices == [{"value": "A", "label": "A"}, {"value": "B", "label": "B"}]
    assert item.allow_dont_know is False and item.scale == ""
    assert AuditEvent.objects.filter(action="questionnaire.item_added").count() == 1


def test_outcomes_can_be_added_when_there_is_no_outcome_section_left():
    wave = WaveFactory()
    section = SectionFactory(questionnaire=QuestionnaireFactory(wave=wave), kind="other")
    Item.objects.create(section=section, code="Q", kind=Item.Kind.TEXT, text="Anything?")
    design.set_outcomes(wave, library("O-SAFE"))
    q = latest_questionnaire(wave)
    holder = q.sections.get(kind=Section.Kind.OUTCOMES)
    assert [i.code for i in holder.items.order_by("order")] == [
        "O-SAFE.importance",
        "O-SAFE.achievement",
    ]


def test_outcomes_from_another_partnership_are_refused(wave):
    foreign = OutcomeStatement.objects.create(
        partnership=WaveFactory().partnership, code="O-X", text="Elsewhere."
    )
    with pytest.raises(SurveyError, match="library or this partnership"):
        design.set_outcomes(wave, [foreign])
    assert read.chosen_outcomes(latest_questionnaire(wave)) == library("O-HOME", "O-STORY")


def test_closing_date_rules_and_enforcement(wave):
    today = timezone.localdate()
    with pytest.raises(SurveyError, match="today or in the future"):
        design.set_closing_date(wave, today - datetime.timedelta(days=1))
    Wave.objects.filter(pk=wave.pk).update(opens_on=today + datetime.timedelta(days=10))
    with pytest.raises(SurveyError, match="on or after the opening date"):
        design.set_closing_date(wave, today + datetime.timedelta(days=5))
    Wave.objects.filter(pk=wave.pk).update(opens_on=None)
    design.set_closing_date(wave, today)
    open_wave(wave)
    wave.refresh_from_db()
    assert wave.closes_on == today and is_accepting_answers(wave)
    Wave.objects.filter(pk=wave.pk).update(closes_on=today - datetime.timedelta(days=1))
    wave.refresh_from_db()
    assert not is_accepting_answers(wave)
    event = AuditEvent.objects.filter(action="wave.closing_date_set").first()
    assert event.detail["new"] == today.isoformat()
