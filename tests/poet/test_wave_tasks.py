"""The wave page's task list: each status follows the data, and only the next sensible step is
offered (issue 15, item 10)."""

import datetime
import re

import pytest
from django.utils import timezone

from outcomes.models import ChosenOutcome, Participant, ParticipantResponse
from outcomes.services.schedule import close_schedule, open_schedule, save_session, set_methods
from outcomes.services.shortlist import choose
from poet.models import Audience, Job, OutcomeStatement, Role, Wave
from reports.models import COMPARISON_JOB, ComparisonRun
from reports.selectors.downloads import REPORT_JOB
from surveys.models import Invitation
from surveys.services.design import create_staff_questionnaire
from surveys.services.opening import close_wave, open_wave
from tests.factories import (
    OrganisationFactory,
    ResponseFactory,
    StaffGroupFactory,
    UserGroupFactory,
    WaveFactory,
    member,
)

pytestmark = pytest.mark.django_db

NOT_STARTED, IN_PROGRESS, COMPLETED, CANNOT = (
    "Not started",
    "In progress",
    "Completed",
    "Cannot start yet",
)
KEYS = [
    "survey-design",
    "survey-invite",
    "survey-responses",
    "survey-close",
    "follow-up-outcomes",
    "follow-up-plan",
    "follow-up-collect",
    "compare",
    "reports",
]


def page(client, wave) -> str:
    response = client.get(wave.get_absolute_url())
    assert response.status_code == 200
    return response.content.decode()


def statuses(html: str) -> dict[str, str]:
    """Each task's status as the page shows it."""
    found = {}
    for key in KEYS:
        match = re.search(rf'id="task-{key}-status">(.*?)</div>', html, re.S)
        assert match, key
        found[key] = re.sub(r"<[^>]+>", "", match.group(1)).strip()
    return found


def next_step(html: str) -> str:
    """The 'What to do next' box, as text ('' when there is none)."""
    match = re.search(r'<div class="govuk-inset-text" id="next-step".*?</div>\s*</div>', html, re.S)
    return " ".join(re.sub(r"<[^>]+>", " ", match.group(0)).split()) if match else ""


def library(*codes):
    return [OutcomeStatement.objects.get(partnership=None, code=c) for c in codes]


@pytest.fixture
def wave():
    return WaveFactory(name="Baseline 2026", slug="baseline")


@pytest.fixture
def evaluator(client, wave):
    user = member(wave.partnership, Role.EVALUATOR)
    client.force_login(user)
    return user


def staff_response(wave):
    return ResponseFactory(wave=wave, audience=Audience.STAFF, answered=True)


def test_a_new_wave_starts_with_the_questionnaire_and_nothing_else(client, evaluator, wave):
    html = page(client, wave)
    assert statuses(html) == dict.fromkeys(KEYS, CANNOT) | {
        "survey-design": NOT_STARTED,
        "survey-invite": NOT_STARTED,  # the staff list can be uploaded from the start
        "follow-up-plan": NOT_STARTED,  # and the sessions planned
    }
    assert "Create the staff questionnaire" in next_step(html)
    assert "0 of 9 tasks completed" in html
    assert 'class="govuk-task-list"' in html


def test_a_questionnaire_puts_design_in_progress_and_offers_opening(client, evaluator, wave):
    create_staff_questionnaire(wave, library("O-HOME"))
    html = page(client, wave)
    found = statuses(html)
    assert found["survey-design"] == IN_PROGRESS
    assert found["survey-invite"] == NOT_STARTED
    assert found["survey-responses"] == CANNOT
    assert "Open the wave" in next_step(html)


def test_a_staff_list_puts_inviting_in_progress_before_opening(client, evaluator, wave):
    create_staff_questionnaire(wave, library("O-HOME"))
    Invitation.objects.create(
        wave=wave,
        organisation=OrganisationFactory(partnership=wave.partnership),
        staff_group=StaffGroupFactory(partnership=wave.partnership),
        email="a@example.org",
    )
    html = page(client, wave)
    assert statuses(html)["survey-invite"] == IN_PROGRESS
    assert "1 person on the staff list" in html


