"""The follow-up schedule: life cycle, sessions, chosen outcomes, progress and permissions."""

import datetime

import pytest
from django.urls import reverse

from outcomes.models import (
    ChosenOutcome,
    FollowUpSchedule,
    Participant,
    ParticipantResponse,
)
from outcomes.selectors.schedule import choosable_outcomes, progress
from outcomes.services.schedule import (
    ScheduleError,
    add_chosen_outcome,
    close_schedule,
    create_schedule,
    open_schedule,
    save_session,
    set_methods,
)
from outcomes.signals import follow_up_closed
from poet.models import AuditEvent, OutcomeStatement, Role
from surveys.models import Questionnaire
from surveys.selectors.questionnaire_versions import latest_questionnaire
from surveys.services.design import create_staff_questionnaire
from tests.factories import (
    ResponseFactory,
    UserGroupFactory,
    WaveFactory,
    member,
    sign_in_with_code,
)

pytestmark = pytest.mark.django_db

Method = FollowUpSchedule.Method


def library(*codes):
    return [OutcomeStatement.objects.get(partnership=None, code=c) for c in codes]


def url(wave, name="schedule", **query):
    path = reverse(
        f"outcomes:{name}", kwargs={"partnership": wave.partnership.slug, "wave": wave.slug}
    )
    return path + ("?" + "&".join(f"{k}={v}" for k, v in query.items()) if query else "")


def messages_of(response):
    return [str(m) for m in response.context["messages"]] if response.context else []


@pytest.fixture
def wave():
    w = WaveFactory(name="Baseline 2026", slug="baseline")
    create_staff_questionnaire(w, library("O-HOME", "O-STORY", "O-CARER"))
    return w


@pytest.fixture
def evaluator(client, wave):
    user = member(wave.partnership, Role.EVALUATOR)
    client.force_login(user)
    return user


@pytest.fixture
def schedule(wave):
    s = create_schedule(wave)
    set_methods(s, [Method.QUESTIONNAIRE, Method.INTERVIEW, Method.FOCUS_GROUP])
    add_chosen_outcome(s, library("O-HOME")[0], reason=ChosenOutcome.Reason.MOST_ENDORSED)
    return s


def session_data(**overrides):
    data = {
        "method": Method.INTERVIEW,
        "date_0": "27",
        "date_1": "3",
        "date_2": "2027",
        "mode": "in_person",
        "facilitator": "Sam",
        "accessibility_needs": "Easy read",
        "planned_service_users": "4",
        "planned_carers": "2",
    }
    data.update(overrides)
    return data


# --- life cycle ------------------------------------------------------------------------------


def test_one_schedule_per_wave(wave):
    first = create_schedule(wave)
    assert create_schedule(wave) == first
    assert FollowUpSchedule.objects.filter(wave=wave).count() == 1
    assert first.status == FollowUpSchedule.Status.DRAFT


def test_open_then_close_sends_the_signal_once(schedule, django_capture_on_commit_callbacks):
    received = []

    def receiver(sender, schedule, **kwargs):
        received.append(schedule.pk)

    follow_up_closed.connect(receiver)
    try:
        open_schedule(schedule)
        assert schedule.status == FollowUpSchedule.Status.OPEN
        assert latest_questionnaire(schedule.wave, Questionnaire.For.FOLLOW_UP).is_frozen
        with django_capture_on_commit_callbacks(execute=True):
            assert close_schedule(schedule) is True
        with django_capture_on_commit_callbacks(execute=True):
            assert close_schedule(schedule) is False
    finally:
        follow_up_closed.disconnect(receiver)
    assert received == [schedule.pk]
    schedule.refresh_from_db()
    assert schedule.status == FollowUpSchedule.Status.CLOSED
    assert AuditEvent.objects.filter(action="follow_up.closed").count() == 1


