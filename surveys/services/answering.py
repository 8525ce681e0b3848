"""Answering a questionnaire without an account: links, drafts, sections, review and submit.

A member of staff reaches the survey by a personal invitation link or by the wave's open link.
Their answers sit in a Draft (item code → raw value) until they submit; submitting creates a
Response with a copy of organisation and staff group and the day only, and deletes the Draft in
the same transaction, so nothing links the response back to the invitation, its token or e-mail.

Raw values in a draft: Likert an int 1–5 or "dk"; single choice a string; multiple choice and
ranking a list of option values (ranking in rank order); number an int or float; free text a
string. A code whose value is None was seen and left blank, so "where they left off" is the
first section with a question not seen yet.

Service users and carers answer the follow-up questionnaire on the same pages. The engine knows
nothing of the follow-up (DESIGN §7): a higher part registers a *link starter* that turns its own
link into a Draft (audience, user group, and a `context` it wants back), a *draft check* that
refuses a draft its own collection no longer takes (a closed follow-up), and receives that context
with the new response through `surveys.signals.response_submitted`, sent inside the submit
transaction.
"""

from __future__ import annotations

import copy
import json
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime
from typing import TYPE_CHECKING, NamedTuple, Protocol, cast

from django.conf import settings
from django.db import IntegrityError, connection, transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy

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
from surveys.selectors.headcounts import has_open_place, open_link_is_full
from surveys.selectors.opening import is_accepting_answers
from surveys.selectors.questionnaire_versions import live_questionnaire
from surveys.services.headcounts import lock_open_link
from surveys.signals import response_submitted

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise

DONT_KNOW = "dk"
TEXT_LIMIT = 2000


class RespondentProblem(Exception):
    """Why a respondent cannot go on, worded for them, with the HTTP status of the page."""

    def __init__(self, title: StrOrPromise, message: StrOrPromise, status: int = 410) -> None:
        super().__init__(message)
        self.title = title
        self.message = message
        self.status = status


UNKNOWN_LINK = RespondentProblem(
    gettext_lazy("This link does not work"),
    gettext_lazy(
        "We could not find a survey for this link. Check that you copied the whole link from your "
        "e-mail, or ask the person who sent it for a new one."
    ),
    404,
)
ALREADY_SUBMITTED = RespondentProblem(
    gettext_lazy("You have already answered this survey"),
    gettext_lazy(
        "Answers have already been sent with this link. Each link can be used to answer once. "
        "Thank you for taking part."
    ),
    410,
)
CLOSED = RespondentProblem(
    gettext_lazy("This survey is closed"),
    gettext_lazy("The survey is no longer taking answers. Thank you for your interest."),
    410,
)
LINK_TURNED_OFF = RespondentProblem(
    gettext_lazy("This link has been turned off"),
    gettext_lazy(
        "The survey is no longer taking answers through this link. If you think this is wrong, "
        "ask the person who sent it to you."
    ),
    410,
)
LINK_FULL = RespondentProblem(
    gettext_lazy("This link is full"),
    gettext_lazy(
        "The survey has taken as many answers through this link as it was set up for, so it "
        "cannot take any more. Nothing more has been stored. If you think this is wrong, ask the "
        "person who sent you the link."
    ),
    410,
)
NO_SURVEY = RespondentProblem(
    gettext_lazy("No survey found"),
    gettext_lazy(
        "We could not find a survey in progress. Use the link in your invitation e-mail to start "
        "or carry on answering."
    ),
    403,
)


def check_wave(wave: Wave) -> None:
    """Refuse a wave that is not open, or is past its closing date."""
    if not is_accepting_answers(wave):
        raise CLOSED


DraftCheck = Callable[[Draft], None]
_draft_checks: list[DraftCheck] = []


def register_draft_check(check: DraftCheck) -> None:
    """Let a higher part refuse drafts of a collection it runs (e.g. a follow-up once closed).

    `check(draft)` raises RespondentProblem when the draft may no longer be answered; it is called
    for every draft that is not the staff survey's, each time one is read to be shown, saved or
    submitted (submit calls it inside its transaction, so a session started before closing
    stores nothing after).
    """
    if check not in _draft_checks:
        _draft_checks.append(check)


