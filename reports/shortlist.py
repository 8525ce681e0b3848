"""The follow-up shortlist: what staff said about each outcome, what the product suggests asking
users and carers about, the evaluator's choices, and the outcomes people proposed in free text.

Figures are read from the wave's latest comparison run (a release computed from the closed staff
survey and protected with every other table of that run), never from live answers: two looks a
few answers apart cannot be subtracted, and reading a stored run is fast at any size. Every
hidden figure arrives with its reason; the page only shows it. Choosing and
unchoosing go through the follow-up services of `outcomes.schedule`, which audit them; proposal
decisions are audited here.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass, field

import pandas as pd
from django.db import transaction
from django.db.models import F, Q, QuerySet

from outcomes.models import ChosenOutcome, FollowUpSchedule, OutcomeProposal
from outcomes.selectors import schedule as follow_up_reads
from outcomes.services import schedule as follow_up
from poet.analysis import (
    hidden_text,
)
from poet.models import Audience, OutcomeStatement, Wave
from poet.services import record_audit
from reports.loaders import counted_responses
from reports.models import ComparisonRun
from reports.selectors import latest_run
from surveys.models import Answer, Questionnaire
from surveys.questionnaires import live_questionnaire
from surveys.template import PROPOSED_OUTCOMES

Reason = ChosenOutcome.Reason
MOST_ENDORSED_COUNT = 5
CODE_PATTERN = re.compile(r"^O-[A-Z0-9][A-Z0-9-]{0,27}$")


class ShortlistError(Exception):
    """A rule of the shortlist was broken; the message is for the person who broke it."""


# --- figures -----------------------------------------------------------------------------------


@dataclass
class Figures:
    """One measure of one outcome, as staff answered it; everything None when suppressed."""

    suppressed: bool = True
    hidden: str = ""  # why, in words, when suppressed
    n: int | None = None
    mean: float | None = None
    pct_positive: float | None = None
    median: float | None = None
    iqr: float | None = None
    share_within_one: float | None = None
    contested: bool | None = None


@dataclass
class TopPicks:
    suppressed: bool = True
    hidden: str = ""
    n_picking: int | None = None
    share: float | None = None  # 0..1 of staff respondents


@dataclass
class ShortlistRow:
    outcome: OutcomeStatement
    importance: Figures = field(default_factory=Figures)
    achievement: Figures = field(default_factory=Figures)
    top_picks: TopPicks = field(default_factory=TopPicks)
    chosen: ChosenOutcome | None = None


@dataclass
class Suggestion:
    outcome: OutcomeStatement
    reason: str  # a ChosenOutcome.Reason value
    why: str


@dataclass
class Shortlist:
    wave: Wave
    k: int
    n_staff: int
    rows: list[ShortlistRow]
    suggestions: list[Suggestion]
    run: ComparisonRun | None = None  # the release the staff figures come from


def _value(value) -> float | None:
    if value is None or value is pd.NA:
        return None
    try:
        number = float(value)
    except (TypeError, ValueError):
        return None
    return None if math.isnan(number) else number


def _count(value) -> int | None:
    number = _value(value)
    return None if number is None else int(number)


def _hidden(record: dict | None, k: int) -> str:
    if record is None:
        return "no answers from staff"
    return hidden_text(record.get("suppression") or "", k) if record.get("suppressed") else ""


def _figures(summary: dict, consensus: dict, code: str, measure: str, k: int) -> Figures:
    """One outcome measure's staff figures from the stored release (hidden as it hides them)."""
    record = summary.get((code, measure))
    if record is None or record.get("suppressed"):
        return Figures(hidden=_hidden(record, k))
    figures = Figures(
        suppressed=False,
        n=_count(record.get("n")),
        mean=_value(record.get("mean")),
        median=_value(record.get("median")),
        pct_positive=_value(record.get("pct_positive")),
    )
    agreement = consensus.get((code, measure))
    if agreement is not None and not agreement.get("suppressed"):
        figures.iqr = _value(agreement.get("iqr"))
        figures.share_within_one = _value(agreement.get("share_within_one"))
        figures.contested = bool(agreement.get("contested"))
    return figures


def staff_outcomes(wave: Wave) -> list[OutcomeStatement]:
    """The outcomes the wave's staff questionnaire asks about, in the order asked."""
    return follow_up_reads.staff_outcomes(wave)