def test_a_failing_receiver_does_not_undo_the_closing(schedule, django_capture_on_commit_callbacks):
    def broken(sender, schedule, **kwargs):
        raise RuntimeError("comparison broke")

    follow_up_closed.connect(broken)
    try:
        open_schedule(schedule)
        with django_capture_on_commit_callbacks(execute=True):
            close_schedule(schedule)
    finally:
        follow_up_closed.disconnect(broken)
    schedule.refresh_from_db()
    assert schedule.status == FollowUpSchedule.Status.CLOSED


def test_rules_of_the_life_cycle(wave):
    s = create_schedule(wave)
    with pytest.raises(ScheduleError, match="Choose at least one outcome"):
        open_schedule(s)
    with pytest.raises(ScheduleError, match="Only an open follow-up"):
        close_schedule(s)
    add_chosen_outcome(s, library("O-HOME")[0], reason=ChosenOutcome.Reason.CONTESTED)
    open_schedule(s)
    close_schedule(s)
    with pytest.raises(ScheduleError, match="closed"):
        open_schedule(s)
    with pytest.raises(ScheduleError, match="closed"):
        add_chosen_outcome(s, library("O-STORY")[0], reason=ChosenOutcome.Reason.OTHER)
    with pytest.raises(ScheduleError, match="closed"):
        set_methods(s, [Method.INTERVIEW])


def test_chosen_outcomes_rules(schedule, wave):
    with pytest.raises(ScheduleError, match="already chosen"):
        add_chosen_outcome(schedule, library("O-HOME")[0], reason=ChosenOutcome.Reason.OTHER)
    other = OutcomeStatement.objects.create(
        partnership=WaveFactory().partnership, code="O-THEIRS", text="Not ours"
    )
    with pytest.raises(ScheduleError, match="this partnership"):
        add_chosen_outcome(schedule, other, reason=ChosenOutcome.Reason.OTHER)


def test_a_method_with_sessions_cannot_be_dropped(schedule):
    save_session(schedule, {"method": Method.FOCUS_GROUP, "planned_service_users": 6})
    with pytest.raises(ScheduleError, match="focus group"):
        set_methods(schedule, [Method.QUESTIONNAIRE])


# --- pages -----------------------------------------------------------------------------------


def test_evaluator_creates_a_schedule(client, evaluator, wave):
    response = client.post(url(wave, "create_schedule"), follow=True)
    assert response.status_code == 200
    assert FollowUpSchedule.objects.filter(wave=wave).exists()
    assert "The follow-up schedule is created" in " ".join(messages_of(response))
    assert response.context["schedule"].methods == [Method.QUESTIONNAIRE]


def test_with_every_outcome_chosen_the_add_page_says_so(client, evaluator, schedule, wave):
    for outcome in choosable_outcomes(schedule):
        add_chosen_outcome(schedule, outcome, reason="most_endorsed")
    for response in (
        client.get(url(wave, "add_outcome")),
        client.post(url(wave, "add_outcome"), {}),
    ):
        html = response.content.decode()
        assert response.status_code == 200
        assert "already in the follow-up" in html
        assert "govuk-error-summary" not in html and "<title>Error: " not in html
        assert 'name="outcome"' not in html


def test_methods_page(client, evaluator, schedule, wave):
    response = client.post(url(wave, "methods"), {})
    assert response.status_code == 200
    assert response.context["form"].errors["methods"] == ["Choose at least one method."]
    assert "<title>Error: " in response.content.decode()
    response = client.post(url(wave, "methods"), {"methods": ["interview", "focus_group"]})
    assert response.status_code == 302
    schedule.refresh_from_db()
    assert schedule.methods == ["interview", "focus_group"]


