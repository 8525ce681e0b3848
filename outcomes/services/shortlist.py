"""The follow-up shortlist, changed: choosing and unchoosing outcomes for the follow-up, and
deciding on the outcomes people proposed in free text (collect, adopt, merge, reject).

Choosing and unchoosing go through the follow-up schedule's services
(`outcomes.services.schedule`), which audit them; proposal decisions are audited here. The reads
(staff figures, suggestions, proposals) are in `outcomes.selectors.shortlist`.
"""

from __future__ import annotations

import re

from django.db import transaction
from django.utils.translation import gettext as _

from outcomes.models import ChosenOutcome, OutcomeProposal
from outcomes.selectors.schedule import schedule_of
from outcomes.selectors.shortlist import choosable, frozen_follow_up, library, proposal_texts
from outcomes.services import schedule as follow_up
from poet.models import Audience, OutcomeIcon, OutcomeStatement, Wave
from poet.services import record_audit
from surveys.models import Questionnaire

Reason = ChosenOutcome.Reason
CODE_PATTERN = re.compile(r"^O-[A-Z0-9][A-Z0-9-]{0,27}$")


class ShortlistError(Exception):
    """A rule of the shortlist was broken; the message is for the person who broke it, and
    ``field`` names the form field it is about where there is one."""

    def __init__(self, message: str, field: str = "") -> None:
        super().__init__(message)
        self.field = field


# --- choosing ----------------------------------------------------------------------------------


def choose(
    wave: Wave, choices: list[tuple[OutcomeStatement, str, str]], *, actor=None
) -> list[ChosenOutcome]:
    """Put outcomes on the wave's follow-up shortlist with the reason and note for each,
    creating the follow-up schedule if the wave has none yet. Already chosen ones are skipped."""
    if not choices:
        raise ShortlistError(_("Choose at least one outcome."))
    allowed = {o.pk for o in choosable(wave)}
    for outcome, reason, _note in choices:
        if outcome.pk not in allowed:
            raise ShortlistError(
                _("%(code)s is not an outcome of this wave's shortlist.") % {"code": outcome.code}
            )
        if reason not in Reason.values:
            raise ShortlistError(_("Choose why %(code)s is in.") % {"code": outcome.code})
    added = []
    with transaction.atomic():
        schedule = follow_up.create_schedule(wave, actor=actor)
        already = set(schedule.chosen_outcomes.values_list("outcome_id", flat=True))
        for outcome, reason, note in choices:
            if outcome.pk in already:
                continue
            try:
                added.append(
                    follow_up.add_chosen_outcome(
                        schedule, outcome, reason=reason, note=note, actor=actor
                    )
                )
            except follow_up.ScheduleError as e:
                raise ShortlistError(str(e)) from e
    return added


def unchoose(wave: Wave, outcome: OutcomeStatement, *, actor=None) -> None:
    """Take an outcome off the shortlist, unless the follow-up questionnaire built from the
    shortlist is already frozen (users and carers are answering it)."""
    schedule = schedule_of(wave)
    chosen = (
        ChosenOutcome.objects.filter(schedule=schedule, outcome=outcome).first()
        if schedule
        else None
    )
    if chosen is None:
        raise ShortlistError(_("%(code)s is not on the shortlist.") % {"code": outcome.code})
    if frozen_follow_up(wave) is not None:
        raise ShortlistError(
            _(
                "%(code)s cannot be taken off: the follow-up questionnaire built from the "
                "shortlist is frozen, and service users and carers may already be answering it."
            )
            % {"code": outcome.code}
        )
    try:
        follow_up.remove_chosen_outcome(chosen, actor=actor)
    except follow_up.ScheduleError as e:
        raise ShortlistError(str(e)) from e


# --- proposals ---------------------------------------------------------------------------------


def normalised(text: str) -> str:
    """The form two proposals are compared in: spaces collapsed, case and end punctuation
    ignored."""
    return " ".join(text.split()).casefold().rstrip(".!?")


@transaction.atomic
def collect_proposals(wave: Wave, *, actor=None) -> int:
    """Turn the wave's free-text proposals into `OutcomeProposal`s, once each: staff answers
    (source staff) and users' and carers' answers to the follow-up (source users), submitted
    responses only. The same text (ignoring spaces, case and end punctuation) from the same
    source becomes one proposal, and collecting again adds only new texts. Returns how many
    were added."""
    Wave.objects.select_for_update().get(pk=wave.pk)  # two clicks cannot add the same twice
    existing = {
        (source, normalised(text))
        for source, text in OutcomeProposal.objects.filter(wave=wave).values_list("source", "text")
    }
    sources = [
        (
            OutcomeStatement.Source.STAFF,
            proposal_texts(wave, [Audience.STAFF], Questionnaire.For.STAFF),
        ),
        (
            OutcomeStatement.Source.USERS,
            proposal_texts(
                wave, [Audience.SERVICE_USER, Audience.CARER], Questionnaire.For.FOLLOW_UP
            ),
        ),
    ]
    new = []
    for source, texts in sources:
        for text in texts:
            key = (source.value, normalised(text))
            if not key[1] or key in existing:
                continue
            existing.add(key)
            new.append(OutcomeProposal(wave=wave, source=source, text=" ".join(text.split())))
    OutcomeProposal.objects.bulk_create(new)
    record_audit(
        "shortlist.proposals_collected",
        actor=actor,
        partnership=wave.partnership,
        target=str(wave),
        wave=wave.slug,
        added=len(new),
    )
    return len(new)


