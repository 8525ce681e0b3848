"""Answering the staff survey without an account: links, drafts, sections, review and submit.

A member of staff reaches the survey by a personal invitation link or by the wave's open link.
Their answers sit in a Draft (item code → raw value) until they submit; submitting creates a
Response with a copy of organisation and staff group and the day only, and deletes the Draft in
the same transaction, so nothing links the response back to the invitation, its token or e-mail.

Raw values in a draft: Likert an int 1–5 or "dk"; single choice a string; multiple choice and
ranking a list of option values (ranking in rank order); number an int or float; free text a
string. A code whose value is None was seen and left blank, so "where they left off" is the
first section with a question not seen yet.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db import IntegrityError, transaction
from django.utils import timezone

from poet.models import Audience, Organisation, StaffGroup, Wave
from surveys.models import (
    Answer,
    Draft,
    Invitation,
    InvitationToken,
    Item,
    OpenLink,
    Questionnaire,
    Response,
    Section,
    hash_token,
    new_token,
)
from surveys.questionnaires import is_accepting_answers, live_questionnaire

DONT_KNOW = "dk"
TEXT_LIMIT = 2000


class RespondentProblem(Exception):
    """Why a respondent cannot go on, worded for them, with the HTTP status of the page."""

    def __init__(self, title: str, message: str, status: int = 410) -> None:
        super().__init__(message)
        self.title = title
        self.message = message
        self.status = status


UNKNOWN_LINK = RespondentProblem(
    "This link does not work",
    "We could not find a survey for this link. Check that you copied the whole link from your "
    "e-mail, or ask the person who sent it for a new one.",
    404,
)
ALREADY_SUBMITTED = RespondentProblem(
    "You have already answered this survey",
    "Answers have already been sent with this link. Each link can be used to answer once. "
    "Thank you for taking part.",
    410,
)
CLOSED = RespondentProblem(
    "This survey is closed",
    "The survey is no longer taking answers. Thank you for your interest.",
    410,
)
LINK_TURNED_OFF = RespondentProblem(
    "This link has been turned off",
    "The survey is no longer taking answers through this link. If you think this is wrong, "
    "ask the person who sent it to you.",
    410,
)
NO_SURVEY = RespondentProblem(
    "No survey found",
    "We could not find a survey in progress. Use the link in your invitation e-mail to start "
    "or carry on answering.",
    403,
)


def check_wave(wave: Wave) -> None:
    """Refuse a wave that is not open, or is past its closing date."""
    if not is_accepting_answers(wave):
        raise CLOSED


def invitation_for_token(token: str) -> Invitation:
    """The invitation a personal link belongs to, if it may still be used."""
    found = (
        InvitationToken.objects.filter(token_hash=hash_token(token or ""))
        .select_related("invitation__wave")
        .first()
    )
    if found is None:
        raise UNKNOWN_LINK
    invitation = found.invitation
    if invitation.is_completed:
        raise ALREADY_SUBMITTED
    check_wave(invitation.wave)
    return invitation


def open_link_for_token(token: str) -> OpenLink:
    """The open link of a wave, if it is still on and its wave takes answers."""
    link = (
        OpenLink.objects.filter(token_hash=hash_token(token or ""))
        .select_related("wave__partnership")
        .first()
    )
    if link is None:
        raise UNKNOWN_LINK
    if not link.active:
        raise LINK_TURNED_OFF
    check_wave(link.wave)
    return link


def _live(wave: Wave) -> Questionnaire:
    questionnaire = live_questionnaire(wave)
    if questionnaire is None:
        raise CLOSED
    return questionnaire


def draft_for_invitation(invitation: Invitation) -> Draft:
    """The invitee's draft, started on the newest frozen version if they have none yet."""
    invitation = Invitation.objects.select_related("wave").get(pk=invitation.pk)
    if invitation.is_completed:
        raise ALREADY_SUBMITTED
    check_wave(invitation.wave)
    draft = Draft.objects.filter(invitation=invitation).select_related("questionnaire").first()
    if draft is not None:
        return draft
    try:
        with transaction.atomic():
            return Draft.objects.create(
                invitation=invitation,
                questionnaire=_live(invitation.wave),
                organisation_id=invitation.organisation_id,
                staff_group_id=invitation.staff_group_id,
            )
    except IntegrityError:  # a second tab created it at the same moment
        return Draft.objects.get(invitation=invitation)


def start_open_draft(
    link: OpenLink, organisation: Organisation, staff_group: StaffGroup
) -> tuple[Draft, str]:
    """A draft for someone who came by the open link, and the token to resume it later."""
    if (
        organisation.partnership_id != link.wave.partnership_id
        or staff_group.partnership_id != link.wave.partnership_id
    ):
        raise UNKNOWN_LINK
    token, token_hash = new_token()
    draft = Draft.objects.create(
        questionnaire=_live(link.wave),
        resume_token_hash=token_hash,
        organisation=organisation,
        staff_group=staff_group,
    )
    return draft, token