def test_add_and_remove_a_chosen_outcome(client, evaluator, schedule, wave):
    page = client.get(url(wave, "add_outcome"))
    choices = [label for _, label in page.context["form"].fields["outcome"].choices]
    # the wave's staff outcomes not yet chosen come first
    assert choices[0].endswith("(O-STORY)") and choices[1].endswith("(O-CARER)")
    story = library("O-STORY")[0]
    response = client.post(
        url(wave, "add_outcome"),
        {"outcome": story.pk, "reason": "contested", "note": "Staff split on this"},
    )
    assert response.status_code == 302
    chosen = schedule.chosen_outcomes.get(outcome=story)
    assert chosen.reason == "contested" and chosen.note == "Staff split on this"

    response = client.post(url(wave, "add_outcome"), {"outcome": story.pk})
    errors = response.context["form"].errors
    assert "Choose why this outcome is in." in errors["reason"]
    assert "Choose an outcome from the list." in errors["outcome"]  # already chosen

    response = client.post(url(wave, "remove_outcome", chosen=chosen.pk))
    assert response.status_code == 302
    assert not schedule.chosen_outcomes.filter(outcome=story).exists()


def test_add_edit_and_remove_a_session(client, evaluator, schedule, wave):
    response = client.post(url(wave, "add_session"), session_data())
    assert response.status_code == 302
    session = schedule.sessions.get()
    assert session.date == datetime.date(2027, 3, 27)
    assert (session.planned_service_users, session.planned_carers) == (4, 2)
    assert session.facilitator == "Sam"

    page = client.get(url(wave, "edit_session", session=session.pk))
    assert page.context["form"].initial["facilitator"] == "Sam"
    response = client.post(
        url(wave, "edit_session", session=session.pk),
        session_data(method="focus_group", planned_carers="5", date_0="", date_1="", date_2=""),
    )
    assert response.status_code == 302
    session.refresh_from_db()
    assert session.method == "focus_group" and session.planned_carers == 5 and session.date is None

    overview = client.get(url(wave))
    assert "Focus group" in overview.content.decode()
    response = client.post(url(wave, "remove_session", session=session.pk))
    assert response.status_code == 302
    assert not schedule.sessions.exists()


@pytest.mark.parametrize(
    ("overrides", "field", "message"),
    [
        ({"date_0": "31", "date_1": "2"}, "date", "Enter a real date, for example 27 3 2027."),
        ({"date_0": "x"}, "date", "The date must be numbers only, for example 27 3 2027."),
        ({"date_1": ""}, "date", "Enter the day, month and year of the session."),
        ({"date_2": "27"}, "date", "Enter the year with four digits, for example 2027."),
        (
            {"planned_service_users": "-1"},
            "planned_service_users",
            "The number of service users planned cannot be negative.",
        ),
        (
            {"planned_carers": "two"},
            "planned_carers",
            "Enter the number of carers planned as a whole number, such as 4.",
        ),
        ({"method": ""}, "method", "Choose the method of this session."),
    ],
)
def test_session_validation(client, evaluator, schedule, wave, overrides, field, message):
    response = client.post(url(wave, "add_session"), session_data(**overrides))
    assert response.status_code == 200
    assert message in response.context["form"].errors[field]
    html = response.content.decode()
    assert "<title>Error: " in html
    assert 'value="Sam"' in html  # other answers are kept
    assert not schedule.sessions.exists()


def test_a_method_not_in_use_is_refused(client, evaluator, schedule, wave):
    set_methods(schedule, [Method.QUESTIONNAIRE])
    response = client.post(url(wave, "add_session"), session_data(method="interview"))
    assert response.context["form"].errors["method"] == [
        "Interview is not one of the methods in use: add it to the methods first, or choose "
        "another method."
    ]
    with pytest.raises(ScheduleError, match="not one of the methods in use"):
        save_session(schedule, {"method": Method.INTERVIEW})


def test_open_and_close_pages(
    client, evaluator, schedule, wave, django_capture_on_commit_callbacks
):
    received = []

    def receiver(sender, schedule, **kwargs):
        received.append(schedule.pk)

    follow_up_closed.connect(receiver)
    try:
        assert client.get(url(wave, "open_schedule")).status_code == 200
        response = client.post(url(wave, "open_schedule"), follow=True)
        assert "The follow-up is open" in " ".join(messages_of(response))
        with django_capture_on_commit_callbacks(execute=True):
            response = client.post(url(wave, "close_schedule"), follow=True)
        assert "The follow-up is closed" in " ".join(messages_of(response))
    finally:
        follow_up_closed.disconnect(receiver)
    assert received == [schedule.pk]
    # a closed schedule can no longer change
    response = client.post(url(wave, "add_session"), session_data(), follow=True)
    assert "The follow-up is closed" in " ".join(messages_of(response))
    assert not schedule.sessions.exists()


