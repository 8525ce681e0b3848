"""Participants of the follow-up: pseudonymous codes, consent, links, withdrawal.

No names or contact details are stored: a participant is a code (P-001 …), service user or carer,
and a user group. Nobody gives answers without recorded consent. Withdrawing deletes every
response of the participant (their answers cascade), so they leave every analysis; the audit log
keeps the event with the code only.
"""

from __future__ import annotations

import csv
import datetime
import io
import re
from typing import cast

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from outcomes.models import (
    FollowUpSchedule,
    FollowUpSession,
    Participant,
    ParticipantLink,
    ParticipantResponse,
)
from outcomes.selectors.follow_up_questionnaire import live_follow_up
from outcomes.selectors.participants import STATUS_LABELS
from outcomes.selectors.responses import raw_answers
from poet.models import Audience, UserGroup
from poet.services import record_audit
from poet.spreadsheet import neutralise
from surveys.models import Draft, Questionnaire, Response, hash_token, new_token
from surveys.services.answering import CLOSED, UNKNOWN_LINK, RespondentProblem, start_draft

CODE = re.compile(r"^P-(\d+)$")
AUDIENCES = (Audience.SERVICE_USER, Audience.CARER)

# Words for the respondent, translated when the page shows them (cast: until RespondentProblem
# is typed for lazy text).
LINK_STOPPED = RespondentProblem(
    cast(str, gettext_lazy("This link no longer works")),
    cast(
        str,
        gettext_lazy(
            "You can no longer answer with this link. If you think this is wrong, ask the "
            "person who gave it to you."
        ),
    ),
    410,
)
LINK_REPLACED = RespondentProblem(
    cast(str, gettext_lazy("This link has been replaced")),
    cast(
        str,
        gettext_lazy(
            "A newer link was made for you, and this one no longer works. Use the newest link "
            "or letter you were given. Any answers you saved with this link carry on with the "
            "new one. If you have no newer link, ask the person who gave you this one."
        ),
    ),
    410,
)
LINK_USED = RespondentProblem(
    cast(str, gettext_lazy("You have already answered")),
    cast(
        str,
        gettext_lazy("Answers have already been sent with this link. Thank you for taking part."),
    ),
    410,
)


class ParticipantError(Exception):
    """A rule about participants was broken; the message is for the evaluator."""


def next_code(schedule: FollowUpSchedule) -> str:
    """The next free code of the schedule: one more than the highest P-number so far."""
    numbers = [
        int(m.group(1))
        for code in schedule.participants.values_list("code", flat=True)
        if (m := CODE.match(code))
    ]
    return f"P-{max(numbers, default=0) + 1:03d}"


def _check_consent(given_on: datetime.date | None, method: str) -> None:
    if bool(given_on) != bool(method):
        raise ParticipantError(_("Give both the date of consent and how it was given, or neither."))
    if given_on and given_on > timezone.localdate():
        raise ParticipantError(_("The date of consent must be today or in the past."))
    if method and method not in Participant.ConsentMethod.values:
        raise ParticipantError(_("Choose how consent was given."))


def register_participant(
    schedule: FollowUpSchedule,
    *,
    audience: str,
    user_group: UserGroup,
    consent_given_on: datetime.date | None = None,
    consent_method: str = "",
    session: FollowUpSession | None = None,
    actor=None,
) -> Participant:
    """Register a participant under the next free code; the signed-in evaluator records consent."""
    if audience not in AUDIENCES:
        raise ParticipantError(_("Choose service user or carer."))
    if user_group.partnership_id != schedule.wave.partnership_id:
        raise ParticipantError(_("Choose one of this partnership's user groups."))
    if session is not None and session.schedule_id != schedule.pk:
        raise ParticipantError(_("Choose one of this follow-up's sessions."))
    _check_consent(consent_given_on, consent_method)
    with transaction.atomic():
        # The schedule row lock makes two evaluators registering at once take different codes.
        locked = FollowUpSchedule.objects.select_for_update().get(pk=schedule.pk)
        participant = Participant.objects.create(
            schedule=locked,
            code=next_code(locked),
            audience=audience,
            user_group=user_group,
            consent_given_on=consent_given_on,
            consent_method=consent_method,
            consent_recorded_by=actor if consent_given_on else None,
            session=session,
        )
        record_audit(
            "participant.registered",
            actor=actor,
            partnership=schedule.wave.partnership,
            target=participant.code,
            wave=schedule.wave.slug,
            consent=bool(consent_given_on),
            session=session.pk if session else None,
        )
    return participant


