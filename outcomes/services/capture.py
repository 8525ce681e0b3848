"""Answers of service users and carers entered by an evaluator (assisted entry).

Assisted entry stores what a participant said in an interview or focus group, on the same
questionnaire and with the same checks as self-completion (the section forms of the respondent
flow), in one transaction: a `surveys.Response` and its answers, and the `ParticipantResponse`
saying it was entered by an evaluator, in which session, with which wording. (Files of answers
collected elsewhere: `outcomes.services.imports`.)
"""

from __future__ import annotations

from django.db import transaction

from outcomes.models import FollowUpSession, Participant, ParticipantResponse
from outcomes.services.participants import ParticipantError, check_can_answer, check_collecting
from poet.services import record_audit
from surveys.models import Questionnaire, Section
from surveys.services.answering import sections_of, store_response


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
