"""Large answers files are imported by a background job: progress on the job page, the result
(or every problem) shown there, the uploaded file deleted afterwards."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from outcomes.models import Participant
from outcomes.services.imports import IMPORT_JOB
from poet.models import AuditEvent, Job
from surveys.models import Response
from tests.factories import PASSWORD
from tests.outcomes.test_participants_support import build_follow_up

pytestmark = pytest.mark.django_db

HEADER = "respondent,audience,organisation,group,item,value\n"
GOOD = HEADER + (
    "U1,service_user,,Older people,O-HOME.importance,4\n"
    "U2,carer,,Older people,O-HOME.importance,DK\n"
)
BAD = HEADER + "U1,service_user,,Older people,O-HOME.importance,9\nU2,carer,,Nobody,NOPE,3\n"


@pytest.fixture
def follow_up(client, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.IMPORT_IN_BACKGROUND_BYTES = 100  # both files above are "large"
    follow_up = build_follow_up()
    assert client.login(username=follow_up.evaluator.username, password=PASSWORD)
    return follow_up


def upload(client, follow_up, text: str, capture):
    with capture(execute=True):
        return client.post(
            follow_up.url("import_answers"),
            {"answers_file": SimpleUploadedFile("answers.csv", text.encode(), "text/csv")},
        )


def test_a_large_file_is_imported_by_a_job_with_its_result_on_the_job_page(
    client, follow_up, settings, django_capture_on_commit_callbacks
):
    response = upload(client, follow_up, GOOD, django_capture_on_commit_callbacks)
    job = Job.objects.get(kind=IMPORT_JOB)
    slug = follow_up.partnership.slug
    assert response.status_code == 302
    assert response["Location"].startswith(f"/p/{slug}/jobs/{job.pk}/?next=")
    job.refresh_from_db()
    assert job.status == Job.Status.SUCCEEDED, job.error
    assert job.progress == 100 and job.wave == follow_up.wave
    assert job.created_by == follow_up.evaluator
    page = client.get(response["Location"]).content.decode()
    assert "importing answers" in page
    assert "Imported 2 responses" in page and "1 service user" in page
    assert Response.objects.filter(audience__in=["service_user", "carer"]).count() == 2
    event = AuditEvent.objects.get(action="answers.imported")
    assert event.actor == follow_up.evaluator and event.detail["responses"] == 2
    assert not any((settings.MEDIA_ROOT / "imports").rglob("*.csv")), "the file is deleted"


def test_a_refused_large_file_lists_every_problem_on_the_job_page(
    client, follow_up, settings, django_capture_on_commit_callbacks
):
    response = upload(client, follow_up, BAD, django_capture_on_commit_callbacks)
    job = Job.objects.get(kind=IMPORT_JOB)
    job.refresh_from_db()
    assert job.status == Job.Status.FAILED
    assert job.error.startswith("The file has 3 problems: nothing was stored")
    page = client.get(response["Location"]).content.decode()
    assert "Line 2: value &#x27;9&#x27; of item &#x27;O-HOME.importance&#x27;" in page
    assert "Line 3: unknown user group &#x27;Nobody&#x27;" in page
    assert not Response.objects.exists() and not Participant.objects.exists()
    assert not any((settings.MEDIA_ROOT / "imports").rglob("*.csv"))


def test_a_small_file_is_still_imported_at_once(client, follow_up, settings):
    settings.IMPORT_IN_BACKGROUND_BYTES = 5 * 1024 * 1024
    response = client.post(
        follow_up.url("import_answers"),
        {"answers_file": SimpleUploadedFile("answers.csv", GOOD.encode(), "text/csv")},
    )
    assert response.status_code == 302 and "/jobs/" not in response["Location"]
    assert not Job.objects.filter(kind=IMPORT_JOB).exists()
    assert Response.objects.count() == 2