def record_consent(
    participant: Participant, *, given_on: datetime.date, method: str, actor=None
) -> None:
    """Record the consent of a participant registered without it (by hand or by an import)."""
    if not given_on or not method:
        raise ParticipantError(_("Give the date of consent and how it was given."))
    _check_consent(given_on, method)
    if participant.withdrawn_on:
        raise ParticipantError(_("%(code)s has withdrawn.") % {"code": participant.code})
    participant.consent_given_on = given_on
    participant.consent_method = method
    participant.consent_recorded_by = actor
    participant.save(update_fields=["consent_given_on", "consent_method", "consent_recorded_by"])
    record_audit(
        "participant.consent_recorded",
        actor=actor,
        partnership=participant.schedule.wave.partnership,
        target=participant.code,
        method=method,
    )


def check_can_answer(participant: Participant) -> None:
    """Refuse answers from someone who has withdrawn or has not given consent."""
    if participant.withdrawn_on:
        raise ParticipantError(
            _("%(code)s withdrew on %(date)s: they cannot give answers.")
            % {"code": participant.code, "date": date_format(participant.withdrawn_on, "j F Y")}
        )
    if not participant.consent_given_on:
        raise ParticipantError(
            _("%(code)s has not given consent: record their consent before they give any answers.")
            % {"code": participant.code}
        )


def check_collecting(schedule: FollowUpSchedule) -> Questionnaire:
    """The live follow-up questionnaire, if the schedule is collecting answers."""
    questionnaire = live_follow_up(schedule.wave)
    if schedule.status != FollowUpSchedule.Status.OPEN or questionnaire is None:
        raise ParticipantError(
            _("The follow-up is not collecting answers: open it from the follow-up schedule first.")
        )
    return questionnaire


def withdraw(participant: Participant, *, actor=None) -> int:
    """Withdraw a participant: their responses are deleted so they leave every analysis.

    Returns how many responses were deleted. The audit entry keeps the code, never the answers.
    """
    with transaction.atomic():
        locked = Participant.objects.select_for_update().get(pk=participant.pk)
        if locked.withdrawn_on:
            return 0
        response_ids = list(
            ParticipantResponse.objects.filter(participant=locked).values_list(
                "response_id", flat=True
            )
        )
        deleted = (
            Response.objects.filter(pk__in=response_ids).delete()[1].get(Response._meta.label, 0)
        )
        Draft.objects.filter(context__participant=locked.pk).delete()
        ParticipantLink.objects.filter(participant=locked).delete()
        locked.withdrawn_on = timezone.localdate()
        locked.save(update_fields=["withdrawn_on"])
        record_audit(
            "participant.withdrawn",
            actor=actor,
            partnership=locked.schedule.wave.partnership,
            target=locked.code,
            wave=locked.schedule.wave.slug,
            responses_deleted=deleted,
        )
    participant.withdrawn_on = locked.withdrawn_on
    return deleted


def participant_link_url(token: str) -> str:
    """The participant's own link (the `respond:participant` page)."""
    base = getattr(settings, "SITE_URL", "http://127.0.0.1:8000").rstrip("/")
    return f"{base}/s/p/{token}/"