def test_after_opening_the_page_says_to_send_the_invitations(client, evaluator, wave):
    create_staff_questionnaire(wave, library("O-HOME"))
    invitation = Invitation.objects.create(
        wave=wave,
        organisation=OrganisationFactory(partnership=wave.partnership),
        staff_group=StaffGroupFactory(partnership=wave.partnership),
        email="a@example.org",
    )
    open_wave(wave)
    html = page(client, wave)
    found = statuses(html)
    assert found["survey-design"] == COMPLETED
    assert found["survey-invite"] == NOT_STARTED
    assert found["survey-responses"] == IN_PROGRESS
    assert found["survey-close"] == NOT_STARTED
    assert "The staff survey is open. Next, send the invitations" in next_step(html)
    assert "Send the invitations</a>" in next_step_html(html)

    invitation.last_sent_at = timezone.now()
    invitation.save()
    html = page(client, wave)
    assert statuses(html)["survey-invite"] == COMPLETED
    step = next_step(html)
    assert "Watch the response rates" in step and "Close the wave" in step


def test_closing_with_answers_lets_the_outcomes_be_chosen(client, evaluator, wave):
    create_staff_questionnaire(wave, library("O-HOME"))
    open_wave(wave)
    staff_response(wave)
    close_wave(wave)
    html = page(client, wave)
    found = statuses(html)
    assert (found["survey-responses"], found["survey-close"]) == (COMPLETED, COMPLETED)
    assert found["follow-up-outcomes"] == NOT_STARTED
    assert found["follow-up-plan"] == NOT_STARTED
    assert "choose the outcomes to ask service users and carers about" in next_step(html)


def test_closing_without_answers_leaves_the_outcomes_unable_to_start(client, evaluator, wave):
    create_staff_questionnaire(wave, library("O-HOME"))
    open_wave(wave)
    close_wave(wave)
    assert statuses(page(client, wave))["follow-up-outcomes"] == CANNOT


def test_a_wave_past_its_closing_date_counts_as_closed(client, evaluator, wave):
    create_staff_questionnaire(wave, library("O-HOME"))
    open_wave(wave)
    yesterday = timezone.localdate() - datetime.timedelta(days=1)
    Wave.objects.filter(pk=wave.pk).update(closes_on=yesterday)
    found = statuses(page(client, wave))
    assert (found["survey-responses"], found["survey-close"]) == (COMPLETED, COMPLETED)


@pytest.fixture
def closed(wave):
    create_staff_questionnaire(wave, library("O-HOME", "O-STORY"))
    open_wave(wave)
    staff_response(wave)
    close_wave(wave)
    return wave


def test_the_follow_up_moves_from_planning_to_collecting(client, evaluator, closed):
    wave = closed
    (chosen,) = choose(wave, [(library("O-HOME")[0], ChosenOutcome.Reason.MOST_ENDORSED, "")])
    html = page(client, wave)
    found = statuses(html)
    assert (found["follow-up-outcomes"], found["follow-up-plan"]) == (COMPLETED, NOT_STARTED)
    assert found["follow-up-collect"] == CANNOT
    assert "plan the sessions" in next_step(html)

    schedule = chosen.schedule
    set_methods(schedule, ["interview"])
    save_session(schedule, {"method": "interview", "date": timezone.localdate()})
    html = page(client, wave)
    assert statuses(html)["follow-up-plan"] == IN_PROGRESS
    assert "Open the follow-up" in next_step(html)

    open_schedule(schedule)
    html = page(client, wave)
    assert statuses(html)["follow-up-plan"] == IN_PROGRESS
    assert statuses(html)["follow-up-collect"] == CANNOT
    assert "register the service users and carers" in next_step(html)

    group = UserGroupFactory(partnership=wave.partnership)
    participant = Participant.objects.create(
        schedule=schedule, code="P-001", audience=Audience.SERVICE_USER, user_group=group
    )
    found = statuses(page(client, wave))
    assert (found["follow-up-plan"], found["follow-up-collect"]) == (COMPLETED, NOT_STARTED)

    answer = ResponseFactory(
        wave=wave,
        audience=Audience.SERVICE_USER,
        organisation=None,
        staff_group=None,
        answered=True,
    )
    ParticipantResponse.objects.create(participant=participant, response=answer, capture="self")
    html = page(client, wave)
    assert statuses(html)["follow-up-collect"] == IN_PROGRESS
    assert "Close the follow-up" in next_step(html)
    assert statuses(html)["compare"] == CANNOT

    close_schedule(schedule)
    html = page(client, wave)
    found = statuses(html)
    assert (found["follow-up-collect"], found["compare"]) == (COMPLETED, NOT_STARTED)
    assert "Run comparison" in next_step(html) and 'method="post"' in next_step_html(html)


