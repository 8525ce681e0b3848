"""A participant has one response: a second entry (assisted, by link, by import) corrects it,
the correction is audited by question and never by value, and no count of people can exceed
those registered (issue 15, item 2)."""

import importlib
import re
from html import unescape

import pytest
from django.apps import apps
from django.db import IntegrityError, connection, transaction
from django.urls import reverse
from django.utils import timezone
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from outcomes.models import FollowUpSchedule, FollowUpSession, ParticipantLink, ParticipantResponse
from outcomes.selectors.schedule import progress
from outcomes.services.capture import enter_answers, link_self_completed
from poet.models import Audience, AuditEvent
from surveys.models import Answer, Draft, Response
from surveys.services.answering import store_response
from tests.factories import PASSWORD
from tests.outcomes.test_participants_support import build_follow_up, consented

pytestmark = pytest.mark.django_db


@pytest.fixture
def follow_up(client):
    follow_up = build_follow_up()
    assert client.login(username=follow_up.evaluator.username, password=PASSWORD)
    return follow_up


def _answers_of(person) -> dict:
    link = ParticipantResponse.objects.get(participant=person)
    return {
        a.item.code: (a.number, a.text, a.dont_know)
        for a in Answer.objects.filter(response=link.response).select_related("item")
    }


def _enter(client, follow_up, person, **answers):
    page = client.get(follow_up.url("assisted_entry", code=person.code)).content.decode()
    based_on = re.search(r'name="based_on" value="(\d*)"', page).group(1)
    data = {"entry_wording": "standard", "entry_session": "", "based_on": based_on}
    data.update({k.replace("__", "."): v for k, v in answers.items()})
    return client.post(follow_up.url("assisted_entry", code=person.code), data)


def test_a_second_assisted_entry_opens_the_first_filled_in_and_corrects_it(client, follow_up):
    person = consented(follow_up)
    first = _enter(client, follow_up, person, **{"O-HOME.importance": "5", "MISSING": "My dog"})
    assert first.status_code == 302
    original = ParticipantResponse.objects.get(participant=person).response_id

    again = unescape(client.get(follow_up.url("assisted_entry", code=person.code)).content.decode())
    assert "Correct answers of P-001" in again
    assert "already has answers" in again
    assert re.search(r'value="5"[^>]*checked', again), "their answer is filled in"
    assert "My dog" in again

    corrected = _enter(client, follow_up, person, **{"O-HOME.importance": "3", "MISSING": "My dog"})
    assert corrected.status_code == 302
    assert ParticipantResponse.objects.filter(participant=person).count() == 1
    assert Response.objects.count() == 1, "the first response is replaced, not kept beside"
    assert not Response.objects.filter(pk=original).exists()
    assert _answers_of(person)["O-HOME.importance"][0] == 3
    assert _answers_of(person)["MISSING"][1] == "My dog"
    event = AuditEvent.objects.get(action="participant.answers_corrected")
    assert event.target == "P-001" and event.actor == follow_up.evaluator
    assert event.detail["questions_changed"] == ["O-HOME.importance"]
    assert event.detail["how"] == "assisted"
    assert "My dog" not in str(event.detail) and "3" not in str(event.detail["questions_changed"])
    page = client.get(corrected["Location"]).content.decode()
    assert "are corrected" in page
    assert "last corrected on" in page


def test_a_blank_form_opened_before_someone_else_entered_stores_nothing(client, follow_up):
    person = consented(follow_up)
    stale = client.get(follow_up.url("assisted_entry", code=person.code)).content.decode()
    assert 'name="based_on" value=""' in stale
    enter_answers(
        person, follow_up.questionnaire, {"O-HOME.importance": 4}, actor=follow_up.evaluator
    )
    response = client.post(
        follow_up.url("assisted_entry", code=person.code),
        {"entry_wording": "standard", "based_on": "", "O-HOME.importance": "1"},
    )
    html = unescape(response.content.decode())
    assert response.status_code == 200
    assert "were entered by someone else while you were entering them" in html
    assert _answers_of(person)["O-HOME.importance"][0] == 4, "the newer answers are kept"
    assert re.search(r'value="4"[^>]*checked', html), "the form now shows what is stored"
    assert ParticipantResponse.objects.count() == 1


def test_the_participant_page_shows_what_was_entered(client, follow_up):
    person = consented(follow_up, Audience.CARER)
    _enter(client, follow_up, person, **{"O-HOME.importance": "5", "O-HOME.achievement": "dk"})
    html = unescape(client.get(follow_up.url("participant", code=person.code)).content.decode())
    answers = html[html.index("data-answers>") :]
    assert "I can stay living in my own home" in answers
    assert "How important is this to you?" in answers
    assert "Don" in answers and "Not answered" in answers
    assert "Correct answers" in html


def test_a_link_after_assisted_entry_opens_their_answers_and_sending_replaces_them(
    client, follow_up
):
    person = consented(follow_up)
    enter_answers(
        person,
        follow_up.questionnaire,
        {"O-HOME.importance": 2, "MISSING": "Buses"},
        session=follow_up.session,
        actor=follow_up.evaluator,
    )
    page = client.post(follow_up.url("participant_link", code=person.code)).content.decode()
    token = re.search(r"/s/p/([A-Za-z0-9_-]+)/", page).group(1)
    client.logout()
    client.get(f"/s/p/{token}/")
    draft = Draft.objects.get()
    assert draft.answers == {"O-HOME.importance": 2, "MISSING": "Buses"}
    review = unescape(client.get(reverse("respond:review")).content.decode())
    assert "Buses" in review
    client.post(reverse("respond:section", kwargs={"number": 1}), {"O-HOME.importance": "4"})
    done = client.post(reverse("respond:review"))
    assert done["Location"] == reverse("respond:thanks")

    link = ParticipantResponse.objects.get(participant=person)
    assert Response.objects.count() == 1
    assert _answers_of(person)["O-HOME.importance"][0] == 4
    assert _answers_of(person)["MISSING"][1] == "Buses"
    assert link.capture == ParticipantResponse.Capture.ASSISTED, "how it was first collected"
    assert link.session == follow_up.session
    event = AuditEvent.objects.get(action="participant.answers_corrected")
    assert event.actor is None and event.detail["how"] == "self"
    assert event.detail["questions_changed"] == ["O-HOME.importance"]


