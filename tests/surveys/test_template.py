"""The ready staff template and the built-in outcome library."""

from collections import Counter

import pytest

from poet.library import DEFAULT_OUTCOME_CODES, OUTCOME_LIBRARY
from poet.models import OutcomeStatement
from surveys.errors import SurveyError
from surveys.models import Item, Questionnaire, Section
from surveys.questionnaire_template import PROCESS_DOMAINS
from surveys.services.design import create_staff_questionnaire
from surveys.services.opening import check_can_open
from tests.factories import OutcomeStatementFactory, WaveFactory

pytestmark = pytest.mark.django_db

DOMAINS = {
    "D-PURPOSE",
    "D-CULTURE",
    "D-TRUST",
    "D-COMMS",
    "D-LEAD",
    "D-RESOURCES",
    "D-COMMUNITY",
    "D-EVALUATION",
}


def library(*codes):
    return [OutcomeStatement.objects.get(partnership=None, code=c) for c in codes]


def items_of(questionnaire):
    return list(
        Item.objects.filter(section__questionnaire=questionnaire).order_by(
            "section__order", "order"
        )
    )


# --- the library -----------------------------------------------------------------------------


def test_library_is_loaded_by_the_migration_with_unique_codes():
    statements = OutcomeStatement.objects.filter(partnership=None)
    assert 18 <= statements.count() <= 25
    assert statements.count() == len(OUTCOME_LIBRARY)
    codes = [s.code for s in statements]
    assert len(codes) == len(set(codes))
    assert all(s.source == OutcomeStatement.Source.LIBRARY for s in statements)
    assert {"O-HOME", "O-STORY", "O-CARER"} <= set(codes)


def test_library_statements_are_first_person_with_easy_read_versions():
    for s in OutcomeStatement.objects.filter(partnership=None):
        assert s.code.startswith("O-") and s.code.upper() == s.code
        assert s.text.split()[0] in {"I", "My", "When"}, s.text
        assert s.easy_read_text, s.code
        # Easy read: short sentences.
        sentences = [x for x in s.easy_read_text.split(".") if x.strip()]
        assert all(len(x.split()) <= 10 for x in sentences), s.easy_read_text
        assert "not " not in s.text.replace("do not feel lonely", ""), s.text


def test_default_outcomes_are_in_the_library():
    assert set(DEFAULT_OUTCOME_CODES) <= {o.code for o in OUTCOME_LIBRARY}
    assert 5 <= len(DEFAULT_OUTCOME_CODES) <= 10


# --- the template ----------------------------------------------------------------------------


def test_template_covers_the_eight_domains_with_three_or_four_items_each():
    wave = WaveFactory()
    questionnaire = create_staff_questionnaire(wave, library("O-HOME", "O-STORY"))
    process = [i for i in items_of(questionnaire) if i.section.kind == Section.Kind.PROCESS]
    per_domain = Counter(i.domain for i in process)
    assert set(per_domain) == DOMAINS
    assert all(3 <= n <= 4 for n in per_domain.values()), per_domain
    assert {d.code for d in PROCESS_DOMAINS} == DOMAINS
    for item in process:
        assert item.kind == Item.Kind.LIKERT
        assert item.scale == Item.Scale.AGREEMENT
        assert item.allow_dont_know
        assert item.code.startswith("P-" + item.domain.removeprefix("D-") + "-")
    # One page per two domains keeps pages short.
    pages = questionnaire.sections.filter(kind=Section.Kind.PROCESS)
    assert pages.count() == 4
    assert all(3 * 2 <= p.items.count() <= 4 * 2 for p in pages)


def test_version_one_has_purpose_and_privacy_notice():
    wave = WaveFactory()
    questionnaire = create_staff_questionnaire(wave, library("O-HOME"))
    assert questionnaire.version == 1
    assert questionnaire.audience == Questionnaire.For.STAFF
    assert not questionnaire.is_frozen
    assert questionnaire.title
    assert "anonymous" in questionnaire.privacy_notice
    assert "invitation" in questionnaire.privacy_notice
    assert "cannot be linked" in questionnaire.privacy_notice
    assert "smaller groups are hidden" in questionnaire.privacy_notice
    assert questionnaire.introduction