def create_link(participant: Participant, *, actor=None) -> str:
    """A new link for the participant to answer by themselves; only its hash is kept.

    Their earlier links that were not used stop working (each then says it was replaced), and
    answers saved part-way with one of them carry on with the new link.
    """
    check_can_answer(participant)
    check_collecting(participant.schedule)
    token, token_hash = new_token()
    with transaction.atomic():
        locked = Participant.objects.select_for_update().get(pk=participant.pk)
        earlier = list(
            ParticipantLink.objects.filter(
                participant=locked, used_on__isnull=True, replaced_on__isnull=True
            ).values_list("pk", flat=True)
        )
        ParticipantLink.objects.filter(pk__in=earlier).update(replaced_on=timezone.localdate())
        link = ParticipantLink.objects.create(participant=locked, token_hash=token_hash)
        Draft.objects.filter(context__participant=locked.pk, context__link__in=earlier).update(
            context={"participant": locked.pk, "link": link.pk}
        )
        record_audit(
            "participant.link_created",
            actor=actor,
            partnership=participant.schedule.wave.partnership,
            target=participant.code,
            links_replaced=len(earlier),
        )
    return token


def draft_for_participant_token(token: str) -> Draft:
    """The link starter of `respond:participant`: the participant's draft, started if need be."""
    link = (
        ParticipantLink.objects.filter(token_hash=hash_token(token or ""))
        .select_related("participant__schedule__wave")
        .first()
    )
    if link is None:
        raise UNKNOWN_LINK
    if link.used_on:
        raise LINK_USED
    if link.replaced_on:
        raise LINK_REPLACED
    participant = link.participant
    try:
        check_can_answer(participant)
    except ParticipantError:
        raise LINK_STOPPED from None
    schedule = participant.schedule
    questionnaire = live_follow_up(schedule.wave)
    if schedule.status != FollowUpSchedule.Status.OPEN or questionnaire is None:
        raise CLOSED
    existing = (
        Draft.objects.filter(context__participant=participant.pk, context__link=link.pk)
        .select_related("questionnaire__wave")
        .first()
    )
    if existing is not None:
        return existing
    draft = start_draft(
        questionnaire,
        audience=participant.audience,
        user_group_id=participant.user_group_id,
        context={"participant": participant.pk, "link": link.pk},
    )
    answered = (
        ParticipantResponse.objects.filter(participant=participant)
        .select_related("response")
        .first()
    )
    if answered is not None:
        # They have answers already (entered for them, or sent before): the link opens those
        # for them to check and correct, and sending replaces them (one response a person).
        draft.answers = raw_answers(answered.response)
        draft.easy_read = answered.easy_read
        draft.save(update_fields=["answers", "easy_read"])
    return draft


def check_follow_up_draft(draft: Draft) -> None:
    """The survey engine's draft check: a follow-up draft is answered only while its schedule
    collects answers, so a session started before closing can neither save nor submit."""
    if draft.questionnaire.audience != Questionnaire.For.FOLLOW_UP:
        return
    status = (
        FollowUpSchedule.objects.filter(wave_id=draft.questionnaire.wave_id)
        .values_list("status", flat=True)
        .first()
    )
    if status != FollowUpSchedule.Status.OPEN:
        raise CLOSED


REGISTER_COLUMNS = [
    "code",
    "audience",
    "user_group",
    "session",
    "consent",
    "consent_given_on",
    "status",
]


def export_register(
    schedule: FollowUpSchedule, rows, *, sessions: dict[int, str], filters: dict, actor=None
) -> str:
    """The register as CSV (one line per participant: code, audience, user group, session,
    consent and status; never an answer), every text cell neutralised like every file POET
    writes. The download is audited with how many people it listed and the filters used."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(REGISTER_COLUMNS)
    count = 0
    for p in rows:
        count += 1
        session = sessions.get(p.register_session_id, "") if p.register_session_id else ""
        writer.writerow(
            [
                neutralise(value)
                for value in (
                    p.code,
                    p.get_audience_display(),
                    p.user_group.name,
                    session,
                    p.get_consent_method_display() if p.consent_given_on else "",
                    p.consent_given_on.isoformat() if p.consent_given_on else "",
                    STATUS_LABELS.get(p.status, p.status),
                )
            ]
        )
    record_audit(
        "participants.exported",
        actor=actor,
        partnership=schedule.wave.partnership,
        target=str(schedule.wave),
        wave=schedule.wave.slug,
        participants=count,
        filters={k: v for k, v in filters.items() if v},
    )
    return out.getvalue()