def next_step_html(html: str) -> str:
    match = re.search(r'id="next-step".*?</div>\s*</div>', html, re.S)
    return match.group(0) if match else ""


@pytest.fixture
def followed_up(closed):
    (chosen,) = choose(closed, [(library("O-HOME")[0], ChosenOutcome.Reason.MOST_ENDORSED, "")])
    set_methods(chosen.schedule, ["interview"])
    open_schedule(chosen.schedule)
    ResponseFactory(
        wave=closed, audience=Audience.CARER, organisation=None, staff_group=None, answered=True
    )
    close_schedule(chosen.schedule)
    return closed


def run_of(wave, **fields):
    now = timezone.now()
    return ComparisonRun.objects.create(
        wave=wave, k=3, fingerprint="x", used_at=now, finished_at=now, **fields
    )


def test_the_comparison_then_the_reports(client, evaluator, followed_up):
    wave = followed_up
    job = Job.objects.create(partnership=wave.partnership, wave=wave, kind=COMPARISON_JOB)
    html = page(client, wave)
    assert statuses(html)["compare"] == IN_PROGRESS
    assert "Follow its progress" in next_step(html)
    assert statuses(html)["reports"] == CANNOT

    job.status = Job.Status.SUCCEEDED
    job.save()
    run_of(wave, n_staff=1, n_users=1, job=job)
    html = page(client, wave)
    found = statuses(html)
    assert (found["compare"], found["reports"]) == (COMPLETED, NOT_STARTED)
    assert "Read the summative report" in next_step(html)

    download = Job.objects.create(partnership=wave.partnership, wave=wave, kind=REPORT_JOB)
    assert statuses(page(client, wave))["reports"] == IN_PROGRESS
    download.status = Job.Status.SUCCEEDED
    download.save()
    html = page(client, wave)
    assert statuses(html) == dict.fromkeys(KEYS, COMPLETED)
    assert next_step(html) == ""
    assert "9 of 9 tasks completed" in html


def test_a_failed_comparison_offers_to_try_again(client, evaluator, followed_up):
    wave = followed_up
    Job.objects.create(
        partnership=wave.partnership,
        wave=wave,
        kind=COMPARISON_JOB,
        status=Job.Status.FAILED,
        error="The worker stopped.",
    )
    html = page(client, wave)
    assert statuses(html)["compare"] == NOT_STARTED
    assert "The last comparison did not work: The worker stopped." in html
    assert "Try the comparison again" in next_step(html)


def test_a_staff_only_run_does_not_complete_the_comparison(client, evaluator, closed):
    run_of(closed, n_staff=1, n_users=0)  # computed for the shortlist's staff figures
    assert statuses(page(client, closed))["compare"] == CANNOT


def test_a_manager_sees_the_statuses_but_is_offered_only_the_reports(client, followed_up):
    wave = followed_up
    client.force_login(member(wave.partnership, Role.MANAGER))
    html = page(client, wave)
    assert statuses(html)["compare"] == NOT_STARTED
    assert next_step(html) == ""  # running the comparison is the evaluator's
    assert "Create the staff questionnaire" not in html
    run_of(wave, n_staff=1, n_users=1)
    html = page(client, wave)
    assert "Read the summative report" in next_step(html)
    assert 'href="/p/' in html and "govuk-task-list__link" in html