def check_draft(draft: Draft) -> None:
    """Refuse a draft that may no longer be answered.

    Staff answer while their wave is open. The follow-up runs on its own timetable (often after
    the staff wave has closed): the engine needs a frozen questionnaire, and the part running the
    follow-up says, through its draft check, whether it still takes answers.
    """
    questionnaire = draft.questionnaire
    if questionnaire.audience == Questionnaire.For.STAFF:
        check_wave(questionnaire.wave)
        return
    if not questionnaire.is_frozen:
        raise CLOSED
    for check in _draft_checks:
        check(draft)


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
    if open_link_is_full(link):
        raise LINK_FULL
    return link


def _live(wave: Wave) -> Questionnaire:
    questionnaire = live_questionnaire(wave)
    if questionnaire is None:
        raise CLOSED
    return questionnaire


_DRAFT_OF_INVITATION = """
    SELECT d.*, i.completed_on AS invitation_completed_on,
           w.status AS wave_status, w.closes_on AS wave_closes_on,
           q.frozen_at AS questionnaire_frozen_at
    FROM {draft} d
    JOIN {invitation} i ON i.id = d.invitation_id
    JOIN {wave} w ON w.id = i.wave_id
    JOIN {questionnaire} q ON q.id = d.questionnaire_id
    WHERE d.invitation_id = %s
"""


class _DraftState(Protocol):
    """What _DRAFT_OF_INVITATION reads beside the draft's own columns."""

    invitation_completed_on: date | None
    wave_status: str
    wave_closes_on: date | None
    questionnaire_frozen_at: datetime | None


def draft_for_invitation_id(invitation_id: int) -> Draft:
    """The draft of the invitation a session holds: one query when the draft exists (every
    page after the first), however many people have answered.

    Every page a respondent sees starts here, so it is one plain query: the draft with its
    invitation's completion and its wave's state as three extra columns (the ORM spent 1.1 ms
    of CPU building the same query, this 0.3 ms; benchmarks/load.py), and the questionnaire, a
    frozen version that never changes, from this process's memory.
    """
    sql = _DRAFT_OF_INVITATION.format(
        draft=Draft._meta.db_table,
        invitation=Invitation._meta.db_table,
        wave=Wave._meta.db_table,
        questionnaire=Questionnaire._meta.db_table,
    )
    draft = next(iter(Draft.objects.raw(sql, [invitation_id])), None)
    if draft is not None:
        # The columns the query adds to the draft, which the stubs cannot know.
        state = cast(_DraftState, draft)
        if state.invitation_completed_on is not None:
            raise ALREADY_SUBMITTED
        check_wave(Wave(status=state.wave_status, closes_on=state.wave_closes_on))
        frozen_at = state.questionnaire_frozen_at
        draft.questionnaire = questionnaire_of(draft.questionnaire_id, frozen_at)
        return draft
    invitation = Invitation.objects.filter(pk=invitation_id).first()
    if invitation is None:
        raise NO_SURVEY
    return draft_for_invitation(invitation)


_FROZEN_QUESTIONNAIRES: dict[tuple, Questionnaire] = {}


def questionnaire_of(pk: int, frozen_at) -> Questionnaire:
    """A questionnaire by id; a frozen one (which never changes: editing it makes the next
    version) is read once per process, kept under its id and freezing time like its sections
    (`sections_of`). Each caller gets its own copy of the object."""
    key = (pk, frozen_at)
    kept = _FROZEN_QUESTIONNAIRES.get(key) if frozen_at is not None else None
    if kept is None:
        kept = Questionnaire.objects.get(pk=pk)
        if kept.frozen_at is None or kept.frozen_at != frozen_at:
            return kept
        _keep(_FROZEN_QUESTIONNAIRES, key, kept)
    return copy.copy(kept)


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
        via_open_link=True,
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
    check_draft(draft)
    return draft


LinkStarter = Callable[[str], Draft]
_link_starters: dict[str, LinkStarter] = {}


def register_link_starter(kind: str, starter: LinkStarter) -> None:
    """Let a higher part turn its own kind of link (e.g. a participant's) into a Draft.

    `starter(token)` returns the Draft to answer (an existing one to carry on, or a new one from
    `start_draft`), or raises RespondentProblem.
    """
    _link_starters[kind] = starter


def draft_for_link(kind: str, token: str) -> Draft:
    starter = _link_starters.get(kind)
    if starter is None:
        raise UNKNOWN_LINK
    return starter(token)


def start_draft(
    questionnaire: Questionnaire,
    *,
    audience: str,
    user_group_id: int | None = None,
    easy_read: bool = False,
    context: dict | None = None,
) -> Draft:
    """A new draft for a service user or carer (no invitation, no organisation)."""
    if not questionnaire.is_frozen:
        raise CLOSED
    return Draft.objects.create(
        questionnaire=questionnaire,
        audience=audience,
        user_group_id=user_group_id,
        easy_read=easy_read,
        context=context or {},
    )


