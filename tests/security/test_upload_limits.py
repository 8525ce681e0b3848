"""Files that would be slow or huge to read are refused early, with a clear message.

A CSV of a million columns (or one endless line) used to be parsed whole, taking a minute and
over a gigabyte; now every import (answers, page and command; the staff list) refuses a header of
more than 50 columns or a line over 64 KB as soon as it meets one, and a request body larger than
any upload accepts is refused before it is read.
"""

from __future__ import annotations

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.urls import reverse

from outcomes.services.imports import ImportRefused, import_answers
from poet.models import Role
from poet.spreadsheet import MAX_COLUMNS, MAX_LINE_BYTES
from surveys.models import Invitation, Response
from surveys.services.staff_list import StaffListError, read_staff_list
from tests.factories import OrganisationFactory, StaffGroupFactory, WaveFactory, member
from tests.outcomes.test_participants_support import build_follow_up

pytestmark = pytest.mark.django_db

HEADER = "respondent,audience,organisation,group,item,value"
WIDE = ",".join(["respondent", "audience", "organisation", "group", "item", "value"])
WIDE += "".join(f",extra{i}" for i in range(1_000_000 - 6))
TOO_WIDE = "The header row has more than "  # … 87,000 columns (as far as it was read)
AT_MOST = f"columns: a file can have at most {MAX_COLUMNS}."
LONG_LINE = "s1,staff,Council,Nurse,TEXT," + "x" * (MAX_LINE_BYTES + 10)
TOO_LONG = f"Line 3 is longer than {MAX_LINE_BYTES // 1024} KB"


class CountingFile(io.BytesIO):
    """A file that remembers how much of it was read."""

    def __init__(self, data: bytes) -> None:
        super().__init__(data)
        self.bytes_read = 0

    def read(self, size: int | None = -1) -> bytes:
        chunk = super().read(size)
        self.bytes_read += len(chunk)
        return chunk


@pytest.fixture
def wave():
    wave = WaveFactory(partnership__slug="north", slug="baseline")
    OrganisationFactory(partnership=wave.partnership, name="Council")
    StaffGroupFactory(partnership=wave.partnership, name="Nurse")
    return wave


def test_a_million_columns_are_refused_before_the_rest_is_read(wave):
    data = (WIDE + "\n" + "s1,staff,Council,Nurse,TEXT,x\n" * 200_000).encode()
    file = CountingFile(data)
    with pytest.raises(ImportRefused) as refused:
        import_answers("north", "baseline", file)
    message = refused.value.messages[0]
    assert message.startswith(TOO_WIDE) and AT_MOST in message
    assert HEADER in message  # says what the header should be
    assert file.bytes_read < len(data) // 2
    assert not Response.objects.exists()


def test_a_line_longer_than_the_limit_is_named(wave):
    data = f"{HEADER}\ns1,staff,Council,Nurse,TEXT,x\n{LONG_LINE}\n".encode()
    with pytest.raises(ImportRefused) as refused:
        import_answers("north", "baseline", data)
    assert refused.value.messages[0].startswith(TOO_LONG)


def test_the_command_says_why_and_stores_nothing(wave, tmp_path):
    path = tmp_path / "wide.csv"
    path.write_text(WIDE + "\n")
    err = io.StringIO()
    with pytest.raises(CommandError, match="nothing was stored"):
        call_command("import_answers", "north", "baseline", str(path), stderr=err)
    assert err.getvalue().startswith(TOO_WIDE) and AT_MOST in err.getvalue()


def test_the_import_page_says_why(client):
    follow_up = build_follow_up()
    client.force_login(follow_up.evaluator)
    header = HEADER + "".join(f",extra{i}" for i in range(60))
    upload = SimpleUploadedFile("wide.csv", (header + "\n").encode(), "text/csv")
    response = client.post(follow_up.url("import_answers"), {"answers_file": upload})
    assert response.status_code == 200
    assert f"The header row has 66 {AT_MOST}" in response.content.decode()
    assert not Response.objects.exists()


def test_a_large_upload_goes_to_a_job_that_says_why(
    client, settings, tmp_path, django_capture_on_commit_callbacks
):
    settings.MEDIA_ROOT = tmp_path
    follow_up = build_follow_up()
    client.force_login(follow_up.evaluator)
    upload = SimpleUploadedFile("wide.csv", (WIDE + "\n").encode(), "text/csv")
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(follow_up.url("import_answers"), {"answers_file": upload})
    assert response.status_code == 302 and "/jobs/" in response["Location"]
    html = client.get(response["Location"]).content.decode()
    assert TOO_WIDE in html and AT_MOST in html
    assert not Response.objects.exists()


def test_the_staff_list_has_the_same_limits(wave):
    with pytest.raises(StaffListError) as refused:
        read_staff_list(("email,organisation,staff_group" + ",x" * 60 + "\n").encode(), wave)
    assert refused.value.problems[0].startswith(
        f"The header row has 63 columns: a file can have at most {MAX_COLUMNS}"
    )
    long_line = "a@example.org,Council,Nurse," + "x" * (MAX_LINE_BYTES + 1)
    data = f"email,organisation,staff_group\nb@example.org,Council,Nurse\n{long_line}\n"
    with pytest.raises(StaffListError) as refused:
        read_staff_list(data.encode(), wave)
    assert refused.value.problems[0].startswith(TOO_LONG)
    assert not Invitation.objects.exists()


def test_a_request_body_larger_than_any_upload_is_refused_unread(client, wave):
    client.force_login(member(wave.partnership, Role.EVALUATOR))
    url = reverse(
        "surveys:invitations",
        kwargs={"partnership": wave.partnership.slug, "wave": wave.slug},
    )
    response = client.post(url, {"staff_list": "x"}, CONTENT_LENGTH=str(500 * 1024 * 1024))
    assert response.status_code == 413
    assert "The file is too large" in response.content.decode()