def draft_for_resume_token(token: str) -> Draft:
    """The open-link draft a "save and come back" link belongs to."""
    draft = (
        Draft.objects.filter(resume_token_hash=hash_token(token or ""))
        .select_related("questionnaire__wave")
        .first()
    )
    if draft is None:
        raise UNKNOWN_LINK
    check_wave(draft.questionnaire.wave)
    return draft


def sections_of(questionnaire: Questionnaire) -> list[Section]:
    """Sections in order, each with its items (and their outcome statements) loaded."""
    sections = list(
        questionnaire.sections.order_by("order", "pk").prefetch_related("items__outcome")
    )
    return [s for s in sections if s.items.all()]


def answered(value) -> bool:
    return value not in (None, "", [])


def save_section(draft: Draft, values: dict, *, complete: bool) -> None:
    """Keep a section's answers in the draft.

    `values` maps each item code of the section to its cleaned raw value (None when blank).
    When the section is complete (Continue), blanks are kept as seen-and-left-blank; when it is
    saved part-way (Back, Save and come back later), only the answers given are kept.
    """
    answers = dict(draft.answers or {})
    for code, value in values.items():
        if answered(value) or complete:
            answers[code] = value if answered(value) else None
        else:
            answers.pop(code, None)
    draft.answers = answers
    draft.save(update_fields=["answers", "updated_at"])


def first_unanswered_section(draft: Draft, sections: list[Section]) -> int | None:
    """Where they left off: the number (from 1) of the first section with a question not yet
    seen, or None when every section has been seen."""
    seen = set((draft.answers or {}).keys())
    for number, section in enumerate(sections, start=1):
        if any(item.code not in seen for item in section.items.all()):
            return number
    return None


@dataclass(frozen=True)
class Missing:
    section_number: int
    item: Item


def missing_required(draft: Draft, sections: list[Section]) -> list[Missing]:
    """Required questions still without an answer ("don't know" counts as an answer)."""
    answers = draft.answers or {}
    return [
        Missing(number, item)
        for number, section in enumerate(sections, start=1)
        for item in section.items.all()
        if item.required and not answered(answers.get(item.code))
    ]


def option_values(item: Item) -> list[str]:
    return [str(c.get("value")) for c in (item.choices or []) if isinstance(c, dict)]


def answer_row(item: Item, value) -> Answer | None:
    """The stored answer for one raw value, or None when it is blank or no longer valid."""
    if not answered(value):
        return None
    kind = item.kind
    if kind == Item.Kind.LIKERT:
        if value == DONT_KNOW and item.allow_dont_know:
            return Answer(item=item, dont_know=True, number=None)
        if isinstance(value, int) and not isinstance(value, bool) and 1 <= value <= 5:
            return Answer(item=item, number=value)
        return None
    if kind == Item.Kind.NUMBER:
        if isinstance(value, int | float) and not isinstance(value, bool):
            return Answer(item=item, number=float(value))
        return None
    if kind == Item.Kind.TEXT:
        return Answer(item=item, text=str(value)[:TEXT_LIMIT]) if isinstance(value, str) else None
    if kind == Item.Kind.SINGLE:
        if isinstance(value, str) and value in option_values(item):
            return Answer(item=item, text=value, choices=[value])
        return None
    if kind in (Item.Kind.MULTIPLE, Item.Kind.RANKING):
        allowed = set(option_values(item))
        if isinstance(value, list) and value and all(v in allowed for v in value):
            return Answer(item=item, choices=list(value))
        return None
    return None


class NotReady(Exception):
    """Submit refused: required questions are unanswered."""

    def __init__(self, missing: list[Missing]) -> None:
        super().__init__("Some required questions are unanswered.")
        self.missing = missing


def submit(draft_id: int) -> Response | None:
    """Turn a draft into a response, once.

    Returns the new response, or None when the draft was already submitted (a second click, the
    back button, a replayed request): the caller shows the thank-you page either way.
    """
    with transaction.atomic():
        draft = (
            Draft.objects.select_for_update()
            .select_related("questionnaire__wave")
            .filter(pk=draft_id)
            .first()
        )
        if draft is None:
            return None
        wave = draft.questionnaire.wave
        check_wave(wave)
        sections = sections_of(draft.questionnaire)
        missing = missing_required(draft, sections)
        if missing:
            raise NotReady(missing)
        today = timezone.localdate()
        if draft.invitation_id is not None:
            updated = Invitation.objects.filter(
                pk=draft.invitation_id, completed_on__isnull=True
            ).update(completed_on=today)
            if updated != 1:
                draft.delete()
                return None
        response = Response.objects.create(
            wave=wave,
            questionnaire=draft.questionnaire,
            audience=Audience.STAFF,
            organisation_id=draft.organisation_id,
            staff_group_id=draft.staff_group_id,
            submitted_on=today,
        )
        answers = draft.answers or {}
        rows = []
        for section in sections:
            for item in section.items.all():
                row = answer_row(item, answers.get(item.code))
                if row is not None:
                    row.response = response
                    rows.append(row)
        Answer.objects.bulk_create(rows)
        draft.delete()
    return response
