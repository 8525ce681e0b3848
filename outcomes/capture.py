"""Answers of service users and carers captured by an evaluator: assisted entry and file import.

Assisted entry stores what a participant said in an interview or focus group, on the same
questionnaire and with the same checks as self-completion (the section forms of the respondent
flow), in one transaction: a `surveys.Response` and its answers, and the `ParticipantResponse`
saying it was entered by an evaluator, in which session, with which wording.

An uploaded answers file is imported at once when it is small; a larger one (over
`IMPORT_IN_BACKGROUND_BYTES`, 5 MB) is kept under MEDIA_ROOT/imports/ and imported by a background
job (`answers.import`), whose page shows the progress and then the result or every problem; the
file is deleted once the job has read it.
"""

from __future__ import annotations

import shutil
from dataclasses import asdict
from pathlib import Path

from django.conf import settings
from django.db import transaction

from outcomes.imports import ImportRefused, ImportResult, Progress, import_answers
from outcomes.models import FollowUpSession, Participant, ParticipantResponse
from outcomes.participants import ParticipantError, check_can_answer, check_collecting
from poet.models import Job, Wave
from poet.services import JobRefused, create_job, enqueue, record_audit
from surveys.answering import sections_of, store_response
from surveys.models import Questionnaire, Section


def assisted_sections(questionnaire: Questionnaire) -> list[Section]:
    """Every section of the questionnaire, for entering it all on one page."""
    return sections_of(questionnaire)


def enter_answers(
    participant: Participant,
    questionnaire: Questionnaire,
    answers: dict,
    *,
    session: FollowUpSession | None = None,
    easy_read: bool = False,
    actor=None,
) -> ParticipantResponse:
    """Store a participant's complete answers (item code → raw value) entered by an evaluator."""
    if session is not None and session.schedule_id != participant.schedule_id:
        raise ParticipantError("Choose one of this follow-up's sessions.")
    with transaction.atomic():
        locked = (
            Participant.objects.select_for_update()
            .select_related("schedule__wave__partnership")
            .get(pk=participant.pk)
        )
        check_can_answer(locked)
        live = check_collecting(locked.schedule)
        if live.pk != questionnaire.pk:
            raise ParticipantError(
                "The questionnaire changed while you were entering answers: check them against "
                "the new version and save again."
            )
        response = store_response(
            questionnaire,
            answers,
            audience=locked.audience,
            user_group_id=locked.user_group_id,
        )
        link = ParticipantResponse.objects.create(
            participant=locked,
            response=response,
            session=session,
            capture=ParticipantResponse.Capture.ASSISTED,
            easy_read=easy_read,
        )
        record_audit(
            "participant.answers_entered",
            actor=actor,
            partnership=locked.schedule.wave.partnership,
            target=locked.code,
            session=session.pk if session else None,
        )
    return link


# --- importing a file ----------------------------------------------------------------------------

IMPORT_JOB = "answers.import"
IMPORT_IN_BACKGROUND_BYTES = 5 * 1024 * 1024


def in_background(size: int) -> bool:
    """Whether a file this big is imported by a background job rather than in the request."""
    return size > getattr(settings, "IMPORT_IN_BACKGROUND_BYTES", IMPORT_IN_BACKGROUND_BYTES)


def imported_message(result: ImportResult) -> str:
    def n(count: int, one: str, many: str) -> str:
        return f"{count} {one if count == 1 else many}"

    return (
        f"Imported {n(result.responses, 'response', 'responses')} "
        f"({n(result.staff, 'member of staff', 'staff')}, "
        f"{n(result.service_users, 'service user', 'service users')}, "
        f"{n(result.carers, 'carer', 'carers')}) with {n(result.answers, 'answer', 'answers')}."
    )


def _kept_file(job: Job) -> Path:
    return (
        Path(settings.MEDIA_ROOT) / "imports" / job.partnership.slug / str(job.pk) / "answers.csv"
    )


def start_import(wave: Wave, upload, *, actor) -> Job:
    """Keep an uploaded answers file and queue its import; the job page follows it."""
    job = create_job(IMPORT_JOB, partnership=wave.partnership, wave=wave, created_by=actor)
    path = _kept_file(job)
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "wb") as out:
        for chunk in upload.chunks():
            out.write(chunk)
    enqueue(job)
    return job


def run_import(job: Job, progress: Progress) -> dict:
    """The work of an import job: the kept file into the job's wave, all or nothing, as its
    creator; the file is deleted afterwards, whatever happened (a refused one lists why)."""
    path = _kept_file(job)
    if not path.is_file():
        raise JobRefused("The uploaded file is no longer here: upload it again.")
    try:
        result = import_answers(
            job.partnership.slug, job.wave.slug, path, actor=job.created_by, progress=progress
        )
    except ImportRefused as refused:
        count = refused.problems
        raise JobRefused(
            f"The file has {count} problem{'' if count == 1 else 's'}: nothing was stored. Fix "
            "every problem listed, then upload the file again.",
            refused.messages,
        ) from None
    finally:
        shutil.rmtree(path.parent, ignore_errors=True)
    message = imported_message(result)
    progress(1.0, message)
    return {"imported": asdict(result), "message": message}