def test_the_database_refuses_a_second_response_for_a_participant(follow_up):
    person = consented(follow_up)
    enter_answers(person, follow_up.questionnaire, {"O-HOME.importance": 4})
    extra = store_response(follow_up.questionnaire, {}, audience=person.audience)
    with pytest.raises(IntegrityError), transaction.atomic():
        ParticipantResponse.objects.create(participant=person, response=extra, capture="assisted")


def test_the_migration_merges_people_entered_twice_keeping_the_latest_and_its_gaps_filled(
    follow_up,
):
    merge = importlib.import_module(
        "outcomes.migrations.0004_merge_participants_entered_twice"
    ).merge_duplicates
    constraint = next(
        c for c in ParticipantResponse._meta.constraints if c.name == "participant_has_one_response"
    )
    with connection.schema_editor() as editor:  # as before the rule: duplicates possible
        editor.remove_constraint(ParticipantResponse, constraint)
    person, other = consented(follow_up), consented(follow_up, Audience.CARER)
    q = follow_up.questionnaire
    responses = []
    for answers, session in (
        ({"O-HOME.importance": 5, "MISSING": "Garden"}, follow_up.session),
        ({}, None),  # the blank second entry of the issue
        ({"O-HOME.importance": 2}, None),
    ):
        response = store_response(q, answers, audience=person.audience)
        ParticipantResponse.objects.create(
            participant=person, response=response, session=session, capture="assisted"
        )
        responses.append(response)
    single = store_response(q, {"O-HOME.importance": 1}, audience=other.audience)
    ParticipantResponse.objects.create(participant=other, response=single, capture="assisted")

    merge(apps, None)

    kept = ParticipantResponse.objects.get(participant=person)
    assert kept.response_id == responses[-1].pk, "the latest is kept"
    assert _answers_of(person)["O-HOME.importance"][0] == 2, "the latest answer wins"
    assert _answers_of(person)["MISSING"][1] == "Garden", "a gap takes the earlier answer"
    assert kept.session == follow_up.session
    assert not Response.objects.filter(pk__in=[r.pk for r in responses[:2]]).exists()
    assert ParticipantResponse.objects.get(participant=other).response == single
    event = AuditEvent.objects.get(action="participant.duplicates_merged")
    assert event.target == person.code and event.detail["responses_merged"] == 3
    assert "Garden" not in str(event.detail)


@settings(
    max_examples=25,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(
    people=st.lists(
        st.sampled_from([Audience.SERVICE_USER, Audience.CARER]), min_size=1, max_size=6
    ),
    entries=st.lists(
        st.tuples(
            st.integers(0, 5),  # who (modulo the people registered)
            st.sampled_from(["assisted", "self"]),
            st.integers(0, 2),  # session: none, the interview, or the focus group
            st.one_of(st.none(), st.integers(1, 5)),
        ),
        max_size=15,
    ),
)
def test_counts_never_exceed_those_registered_on_random_entries(people, entries):
    """However often and however people's answers are entered, each audience's and each
    method's completed count is at most the number registered (and not withdrawn)."""
    with transaction.atomic():
        follow_up = build_follow_up()
        group = FollowUpSession.objects.create(
            schedule=follow_up.schedule, method=FollowUpSchedule.Method.FOCUS_GROUP
        )
        sessions = [None, follow_up.session, group]
        registered = [consented(follow_up, audience) for audience in people]
        for who, how, session, value in entries:
            person = registered[who % len(registered)]
            answers = {"O-HOME.importance": value} if value else {}
            if how == "assisted":
                enter_answers(person, follow_up.questionnaire, answers, session=sessions[session])
            else:
                response = store_response(
                    follow_up.questionnaire,
                    answers,
                    audience=person.audience,
                    user_group_id=person.user_group_id,
                )
                link_self_completed(response, {"participant": person.pk})
        shown = progress(follow_up.schedule)
        for audience in (Audience.SERVICE_USER, Audience.CARER):
            count = people.count(audience)
            assert shown.total.completed.get(audience, 0) <= count
            for row in shown.by_method + shown.by_user_group:
                assert row.completed.get(audience, 0) <= count
        # A response counts once it holds an answer (surveys.selectors.respondents); each entry
        # replaces the person's answers, so their last entry decides.
        last = {who % len(registered): value for who, _how, _session, value in entries}
        assert shown.total.completed_total == sum(1 for value in last.values() if value)
        transaction.set_rollback(True)


def test_a_participant_corrected_twice_is_counted_once(follow_up):
    person = consented(follow_up)
    enter_answers(person, follow_up.questionnaire, {"O-HOME.importance": 4})
    enter_answers(person, follow_up.questionnaire, {"O-HOME.importance": 3})
    assert progress(follow_up.schedule).total.completed_total == 1
    assert not ParticipantLink.objects.exists()
    assert Response.objects.filter(submitted_on=timezone.localdate()).count() == 1