def _pending(proposal: OutcomeProposal) -> OutcomeProposal:
    locked = (
        OutcomeProposal.objects.select_for_update()
        .select_related("wave__partnership")
        .get(pk=proposal.pk)
    )
    if locked.status != OutcomeProposal.Status.PENDING:
        raise ShortlistError(
            _("This proposal has already been decided (%(decision)s).")
            % {"decision": locked.get_status_display().lower()}
        )
    return locked


def _decided(proposal: OutcomeProposal, action: str, actor, **detail) -> None:
    record_audit(
        action,
        actor=actor,
        partnership=proposal.wave.partnership,
        target=proposal.text[:300],
        wave=proposal.wave.slug,
        proposal=proposal.pk,
        **detail,
    )


def check_code(wave: Wave, code: str) -> str:
    """An outcome code in its stored form (upper case), refused if malformed or taken in the
    partnership or the built-in library."""
    code = (code or "").strip().upper()
    if not CODE_PATTERN.match(code):
        raise ShortlistError(
            _(
                "Enter a code that starts with O- followed by letters, numbers or hyphens, "
                "like O-TRANSPORT."
            ),
            field="code",
        )
    clash = library(wave).filter(code__iexact=code).first()
    if clash is not None:
        message = (
            _(
                "The code %(code)s is already used in the built-in library for “%(text)s”. "
                "Choose another code."
            )
            if clash.partnership_id is None
            else _(
                "The code %(code)s is already used in this partnership for “%(text)s”. "
                "Choose another code."
            )
        )
        raise ShortlistError(message % {"code": code, "text": clash.text}, field="code")
    return code


@transaction.atomic
def adopt(
    proposal: OutcomeProposal,
    *,
    code: str,
    text: str,
    easy_read_text: str = "",
    icon: str = "",
    actor=None,
) -> OutcomeStatement:
    """Adopt a proposal as a new outcome of the partnership's library, with its own code (and
    the picture shown beside it; blank: one that fits its words)."""
    locked = _pending(proposal)
    wave = locked.wave
    code = check_code(wave, code)
    text = " ".join((text or "").split())
    if not text:
        raise ShortlistError(_("Write the outcome as a statement, for example “I can get out”."))
    if len(text) > 300 or len(easy_read_text or "") > 300:
        raise ShortlistError(_("Keep the outcome to 300 characters or fewer."))
    if icon and icon not in OutcomeIcon.values:
        raise ShortlistError(_("Choose a picture from the list."))
    statement = OutcomeStatement.objects.create(
        icon=icon or "",
        partnership=wave.partnership,
        code=code,
        text=text,
        easy_read_text=" ".join((easy_read_text or "").split()),
        source=locked.source,
    )
    locked.status = OutcomeProposal.Status.ADOPTED
    locked.outcome = statement
    locked.decided_by = actor if actor is not None and actor.is_authenticated else None
    locked.save(update_fields=["status", "outcome", "decided_by"])
    _decided(locked, "shortlist.proposal_adopted", actor, outcome=code)
    return statement


@transaction.atomic
def merge(proposal: OutcomeProposal, outcome: OutcomeStatement, *, actor=None) -> None:
    """Record that a proposal says the same as an outcome the library already has."""
    locked = _pending(proposal)
    if not library(locked.wave).filter(pk=outcome.pk).exists():
        raise ShortlistError(_("Choose an outcome from this partnership's library."))
    locked.status = OutcomeProposal.Status.MERGED
    locked.outcome = outcome
    locked.decided_by = actor if actor is not None and actor.is_authenticated else None
    locked.save(update_fields=["status", "outcome", "decided_by"])
    _decided(locked, "shortlist.proposal_merged", actor, outcome=outcome.code)


@transaction.atomic
def reject(proposal: OutcomeProposal, *, reason: str, actor=None) -> None:
    """Do not take a proposal forward, saying why."""
    locked = _pending(proposal)
    reason = (reason or "").strip()
    if not reason:
        raise ShortlistError(_("Say why this proposal is not taken forward."))
    locked.status = OutcomeProposal.Status.REJECTED
    locked.reason = reason
    locked.decided_by = actor if actor is not None and actor.is_authenticated else None
    locked.save(update_fields=["status", "reason", "decided_by"])
    record_audit(
        "shortlist.proposal_rejected",
        actor=actor,
        partnership=locked.wave.partnership,
        target=locked.text[:300],
        reason=reason,
        wave=locked.wave.slug,
        proposal=locked.pk,
    )
