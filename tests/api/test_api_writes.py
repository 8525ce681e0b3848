"""What evaluators change through the API: open and close a wave, upload a staff list, import
answers; refusals are 409/422 problems in the pages' and the command's words."""

from __future__ import annotations

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command

from outcomes.models import Participant
from poet.models import AuditEvent, Job, Role, Wave
from surveys.models import Invitation, Response
from surveys.services.design import create_staff_questionnaire
from tests.api.test_api import assert_problem, bearer, token_for
from tests.factories import (
    OrganisationFactory,
    OutcomeStatementFactory,
    StaffGroupFactory,
    WaveFactory,
    member,
)
from tests.outcomes.test_import_job import BAD, GOOD
from tests.outcomes.test_participants_support import build_follow_up

pytestmark = pytest.mark.django_db


def api(wave, tail: str) -> str:
    return f"/api/v1/partnerships/{wave.partnership.slug}/waves/{wave.slug}/{tail}"


def evaluator_token(wave) -> str:
    return token_for(member(wave.partnership, Role.EVALUATOR))


def csv_file(name: str, text: str) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, text.encode(), "text/csv")


# --- opening and closing ---------------------------------------------------------------------


def test_a_wave_without_questions_cannot_open(client):
    wave = WaveFactory()
    raw = evaluator_token(wave)
    body = assert_problem(client.post(api(wave, "open/"), **bearer(raw)), 409)
    assert body["title"] == "Conflict"
    assert body["detail"] == (
        "The wave could not open: Create the staff questionnaire before opening the wave."
    )
    wave.refresh_from_db()
    assert wave.status == Wave.Status.DRAFT


def test_an_evaluator_opens_then_closes_a_wave(client):
    wave = WaveFactory()
    create_staff_questionnaire(wave, [OutcomeStatementFactory(partnership=wave.partnership)])
    raw = evaluator_token(wave)
    opened = client.post(api(wave, "open/"), **bearer(raw))
    assert opened.status_code == 200
    assert opened.json()["status"] == "open" and opened.json()["opens_on"]
    assert client.post(api(wave, "open/"), **bearer(raw)).json()["status"] == "open"  # no change
    closed = client.post(api(wave, "close/"), **bearer(raw))
    assert closed.status_code == 200 and closed.json()["status"] == "closed"
    assert client.post(api(wave, "close/"), **bearer(raw)).json()["status"] == "closed"
    actions = AuditEvent.objects.filter(action__startswith="wave.").values_list("action", flat=True)
    assert sorted(actions) == ["wave.closed", "wave.opened"]


def test_a_draft_wave_cannot_be_closed(client):
    wave = WaveFactory()
    body = assert_problem(client.post(api(wave, "close/"), **bearer(evaluator_token(wave))), 409)
    assert body["detail"] == "The wave is not open."


def test_a_manager_may_not_open_or_close(client):
    wave = WaveFactory(status=Wave.Status.OPEN)
    raw = token_for(member(wave.partnership, Role.MANAGER))
    for action in ("open/", "close/"):
        assert_problem(client.post(api(wave, action), **bearer(raw)), 403)
    wave.refresh_from_db()
    assert wave.status == Wave.Status.OPEN


# --- staff lists -------------------------------------------------------------------------------


@pytest.fixture
def inviting():
    wave = WaveFactory(status=Wave.Status.OPEN)
    OrganisationFactory(partnership=wave.partnership, name="Trust")
    StaffGroupFactory(partnership=wave.partnership, name="Nurse")
    return wave


def upload_staff(client, wave, text: str | None, raw: str):
    files = {"staff_list": csv_file("staff.csv", text)} if text is not None else {}
    return client.post(api(wave, "staff-list/"), files, **bearer(raw))


def test_a_staff_list_invites_everyone_on_it(client, inviting):
    text = "email,organisation,staff_group\nam@trust.org,Trust,Nurse\nbo@trust.org,Trust,Nurse\n"
    response = upload_staff(client, inviting, text, evaluator_token(inviting))
    assert response.status_code == 201
    assert response.json() == {"added": 2, "detail": "2 people added to the staff list."}
    assert set(Invitation.objects.values_list("email", flat=True)) == {
        "am@trust.org",
        "bo@trust.org",
    }