def test_each_outcome_has_two_matched_measures():
    outcomes = library(*DEFAULT_OUTCOME_CODES)
    questionnaire = create_staff_questionnaire(WaveFactory(), outcomes)
    measured = [i for i in items_of(questionnaire) if i.outcome_id]
    assert len(measured) == 2 * len(outcomes)
    for outcome in outcomes:
        pair = {i.measure: i for i in measured if i.outcome_id == outcome.pk}
        assert set(pair) == {"importance", "achievement"}
        assert pair["importance"].code == f"{outcome.code}.importance"
        assert pair["importance"].scale == Item.Scale.IMPORTANCE
        assert pair["importance"].text == "How important is this?"
        assert pair["achievement"].code == f"{outcome.code}.achievement"
        assert pair["achievement"].scale == Item.Scale.ACHIEVEMENT
        assert "achieved" in pair["achievement"].text
        assert all(i.kind == Item.Kind.LIKERT and i.allow_dont_know for i in pair.values())
        assert all(i.section.kind == Section.Kind.OUTCOMES for i in pair.values())


def test_top3_lists_the_chosen_outcomes_and_free_text_follows():
    outcomes = library("O-HOME", "O-STORY", "O-CARER", "O-SAFE")
    questionnaire = create_staff_questionnaire(WaveFactory(), outcomes)
    items = items_of(questionnaire)
    top3 = next(i for i in items if i.code == "TOP3")
    assert top3.kind == Item.Kind.MULTIPLE
    assert top3.max_choices == 3
    assert top3.text == "Pick the three that matter most"
    assert [c["value"] for c in top3.choices] == [o.code for o in outcomes]
    assert [c["label"] for c in top3.choices] == [o.text for o in outcomes]
    proposed = next(i for i in items if i.code == "PROPOSED_OUTCOMES")
    assert proposed.kind == Item.Kind.TEXT
    assert proposed.text == "What else should this partnership achieve for people?"
    assert not proposed.required and not top3.required


def test_codes_are_unique_and_organisation_is_not_asked():
    questionnaire = create_staff_questionnaire(WaveFactory(), library(*DEFAULT_OUTCOME_CODES))
    items = items_of(questionnaire)
    codes = [i.code for i in items]
    assert len(codes) == len(set(codes))
    check_can_open(questionnaire)  # the rules of opening are met
    text = " ".join(i.text.lower() for i in items)
    assert "which organisation" not in text and "staff group" not in text
    assert not any(i.kind == Item.Kind.SINGLE for i in items)


def test_partnership_outcomes_can_be_chosen_too():
    wave = WaveFactory()
    own = OutcomeStatementFactory(
        partnership=wave.partnership, code="O-BUS", text="I can get the bus to town."
    )
    questionnaire = create_staff_questionnaire(wave, [*library("O-HOME"), own])
    assert Item.objects.filter(section__questionnaire=questionnaire, code="O-BUS.importance")


def test_template_refuses_a_second_questionnaire_and_no_outcomes():
    wave = WaveFactory()
    with pytest.raises(SurveyError, match="at least one outcome"):
        create_staff_questionnaire(wave, [])
    create_staff_questionnaire(wave, library("O-HOME"))
    with pytest.raises(SurveyError, match="already has"):
        create_staff_questionnaire(wave, library("O-HOME"))
    assert wave.questionnaires.count() == 1


def test_two_outcomes_with_one_code_are_refused():
    wave = WaveFactory()
    clash = OutcomeStatementFactory(partnership=wave.partnership, code="O-HOME")
    with pytest.raises(SurveyError, match="share the code O-HOME"):
        create_staff_questionnaire(wave, [*library("O-HOME"), clash])
    assert not wave.questionnaires.exists()