def test_open_page_explains_why_it_cannot_open(client, evaluator, wave):
    create_schedule(wave)
    response = client.post(url(wave, "open_schedule"))
    assert response.status_code == 200
    html = response.content.decode()
    assert "<title>Error: " in html
    assert "Choose at least one outcome before opening the follow-up." in html


# --- permissions -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "kwargs"),
    [
        ("create_schedule", {}),
        ("methods", {}),
        ("add_outcome", {}),
        ("add_session", {}),
        ("open_schedule", {}),
        ("close_schedule", {}),
        ("generate_questionnaire", {}),
    ],
)
def test_manager_may_read_but_not_change(client, schedule, wave, name, kwargs):
    client.force_login(member(wave.partnership, Role.MANAGER))
    assert client.get(url(wave)).status_code == 200
    assert client.post(url(wave, name, **kwargs), session_data()).status_code == 403
    session = save_session(schedule, {"method": Method.INTERVIEW})
    assert client.post(url(wave, "edit_session", session=session.pk)).status_code == 403
    assert client.post(url(wave, "remove_session", session=session.pk)).status_code == 403
    chosen = schedule.chosen_outcomes.first()
    assert client.post(url(wave, "remove_outcome", chosen=chosen.pk)).status_code == 403


def test_manager_sees_no_progress_and_no_change_links(client, schedule, wave):
    client.force_login(member(wave.partnership, Role.MANAGER))
    page = client.get(url(wave))
    html = page.content.decode()
    assert "progress" not in page.context
    assert "Add a session" not in html and "Open the follow-up" not in html


def test_non_members_get_404(client, schedule, wave):
    stranger = member(WaveFactory().partnership, Role.ADMINISTRATOR)
    client.force_login(stranger)
    assert client.get(url(wave)).status_code == 404
    assert client.post(url(wave, "add_session"), session_data()).status_code == 404


def test_sessions_of_another_wave_are_not_found(client, evaluator, schedule, wave):
    other = create_schedule(WaveFactory(partnership=wave.partnership))
    set_methods(other, [Method.INTERVIEW])
    theirs = save_session(other, {"method": Method.INTERVIEW})
    assert client.get(url(wave, "edit_session", session=theirs.pk)).status_code == 404
    assert client.get(url(wave, "edit_session", session="abc")).status_code == 404
    assert client.get(url(wave, "remove_outcome")).status_code == 404


# --- progress --------------------------------------------------------------------------------


def answered(
    schedule,
    code,
    audience,
    group,
    *,
    session=None,
    capture="assisted",
    withdrawn=False,
    empty=False,
):
    participant = Participant.objects.create(
        schedule=schedule,
        code=code,
        audience=audience,
        user_group=group,
        withdrawn_on=datetime.date(2027, 1, 1) if withdrawn else None,
    )
    response = ResponseFactory(
        wave=schedule.wave,
        audience=audience,
        organisation=None,
        staff_group=None,
        user_group=group,
        answered=not empty,  # a response without answers is nobody (issue 15, item 1)
    )
    ParticipantResponse.objects.create(
        participant=participant, response=response, session=session, capture=capture
    )