def set_easy_read(draft: Draft, on: bool) -> None:
    """Switch between standard and easy-read wording for the rest of the questionnaire."""
    draft.easy_read = on
    draft.save(update_fields=["easy_read", "updated_at"])


def set_language(draft: Draft, code: str) -> None:
    """The language they answer in from now on (kept for the response); their answers so far
    stay as they are, stored by item whatever the language."""
    draft.language = code
    draft.save(update_fields=["language", "updated_at"])


_FROZEN_SECTIONS: dict[tuple, list[Section]] = {}
_FROZEN_KEPT = 64  # versions kept per process, for each of the two stores


def _keep(store: dict, key: tuple, value) -> None:
    """Remember a frozen version's objects, forgetting the oldest beyond _FROZEN_KEPT."""
    if len(store) >= _FROZEN_KEPT:
        store.pop(next(iter(store)))
    store[key] = value


def sections_of(questionnaire: Questionnaire) -> list[Section]:
    """Sections in order, each with its items (and their outcome statements) loaded.

    A frozen version never changes (editing it makes the next version), so its sections are
    loaded once per process: every page a respondent sees needs them, and building a few
    hundred model objects per request was most of a section page's time. Treat them as
    read-only.
    """
    key = (questionnaire.pk, questionnaire.frozen_at)
    if questionnaire.frozen_at is not None and key in _FROZEN_SECTIONS:
        return _FROZEN_SECTIONS[key]
    sections = list(
        questionnaire.sections.order_by("order", "pk").prefetch_related("items__outcome")
    )
    sections = [s for s in sections if s.items.all()]
    if questionnaire.frozen_at is not None:
        _keep(_FROZEN_SECTIONS, key, sections)
    return sections


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
    draft.updated_at = timezone.now()
    # One plain UPDATE (every section submitted comes here; the ORM's save cost twice as much).
    # A draft submitted meanwhile in another tab is gone: nothing to keep, and the next page
    # says the survey was sent.
    with connection.cursor() as cursor:
        cursor.execute(
            f"UPDATE {connection.ops.quote_name(Draft._meta.db_table)} "
            "SET answers = %s, updated_at = %s WHERE id = %s",
            [
                json.dumps(answers),
                connection.ops.adapt_datetimefield_value(draft.updated_at),
                draft.pk,
            ],
        )


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


class AnswerValues(NamedTuple):
    """The columns of one stored answer, before it has a response."""

    item_id: int
    number: float | None = None
    text: str = ""
    choices: list | None = None
    dont_know: bool = False


def answer_row(item: Item, value) -> AnswerValues | None:
    """The stored answer for one raw value, or None when it is blank or no longer valid."""
    if not answered(value):
        return None
    kind = item.kind
    if kind == Item.Kind.LIKERT:
        if value == DONT_KNOW and item.allow_dont_know:
            return AnswerValues(item.pk, dont_know=True)
        if isinstance(value, int) and not isinstance(value, bool) and 1 <= value <= 5:
            return AnswerValues(item.pk, number=float(value))
        return None
    if kind == Item.Kind.NUMBER:
        if isinstance(value, int | float) and not isinstance(value, bool):
            return AnswerValues(item.pk, number=float(value))
        return None
    if kind == Item.Kind.TEXT:
        if isinstance(value, str):
            return AnswerValues(item.pk, text=value[:TEXT_LIMIT])
        return None
    if kind == Item.Kind.SINGLE:
        if isinstance(value, str) and value in option_values(item):
            return AnswerValues(item.pk, text=value, choices=[value])
        return None
    if kind in (Item.Kind.MULTIPLE, Item.Kind.RANKING):
        allowed = set(option_values(item))
        if isinstance(value, list) and value and all(v in allowed for v in value):
            return AnswerValues(item.pk, choices=list(value))
        return None
    return None


_INSERT_ANSWERS = """
    INSERT INTO {table} (response_id, item_id, number, text, choices, dont_know)
    SELECT %s, item_id, number, text, choices::jsonb, dont_know
    FROM unnest(%s::bigint[], %s::double precision[], %s::text[], %s::text[], %s::boolean[])
        AS a(item_id, number, text, choices, dont_know)
"""


