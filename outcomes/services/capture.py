"""Answers of service users and carers entered by an evaluator (assisted entry), and corrections.

Assisted entry stores what a participant said in an interview or focus group, on the same
questionnaire and with the same checks as self-completion (the section forms of the respondent
flow), in one transaction: a `surveys.Response` and its answers, and the `ParticipantResponse`
saying it was entered by an evaluator, in which session, with which wording. (Files of answers
collected elsewhere: `outcomes.services.imports`.)

A participant has one response (a constraint of the data). Entering their answers again, by an
evaluator or by their own link, corrects it: the new set of answers replaces the old one (on the
live questionnaire version), the participant keeps their one response, and the audit log says
who corrected which questions. The audit names the questions (item codes) and never the answers:
the log is read by every administrator of the partnership, and a participant's answers, tied to
their code, are for the evaluators who collect them.
"""

from __future__ import annotations

from types import EllipsisType

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from outcomes.models import FollowUpSession, Participant, ParticipantLink, ParticipantResponse
from outcomes.selectors.responses import answer_fingerprints
from outcomes.services.participants import (
    LINK_STOPPED,
    ParticipantError,
    check_can_answer,
    check_collecting,
)
from poet.services import record_audit
from surveys.models import Questionnaire, Response, Section
from surveys.services.answering import sections_of, store_response


def assisted_sections(questionnaire: Questionnaire) -> list[Section]:
    """Every section of the questionnaire, for entering it all on one page."""
    return sections_of(questionnaire)


def changed_items(old: Response, new: Response) -> list[str]:
    """The item codes whose answer differs between two responses (added, changed or removed)."""
    before, after = answer_fingerprints(old), answer_fingerprints(new)
    return sorted(
        code for code in before.keys() | after.keys() if before.get(code) != after.get(code)
    )


def replace_answers(
    link: ParticipantResponse,
    response: Response,
    *,
    capture: str,
    session: FollowUpSession | None,
    easy_read: bool,
    actor=None,
) -> list[str]:
    """Make `response` the participant's one response in place of their earlier one (inside the
    caller's transaction, with the participant locked), and audit the correction.

    Returns the item codes that changed. The earlier response and its answers are deleted.
    """
    old = link.response
    changed = changed_items(old, response)
    link.response = response
    link.session = session
    link.easy_read = easy_read
    link.corrected_on = timezone.localdate()
    link.save(update_fields=["response", "session", "easy_read", "corrected_on"])
    old.delete()
    participant = link.participant
    record_audit(
        "participant.answers_corrected",
        actor=actor,
        partnership=participant.schedule.wave.partnership,
        target=participant.code,
        how=capture,
        first_captured=link.capture,
        session=session.pk if session else None,
        questions_changed=changed,
    )
    return changed


def enter_answers(
    participant: Participant,
    questionnaire: Questionnaire,
    answers: dict,
    *,
    session: FollowUpSession | None = None,
    easy_read: bool = False,
    based_on: int | None | EllipsisType = ...,
    actor=None,
) -> ParticipantResponse:
    """Store a participant's complete answers (item code → raw value) entered by an evaluator:
    their first answers, or a correction of the answers they already have.

    `based_on` is the response the evaluator's form started from (None: a blank form): when the
    participant's answers changed since (another evaluator, their own link), nothing is stored
    and the evaluator is asked to look again, so a stale form never overwrites newer answers.
    """
    if session is not None and session.schedule_id != participant.schedule_id:
        raise ParticipantError(_("Choose one of this follow-up's sessions."))
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
                _(
                    "The questionnaire changed while you were entering answers: check them "
                    "against the new version and save again."
                )
            )
        response = store_response(
            questionnaire,
            answers,
            audience=locked.audience,
            user_group_id=locked.user_group_id,
        )
        existing = (
            ParticipantResponse.objects.select_related("response")
            .filter(participant=locked)
            .first()
        )
        current = existing.response_id if existing is not None else None
        if based_on is not ... and based_on != current:
            raise ParticipantError(
                (
                    _(
                        "The answers of %(code)s were entered by someone else while you were "
                        "entering them: the form now shows their answers; make your changes "
                        "again and save."
                    )
                    if based_on is None
                    else _(
                        "The answers of %(code)s were changed by someone else while you were "
                        "entering them: the form now shows their answers; make your changes "
                        "again and save."
                    )
                )
                % {"code": locked.code}
            )
        if existing is not None:
            existing.participant = locked
            replace_answers(
                existing,
                response,
                capture=ParticipantResponse.Capture.ASSISTED,
                session=session,
                easy_read=easy_read,
                actor=actor,
            )
            return existing
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


def link_self_completed(response: Response, context: dict, easy_read: bool = False) -> None:
    """Link a response submitted by a participant's link to them (inside the submit transaction):
    their first answers, or a correction of the ones they already have (their link's draft
    started from those).

    Refuses (rolling the submit back) when they withdrew or lost consent meanwhile.
    """
    participant_id = context.get("participant")
    if participant_id is None:
        raise LINK_STOPPED
    participant = (
        Participant.objects.select_for_update()
        .select_related("schedule__wave__partnership")
        .filter(pk=participant_id)
        .first()
    )
    if participant is None:
        raise LINK_STOPPED
    try:
        check_can_answer(participant)
    except ParticipantError:
        raise LINK_STOPPED from None
    existing = (
        ParticipantResponse.objects.select_related("response")
        .filter(participant=participant)
        .first()
    )
    if existing is not None:
        existing.participant = participant
        replace_answers(
            existing,
            response,
            capture=ParticipantResponse.Capture.SELF,
            session=existing.session,
            easy_read=easy_read,
        )
    else:
        ParticipantResponse.objects.create(
            participant=participant,
            response=response,
            capture=ParticipantResponse.Capture.SELF,
            easy_read=easy_read,
        )
    if context.get("link"):
        ParticipantLink.objects.filter(pk=context["link"], participant=participant).update(
            used_on=timezone.localdate()
        )