def test_progress_by_method_user_group_and_audience(schedule, wave, django_assert_max_num_queries):
    older = UserGroupFactory(partnership=wave.partnership, name="Older people")
    children = UserGroupFactory(partnership=wave.partnership, name="Disabled children")
    interview = save_session(
        schedule, {"method": Method.INTERVIEW, "planned_service_users": 3, "planned_carers": 1}
    )
    save_session(
        schedule, {"method": Method.INTERVIEW, "planned_service_users": 2, "planned_carers": 0}
    )
    group = save_session(
        schedule, {"method": Method.FOCUS_GROUP, "planned_service_users": 6, "planned_carers": 2}
    )
    answered(schedule, "P-001", "service_user", older, session=interview)
    answered(schedule, "P-002", "carer", older, session=interview)
    answered(schedule, "P-003", "service_user", children, session=group)
    answered(schedule, "P-004", "carer", children, capture="self")
    answered(schedule, "P-005", "service_user", older, session=interview, withdrawn=True)

    with django_assert_max_num_queries(2):
        result = progress(schedule)

    rows = {r.label: r.cells() for r in result.by_method}
    # (planned, completed) for service users, carers, everyone
    assert rows["Self-completion questionnaire"] == [(0, 0), (0, 1), (0, 1)]
    assert rows["Interview"] == [(5, 1), (1, 1), (6, 2)]
    assert rows["Focus group"] == [(6, 1), (2, 0), (8, 1)]
    groups = {r.label: r.cells() for r in result.by_user_group}
    assert groups == {
        "Disabled children": [(None, 1), (None, 1), (None, 2)],
        "Older people": [(None, 1), (None, 1), (None, 2)],  # the withdrawn one is not counted
    }
    assert result.total.cells() == [(11, 2), (3, 2), (14, 4)]


def test_progress_is_shown_to_evaluators(client, evaluator, schedule, wave):
    older = UserGroupFactory(partnership=wave.partnership, name="Older people")
    answered(schedule, "P-001", "service_user", older)
    html = client.get(url(wave)).content.decode()
    assert "Progress" in html and "Older people" in html
    assert "Method not recorded" in html


def test_wave_page_shows_the_follow_up(client, schedule, wave):
    client.force_login(member(wave.partnership, Role.MANAGER))
    html = client.get(wave.get_absolute_url()).content.decode()
    assert "Follow-up with service users and carers" in html
    assert "Being designed" in html and url(wave) in html
    assert "Create the follow-up schedule" not in html


def test_admin_lists_and_shows_schedules(client, django_user_model, schedule):
    save_session(schedule, {"method": Method.INTERVIEW, "planned_carers": 2})
    sign_in_with_code(
        client, django_user_model.objects.create_superuser("root", "r@example.org", "pw")
    )
    assert client.get("/admin/outcomes/followupschedule/").status_code == 200
    page = client.get(f"/admin/outcomes/followupschedule/{schedule.pk}/change/")
    assert page.status_code == 200
    assert "O-HOME" in page.content.decode() or "I can stay" in page.content.decode()


def test_a_participant_response_without_answers_is_not_progress(schedule, wave):
    older = UserGroupFactory(partnership=wave.partnership, name="Older people")
    answered(schedule, "P-001", "service_user", older, capture="self")
    before = progress(schedule).total.cells()
    answered(schedule, "P-002", "service_user", older, capture="self", empty=True)
    assert progress(schedule).total.cells() == before


def test_the_follow_up_does_not_open_while_a_language_the_wave_offers_lacks_its_texts(schedule):
    """Issue 17, item 2, as for the staff survey: the page says which language lacks how many."""
    from outcomes.services.follow_up_questionnaire import create_follow_up_questionnaire
    from surveys.selectors.translations import language_texts, translations_of
    from surveys.services.translations import save_translations, set_languages

    wave = schedule.wave
    set_languages(wave, ["ur"])
    create_follow_up_questionnaire(schedule)
    with pytest.raises(ScheduleError, match="Urdu lacks"):
        open_schedule(schedule)
    schedule.refresh_from_db()
    assert schedule.status == FollowUpSchedule.Status.DRAFT  # nothing half done
    save_translations(wave, "ur", {t.key: "ترجمہ " + t.source for t in language_texts(wave, "ur")})
    assert translations_of(wave.pk, "ur")
    open_schedule(schedule)
    assert schedule.status == FollowUpSchedule.Status.OPEN