def shortlist(wave: Wave) -> Shortlist:
    """Staff figures for every outcome of the wave's staff questionnaire, and the suggestions.

    The figures are those of the wave's latest comparison run: a release computed once, from a
    closed staff survey, protected with the rest of the run (so the shortlist never shows what
    the comparison hides, and two looks a few answers apart cannot be subtracted). With no run
    yet, the rows carry no figures and the page offers to compute them.
    """
    run = latest_run(wave)
    k = run.k if run else wave.partnership.minimum_group_size
    summary = {(r["outcome"], r["measure"]): r for r in run.staff_summary} if run else {}
    consensus = {(r["outcome"], r["measure"]): r for r in run.staff_consensus} if run else {}
    picks = (
        {r["outcome"]: r for r in run.top_picks if r.get("audience") == Audience.STAFF}
        if run
        else {}
    )
    schedule = follow_up_reads.schedule_of(wave)
    chosen = (
        {c.outcome_id: c for c in follow_up_reads.chosen_outcomes(schedule)} if schedule else {}
    )
    rows = []
    for outcome in staff_outcomes(wave):
        row = ShortlistRow(
            outcome=outcome,
            importance=_figures(summary, consensus, outcome.code, "importance", k),
            achievement=_figures(summary, consensus, outcome.code, "achievement", k),
            chosen=chosen.get(outcome.pk),
        )
        pick = picks.get(outcome.code)
        if pick is not None and not pick.get("suppressed"):
            row.top_picks = TopPicks(False, "", _count(pick["n_picking"]), _value(pick["share"]))
        else:
            row.top_picks = TopPicks(hidden=_hidden(pick, k))
        rows.append(row)
    n_staff = run.n_staff if run else 0
    return Shortlist(wave, k, n_staff, rows, suggest(rows, proposed_outcomes(wave)), run)


def proposed_outcomes(wave: Wave) -> list[OutcomeStatement]:
    """Outcomes adopted from this wave's proposals (or proposals merged into them)."""
    seen: dict[int, OutcomeStatement] = {}
    for proposal in (
        OutcomeProposal.objects.filter(
            wave=wave,
            status__in=[OutcomeProposal.Status.ADOPTED, OutcomeProposal.Status.MERGED],
            outcome__isnull=False,
        )
        .select_related("outcome")
        .order_by("pk")
    ):
        seen.setdefault(proposal.outcome_id, proposal.outcome)
    return list(seen.values())


def _percent(value: float | None) -> str:
    return f"{round(value)}%" if value is not None else ""


def suggest(rows: list[ShortlistRow], proposed: list[OutcomeStatement]) -> list[Suggestion]:
    """The product's suggested shortlist, each with why: the most endorsed by staff (highest %
    rating importance 4 or 5, shown figures only), the most contested (lowest share of answers
    within one point of the median), and outcomes proposed in free text."""
    suggestions: list[Suggestion] = []
    taken: set[int] = set()
    shown = [
        r for r in rows if not r.importance.suppressed and r.importance.pct_positive is not None
    ]
    endorsed = sorted(
        shown, key=lambda r: (-r.importance.pct_positive, -(r.importance.mean or 0), r.outcome.code)
    )[:MOST_ENDORSED_COUNT]
    for r in endorsed:
        taken.add(r.outcome.pk)
        suggestions.append(
            Suggestion(
                r.outcome,
                Reason.MOST_ENDORSED,
                f"{_percent(r.importance.pct_positive)} of {r.importance.n} staff rated it "
                "important or essential.",
            )
        )
    contested = sorted(
        (r for r in rows if r.importance.contested and r.outcome.pk not in taken),
        key=lambda r: (r.importance.share_within_one, r.outcome.code),
    )
    for r in contested:
        taken.add(r.outcome.pk)
        suggestions.append(
            Suggestion(
                r.outcome,
                Reason.CONTESTED,
                f"Staff disagree: only {_percent(100 * r.importance.share_within_one)} of "
                f"{r.importance.n} answers on importance are within one point of the middle "
                "answer.",
            )
        )
    for outcome in proposed:
        if outcome.pk not in taken:
            taken.add(outcome.pk)
            suggestions.append(
                Suggestion(outcome, Reason.PROPOSED, "Proposed in free text and adopted.")
            )
    return suggestions


# --- choosing ----------------------------------------------------------------------------------


def choosable(wave: Wave) -> list[OutcomeStatement]:
    """What may be chosen here: the staff outcomes and the outcomes proposals became."""
    outcomes = {o.pk: o for o in staff_outcomes(wave)}
    for outcome in proposed_outcomes(wave):
        outcomes.setdefault(outcome.pk, outcome)
    return list(outcomes.values())


def frozen_follow_up(wave: Wave) -> Questionnaire | None:
    """The follow-up questionnaire users and carers get, once it is frozen."""
    return live_questionnaire(wave, Questionnaire.For.FOLLOW_UP)