def test_a_staff_list_with_bad_rows_is_refused_whole_naming_every_row(client, inviting):
    text = (
        "email,organisation,staff_group\n"
        "am@trust.org,Trust,Nurse\n"
        "not-an-email,Trust,Nurse\n"
        "cy@trust.org,Nowhere,Nurse\n"
    )
    body = assert_problem(upload_staff(client, inviting, text, evaluator_token(inviting)), 422)
    assert len(body["errors"]) == 2
    assert body["errors"][0].startswith("Row 3") and "not-an-email" in body["errors"][0]
    assert body["errors"][1].startswith("Row 4") and "Nowhere" in body["errors"][1]
    assert "2 problems" in body["detail"] and "nothing was stored" in body["detail"]
    assert not Invitation.objects.exists()


def test_no_file_an_empty_one_and_a_closed_wave_are_refused(client, inviting):
    raw = evaluator_token(inviting)
    body = assert_problem(upload_staff(client, inviting, None, raw), 422)
    assert body["detail"] == "staff_list: Field required"
    body = assert_problem(upload_staff(client, inviting, "", raw), 422)
    assert body["detail"] == "The file is empty." and body["errors"] == ["The file is empty."]
    Wave.objects.filter(pk=inviting.pk).update(status=Wave.Status.CLOSED)
    text = "email,organisation,staff_group\nam@trust.org,Trust,Nurse\n"
    body = assert_problem(upload_staff(client, inviting, text, raw), 409)
    assert body["detail"] == "This wave is closed: nobody more can be invited."
    assert not Invitation.objects.exists()


# --- answers imports ---------------------------------------------------------------------------


@pytest.fixture
def follow_up(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    return build_follow_up()


def import_file(client, wave, text: str, raw: str, capture):
    with capture(execute=True):
        return client.post(
            api(wave, "answers/import/"), {"answers_file": csv_file("a.csv", text)}, **bearer(raw)
        )


def test_an_answers_file_is_imported_by_a_job_the_caller_polls(
    client, follow_up, django_capture_on_commit_callbacks
):
    wave = follow_up.wave
    raw = evaluator_token(wave)
    started = import_file(client, wave, GOOD, raw, django_capture_on_commit_callbacks)
    assert started.status_code == 202 and started.json()["kind"] == "answers.import"
    job = client.get(started.json()["url"], **bearer(raw)).json()
    assert job["status"] == "succeeded", job["error"]
    assert job["message"].startswith("Imported 2 responses")
    assert Response.objects.filter(audience__in=["service_user", "carer"]).count() == 2


def test_a_bad_answers_file_stores_nothing_and_lists_the_commands_problems(
    client, follow_up, tmp_path, django_capture_on_commit_callbacks
):
    wave = follow_up.wave
    raw = evaluator_token(wave)
    started = import_file(client, wave, BAD, raw, django_capture_on_commit_callbacks)
    job = client.get(started.json()["url"], **bearer(raw)).json()
    assert job["status"] == "failed" and job["finished"]
    assert job["error"].startswith("The file has 3 problems: nothing was stored")
    assert not Response.objects.exists() and not Participant.objects.exists()

    path = tmp_path / "bad.csv"
    path.write_text(BAD)
    stderr = io.StringIO()
    with pytest.raises(CommandError):
        call_command("import_answers", wave.partnership.slug, wave.slug, str(path), stderr=stderr)
    assert job["problems"] == stderr.getvalue().splitlines()
    assert len(job["problems"]) == 3


def test_an_import_needs_a_file_and_the_evaluate_right(client, follow_up):
    wave = follow_up.wave
    body = assert_problem(
        client.post(api(wave, "answers/import/"), **bearer(evaluator_token(wave))), 422
    )
    assert body["detail"] == "answers_file: Field required"
    manager = token_for(member(wave.partnership, Role.MANAGER))
    files = {"answers_file": csv_file("a.csv", GOOD)}
    assert_problem(client.post(api(wave, "answers/import/"), files, **bearer(manager)), 403)
    assert not Job.objects.exists()


def test_a_body_larger_than_any_upload_is_a_413_problem_unread(client, inviting):
    response = client.post(
        api(inviting, "staff-list/"),
        {"staff_list": "x"},
        CONTENT_LENGTH=str(500 * 1024 * 1024),
        **bearer(evaluator_token(inviting)),
    )
    body = assert_problem(response, 413)
    assert (
        body["detail"].startswith("The file is too large")
        and "Nothing was stored" in body["detail"]
    )
    assert not Invitation.objects.exists()