def insert_answers(response: Response, rows: list[AnswerValues]) -> None:
    """Store a response's answers in one statement.

    On PostgreSQL the columns go as five arrays: building a few hundred Answer objects for
    bulk_create was half the CPU of submitting a survey (benchmarks/load.py). Elsewhere (the
    SQLite demo) it is bulk_create.
    """
    if not rows:
        return
    if connection.vendor != "postgresql":
        Answer.objects.bulk_create(Answer(response=response, **row._asdict()) for row in rows)
        return
    columns = list(zip(*rows, strict=True))
    choices = [None if c is None else json.dumps(c) for c in columns[3]]
    with connection.cursor() as cursor:
        cursor.execute(
            _INSERT_ANSWERS.format(table=connection.ops.quote_name(Answer._meta.db_table)),
            [
                response.pk,
                list(columns[0]),
                list(columns[1]),
                list(columns[2]),
                choices,
                list(columns[4]),
            ],
        )


class NotReady(Exception):
    """Submit refused: required questions are unanswered (``missing``), or none is answered
    at all (``missing`` empty)."""

    def __init__(self, missing: list[Missing]) -> None:
        super().__init__("Some required questions are unanswered.")
        self.missing = missing


def store_response(
    questionnaire: Questionnaire,
    answers: dict,
    *,
    audience: str,
    organisation_id: int | None = None,
    staff_group_id: int | None = None,
    user_group_id: int | None = None,
    sections: list[Section] | None = None,
    via_open_link: bool = False,
    awaiting_confirmation: bool = False,
    language: str = "",
) -> Response:
    """Store a complete set of answers (item code → raw value) as a Response, submitted today.

    Shared by the respondent's submit and an evaluator's assisted entry, so both store answers
    the same way. Call inside a transaction; values that are blank or no longer valid are left
    out. A response awaiting confirmation gets no day until it is confirmed.
    """
    response = Response.objects.create(
        wave=questionnaire.wave,
        questionnaire=questionnaire,
        audience=audience,
        organisation_id=organisation_id,
        staff_group_id=staff_group_id,
        user_group_id=user_group_id,
        submitted_on=None if awaiting_confirmation else timezone.localdate(),
        via_open_link=via_open_link,
        awaiting_confirmation=awaiting_confirmation,
        language=language or settings.LANGUAGE_CODE,
    )
    rows = []
    for section in sections if sections is not None else sections_of(questionnaire):
        for item in section.items.all():
            row = answer_row(item, (answers or {}).get(item.code))
            if row is not None:
                rows.append(row)
    insert_answers(response, rows)
    return response


def _admit_open_link(draft: Draft) -> bool:
    """For a draft from the open link: refuse it when the link is full, else say whether it must
    await confirmation (its cell's recorded headcount is taken). Under the link's row lock, so two
    submits at once cannot both take the last place."""
    link = lock_open_link(draft.questionnaire.wave_id)
    if link is None or open_link_is_full(link):
        raise LINK_FULL
    if draft.organisation_id is None or draft.staff_group_id is None:
        raise ValueError("An open-link draft has an organisation and a staff group")
    return not has_open_place(link.wave_id, draft.organisation_id, draft.staff_group_id)


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
        check_draft(draft)
        sections = sections_of(draft.questionnaire)
        missing = missing_required(draft, sections)
        if missing:
            raise NotReady(missing)
        if not any(
            answer_row(item, (draft.answers or {}).get(item.code)) is not None
            for section in sections
            for item in section.items.all()
        ):
            # A response without answers would be nobody (`surveys.selectors.respondents`).
            raise NotReady([])
        if draft.invitation_id is not None:
            updated = Invitation.objects.filter(
                pk=draft.invitation_id, completed_on__isnull=True
            ).update(completed_on=timezone.localdate())
            if updated != 1:
                draft.delete()
                return None
        staff = draft.audience == Audience.STAFF
        awaiting = _admit_open_link(draft) if draft.via_open_link else False
        response = store_response(
            draft.questionnaire,
            draft.answers or {},
            audience=draft.audience,
            organisation_id=draft.organisation_id if staff else None,
            staff_group_id=draft.staff_group_id if staff else None,
            user_group_id=None if staff else draft.user_group_id,
            sections=sections,
            via_open_link=draft.via_open_link,
            awaiting_confirmation=awaiting,
            language=draft.language,
        )
        # Also `easy_read`: whether they finished on easy-read wording.
        response_submitted.send(
            sender=Draft,
            response=response,
            context=dict(draft.context or {}),
            easy_read=draft.easy_read,
        )
        draft.delete()
    return response
