"""The users/carers questionnaire generated from the follow-up shortlist."""

import pytest

from outcomes.models import ChosenOutcome, FollowUpSchedule
from outcomes.selectors.follow_up_questionnaire import is_up_to_date
from outcomes.services.follow_up_questionnaire import create_follow_up_questionnaire
from outcomes.services.schedule import (
    add_chosen_outcome,
    close_schedule,
    create_schedule,
    open_schedule,
    remove_chosen_outcome,
)
from poet.models import OutcomeStatement
from surveys.errors import SurveyError
from surveys.models import Item, Questionnaire
from surveys.selectors.questionnaire_versions import latest_questionnaire, live_questionnaire
from surveys.services.design import create_staff_questionnaire
from tests.factories import ResponseFactory, WaveFactory

pytestmark = pytest.mark.django_db

CODES = ["O-HOME", "O-STORY", "O-CARER", "O-CONTROL", "O-SAFE"]


def library(*codes):
    return [OutcomeStatement.objects.get(partnership=None, code=c) for c in codes]


@pytest.fixture
def schedule():
    wave = WaveFactory()
    create_staff_questionnaire(wave, library(*CODES))
    s = create_schedule(wave)
    for outcome in library(*CODES):
        add_chosen_outcome(s, outcome, reason=ChosenOutcome.Reason.MOST_ENDORSED)
    return s


def items(questionnaire):
    return list(
        Item.objects.filter(section__questionnaire=questionnaire).order_by(
            "section__order", "order"
        )
    )


def test_outcome_items_use_exactly_the_staff_codes_and_scales(schedule):
    follow_up = create_follow_up_questionnaire(schedule)
    staff = latest_questionnaire(schedule.wave)
    staff_items = {
        i.code: i for i in Item.objects.filter(section__questionnaire=staff, outcome__isnull=False)
    }
    users_items = {i.code: i for i in items(follow_up) if i.outcome_id}
    assert set(users_items) == set(staff_items)
    for code, item in users_items.items():
        assert item.scale == staff_items[code].scale
        assert item.measure == staff_items[code].measure
        assert item.outcome_id == staff_items[code].outcome_id
        assert item.kind == Item.Kind.LIKERT
    assert follow_up.audience == Questionnaire.For.FOLLOW_UP
    assert follow_up.version == 1


def test_wording_and_easy_read(schedule):
    follow_up = create_follow_up_questionnaire(schedule)
    by_code = {i.code: i for i in items(follow_up)}
    importance = by_code["O-HOME.importance"]
    assert importance.text == "How important is this to you?"
    assert importance.easy_read_text == "Is this important to you?"
    assert importance.scale == Item.Scale.IMPORTANCE
    assert importance.measure == Item.Measure.IMPORTANCE
    achievement = by_code["O-HOME.achievement"]
    assert achievement.text == "How far has the service achieved this for you?"
    assert achievement.scale == Item.Scale.ACHIEVEMENT
    assert all(i.easy_read_text for i in by_code.values())
    assert "Easy read:" in follow_up.introduction
    assert "Easy read:" in follow_up.privacy_notice
    proposed = by_code["PROPOSED_OUTCOMES"]
    assert proposed.kind == Item.Kind.TEXT
    assert proposed.text == "What matters to you that we have not asked about?"


def test_top3_offers_the_chosen_outcomes(schedule):
    follow_up = create_follow_up_questionnaire(schedule)
    top3 = Item.objects.get(section__questionnaire=follow_up, code="TOP3")
    assert top3.kind == Item.Kind.MULTIPLE
    assert top3.max_choices == 3
    assert top3.text == "Which of these matter most to you?"
    assert [c["value"] for c in top3.choices] == CODES
    home = OutcomeStatement.objects.get(partnership=None, code="O-HOME")
    assert top3.choices[0]["label"] == home.text


def test_pages_stay_short(schedule):
    follow_up = create_follow_up_questionnaire(schedule)
    sections = list(follow_up.sections.order_by("order"))
    # five outcomes, two per page, then the last page of TOP3 and free text
    assert len(sections) == 4
    for section in sections[:-1]:
        assert section.items.count() <= 6
    assert [i.code for i in sections[-1].items.order_by("order")] == ["TOP3", "PROPOSED_OUTCOMES"]


def test_draft_is_rebuilt_in_place(schedule):
    first = create_follow_up_questionnaire(schedule)
    remove_chosen_outcome(schedule.chosen_outcomes.get(outcome__code="O-SAFE"))
    again = create_follow_up_questionnaire(schedule)
    assert again.version == 1
    assert not Questionnaire.objects.filter(pk=first.pk).exists()
    assert "O-SAFE.importance" not in [i.code for i in items(again)]


def test_opening_freezes_and_a_changed_shortlist_makes_a_new_version(schedule):
    schedule.methods = [FollowUpSchedule.Method.QUESTIONNAIRE]
    schedule.save()
    v1 = open_schedule(schedule)
    assert v1.is_frozen and v1.version == 1
    answered = ResponseFactory(
        wave=schedule.wave, questionnaire=v1, audience="carer", organisation=None, staff_group=None
    )

    remove_chosen_outcome(schedule.chosen_outcomes.get(outcome__code="O-SAFE"))
    assert not is_up_to_date(schedule)
    v2 = create_follow_up_questionnaire(schedule)
    assert v2.version == 2
    assert v2.is_frozen  # the follow-up is open: new respondents get it at once
    assert live_questionnaire(schedule.wave, Questionnaire.For.FOLLOW_UP) == v2
    v1.refresh_from_db()
    assert "O-SAFE.importance" in [i.code for i in items(v1)]
    answered.refresh_from_db()
    assert answered.questionnaire_id == v1.pk


def test_opening_again_uses_an_up_to_date_version(schedule):
    draft = create_follow_up_questionnaire(schedule)
    opened = open_schedule(schedule)
    assert opened.pk == draft.pk and opened.is_frozen


def test_no_outcomes_or_closed_refuses(schedule):
    empty = create_schedule(WaveFactory())
    with pytest.raises(SurveyError, match="Choose at least one outcome"):
        create_follow_up_questionnaire(empty)
    open_schedule(schedule)
    close_schedule(schedule)
    with pytest.raises(SurveyError, match="closed"):
        create_follow_up_questionnaire(schedule)
