"""Files sent in by evaluators (`Right.EVALUATE`): a staff list (invitations, checked by the
invitations page's own form: all of it or none, every bad row in the problem's `errors`) and
answers collected elsewhere (DESIGN §5 CSV, all or nothing, always as a background job whose
poll lists the same problems as the `import_answers` command)."""

from __future__ import annotations

from django.http import HttpRequest
from ninja import File, Router, Schema
from ninja.files import UploadedFile
from ninja.responses import Status

from api.endpoints.common import WRITE_ERRORS, Refused
from api.endpoints.jobs import JobOut, job_out
from outcomes.forms.capture import ImportForm
from outcomes.services.imports import start_import
from poet.permissions import Right, partnership_access, wave_of
from surveys.errors import SurveyError
from surveys.forms.invitations import StaffListForm
from surveys.selectors.opening import is_closed
from surveys.services.invitations import CLOSED_TO_INVITATIONS, add_invitations
from surveys.services.staff_list import StaffListError

router = Router(tags=["imports"])


class StaffListAdded(Schema):
    added: int
    detail: str


def _refused_file(problems: list[str], what: str) -> Refused:
    """422 naming every problem: the only one as the detail, or how many there are."""
    if len(problems) == 1:
        return Refused(422, problems[0], problems)
    return Refused(
        422,
        f"The {what} has {len(problems)} problems, listed in errors: nothing was stored. Fix "
        "every one, then send the file again.",
        problems,
    )


@router.post(
    "/partnerships/{partnership}/waves/{wave}/staff-list/",
    response={201: StaffListAdded, **WRITE_ERRORS},
    summary="Upload a staff list (CSV: email,organisation,staff_group) to invite them",
)
def upload_staff_list(
    request: HttpRequest,
    partnership: str,
    wave: str,
    staff_list: UploadedFile = File(...),  # noqa: B008 - how ninja declares a file
):
    access = partnership_access(request.user, partnership, Right.EVALUATE)
    found = wave_of(access, wave)
    if is_closed(found):
        raise Refused(409, CLOSED_TO_INVITATIONS)
    form = StaffListForm({}, {"staff_list": staff_list}, wave=found)
    if not form.is_valid():
        raise _refused_file([str(e) for e in form.errors["staff_list"]], "staff list")
    try:
        added = add_invitations(found, form.members, actor=request.user)
    except StaffListError as refused:
        raise _refused_file(refused.problems, "staff list") from None
    except SurveyError as refused:
        raise Refused(409, str(refused)) from None
    people = "person" if added == 1 else "people"
    return Status(201, {"added": added, "detail": f"{added} {people} added to the staff list."})


@router.post(
    "/partnerships/{partnership}/waves/{wave}/answers/import/",
    response={202: JobOut, **WRITE_ERRORS},
    summary="Import answers collected elsewhere (DESIGN §5 CSV), all or nothing, as a job",
)
def import_answers_file(
    request: HttpRequest,
    partnership: str,
    wave: str,
    answers_file: UploadedFile = File(...),  # noqa: B008 - how ninja declares a file
):
    access = partnership_access(request.user, partnership, Right.EVALUATE)
    found = wave_of(access, wave)
    form = ImportForm({}, {"answers_file": answers_file})
    if not form.is_valid():
        raise _refused_file([str(e) for e in form.errors["answers_file"]], "answers file")
    job = start_import(found, form.cleaned_data["answers_file"], actor=request.user)
    return Status(202, job_out(job))