def choose(
    wave: Wave, choices: list[tuple[OutcomeStatement, str, str]], *, actor=None
) -> list[ChosenOutcome]:
    """Put outcomes on the wave's follow-up shortlist with the reason and note for each,
    creating the follow-up schedule if the wave has none yet. Already chosen ones are skipped."""
    if not choices:
        raise ShortlistError("Choose at least one outcome.")
    allowed = {o.pk for o in choosable(wave)}
    for outcome, reason, _ in choices:
        if outcome.pk not in allowed:
            raise ShortlistError(f"{outcome.code} is not an outcome of this wave's shortlist.")
        if reason not in Reason.values:
            raise ShortlistError(f"Choose why {outcome.code} is in.")
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
    schedule = follow_up_reads.schedule_of(wave)
    chosen = (
        ChosenOutcome.objects.filter(schedule=schedule, outcome=outcome).first()
        if schedule
        else None
    )
    if chosen is None:
        raise ShortlistError(f"{outcome.code} is not on the shortlist.")
    if frozen_follow_up(wave) is not None:
        raise ShortlistError(
            f"{outcome.code} cannot be taken off: the follow-up questionnaire built from the "
            "shortlist is frozen, and service users and carers may already be answering it."
        )
    try:
        follow_up.remove_chosen_outcome(chosen, actor=actor)
    except follow_up.ScheduleError as e:
        raise ShortlistError(str(e)) from e


# --- proposals ---------------------------------------------------------------------------------


def alphabetical(text: str) -> tuple[str, str]:
    """Sort key for free text: case-insensitive, then exact (the same on every database)."""
    return (text.strip().casefold(), text)


def normalised(text: str) -> str:
    """The form two proposals are compared in: spaces collapsed, case and end punctuation
    ignored."""
    return " ".join(text.split()).casefold().rstrip(".!?")


def _proposal_texts(wave: Wave, audiences: list[str], questionnaire: str) -> list[str]:
    """Alphabetical, never in the order people answered: proposals' ids follow this order."""
    texts = (
        Answer.objects.filter(
            response__in=counted_responses(wave).filter(audience__in=audiences),
            item__code=PROPOSED_OUTCOMES,
            item__section__questionnaire__audience=questionnaire,
        )
        .exclude(text="")
        .values_list("text", flat=True)
    )
    return sorted(texts, key=alphabetical)


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
            _proposal_texts(wave, [Audience.STAFF], Questionnaire.For.STAFF),
        ),
        (
            OutcomeStatement.Source.USERS,
            _proposal_texts(
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


def proposals(wave: Wave) -> list[OutcomeProposal]:
    """By decision, then alphabetically (never in the order people answered)."""
    found = OutcomeProposal.objects.filter(wave=wave).select_related("outcome")
    return sorted(found, key=lambda p: (p.status, alphabetical(p.text), p.source))


def proposal_of(wave: Wave, pk) -> OutcomeProposal | None:
    try:
        return OutcomeProposal.objects.filter(wave=wave, pk=int(pk)).first()
    except (TypeError, ValueError):
        return None


def library(wave: Wave) -> QuerySet[OutcomeStatement]:
    """The statements of the partnership's outcome library: built-in, then its own."""
    return OutcomeStatement.objects.filter(
        Q(partnership__isnull=True) | Q(partnership=wave.partnership_id)
    ).order_by(F("partnership_id").asc(nulls_first=True), "code")


def _pending(proposal: OutcomeProposal) -> OutcomeProposal:
    locked = OutcomeProposal.objects.select_for_update().select_related("wave__partnership")
    locked = locked.get(pk=proposal.pk)
    if locked.status != OutcomeProposal.Status.PENDING:
        raise ShortlistError(
            f"This proposal has already been decided ({locked.get_status_display().lower()})."
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
            "Enter a code that starts with O- followed by letters, numbers or hyphens, "
            "like O-TRANSPORT."
        )
    clash = library(wave).filter(code__iexact=code).first()
    if clash is not None:
        where = "the built-in library" if clash.partnership_id is None else "this partnership"
        raise ShortlistError(
            f"The code {code} is already used in {where} for “{clash.text}”. Choose another code."
        )
    return code


@transaction.atomic
def adopt(
    proposal: OutcomeProposal,
    *,
    code: str,
    text: str,
    easy_read_text: str = "",
    actor=None,
) -> OutcomeStatement:
    """Adopt a proposal as a new outcome of the partnership's library, with its own code."""
    locked = _pending(proposal)
    wave = locked.wave
    code = check_code(wave, code)
    text = " ".join((text or "").split())
    if not text:
        raise ShortlistError("Write the outcome as a statement, for example “I can get out”.")
    if len(text) > 300 or len(easy_read_text or "") > 300:
        raise ShortlistError("Keep the outcome to 300 characters or fewer.")
    statement = OutcomeStatement.objects.create(
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
        raise ShortlistError("Choose an outcome from this partnership's library.")
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
        raise ShortlistError("Say why this proposal is not taken forward.")
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


def schedule_of(wave: Wave) -> FollowUpSchedule | None:
    return follow_up_reads.schedule_of(wave)
