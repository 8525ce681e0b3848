"""The follow-up shortlist, read: what staff said about each outcome, what the product suggests
asking users and carers about, the evaluator's choices, and the outcomes people proposed.

Figures are read from the wave's latest release (`outcomes.selectors.staff_figures`: a comparison
run computed from the closed staff survey and protected with every other table of that run),
never from live answers: two looks a few answers apart cannot be subtracted, and reading a stored
run is fast at any size. Every hidden figure arrives with its reason; the page only shows it.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

import pandas as pd
from django.db.models import QuerySet
from django.utils.translation import gettext as _

from outcomes.models import ChosenOutcome, OutcomeProposal
from outcomes.selectors.follow_up_questionnaire import live_follow_up
from outcomes.selectors.responses import counted_responses
from outcomes.selectors.schedule import chosen_outcomes, schedule_of, staff_outcomes
from outcomes.selectors.staff_figures import StaffFigures, staff_figures
from poet.analysis import hidden_text
from poet.models import Audience, OutcomeStatement, Wave
from poet.selectors.outcome_statements import outcome_statements_for
from surveys.models import Answer, Questionnaire
from surveys.questionnaire_template import PROPOSED_OUTCOMES

Reason = ChosenOutcome.Reason
MOST_ENDORSED_COUNT = 5


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
    figures: StaffFigures | None = None  # the release the staff figures come from
    # Staff who responded (`surveys.selectors.respondents`): the base of every top-three share,
    # read from the release with the shares; None when every share is hidden.
    n_responded: int | None = None


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


def shortlist(wave: Wave) -> Shortlist:
    """Staff figures for every outcome of the wave's staff questionnaire, and the suggestions.

    The figures are those of the wave's latest comparison run: a release computed once, from a
    closed staff survey, protected with the rest of the run (so the shortlist never shows what
    the comparison hides, and two looks a few answers apart cannot be subtracted). With no run
    yet, the rows carry no figures and the page offers to compute them.
    """
    release = staff_figures(wave)
    k = release.k if release else wave.partnership.minimum_group_size
    summary = {(r["outcome"], r["measure"]): r for r in release.summary} if release else {}
    consensus = {(r["outcome"], r["measure"]): r for r in release.consensus} if release else {}
    picks = (
        {r["outcome"]: r for r in release.top_picks if r.get("audience") == Audience.STAFF}
        if release
        else {}
    )
    schedule = schedule_of(wave)
    chosen = {c.outcome_id: c for c in chosen_outcomes(schedule)} if schedule else {}
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
    n_staff = release.n_staff if release else 0
    bases: set[int] = set()
    for pick in picks.values():
        base = None if pick.get("suppressed") else _count(pick.get("n_respondents"))
        if base is not None:
            bases.add(base)
    if len(bases) > 1:  # one audience's shares have one base, always
        raise ValueError(f"Top-three shares of {wave} have different bases: {sorted(bases)}")
    return Shortlist(
        wave,
        k,
        n_staff,
        rows,
        suggest(rows, proposed_outcomes(wave)),
        release,
        n_responded=bases.pop() if bases else None,
    )


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
        outcome = proposal.outcome
        if outcome is not None:  # always: the query keeps only proposals with an outcome
            seen.setdefault(outcome.pk, outcome)
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
        shown,
        # pct_positive is never None in `shown`
        key=lambda r: (
            -(r.importance.pct_positive or 0),
            -(r.importance.mean or 0),
            r.outcome.code,
        ),
    )[:MOST_ENDORSED_COUNT]
    for r in endorsed:
        taken.add(r.outcome.pk)
        suggestions.append(
            Suggestion(
                r.outcome,
                Reason.MOST_ENDORSED,
                _("%(percent)s of %(n)s staff rated it important or essential.")
                % {"percent": _percent(r.importance.pct_positive), "n": r.importance.n},
            )
        )
    contested = sorted(
        (r for r in rows if r.importance.contested and r.outcome.pk not in taken),
        key=lambda r: (r.importance.share_within_one, r.outcome.code),
    )
    for r in contested:
        share = r.importance.share_within_one
        if share is None:  # contested means a share below two thirds
            raise ValueError(f"Outcome {r.outcome.code} is contested without a share")
        taken.add(r.outcome.pk)
        suggestions.append(
            Suggestion(
                r.outcome,
                Reason.CONTESTED,
                _(
                    "Staff disagree: only %(percent)s of %(n)s answers on importance are within "
                    "one point of the middle answer."
                )
                % {"percent": _percent(100 * share), "n": r.importance.n},
            )
        )
    for outcome in proposed:
        if outcome.pk not in taken:
            taken.add(outcome.pk)
            suggestions.append(
                Suggestion(outcome, Reason.PROPOSED, _("Proposed in free text and adopted."))
            )
    return suggestions


# --- choosing ----------------------------------------------------------------------------------


def choosable(wave: Wave) -> list[OutcomeStatement]:
    """What may be chosen here: the staff outcomes and the outcomes proposals became."""
    outcomes = {o.pk: o for o in staff_outcomes(wave)}
    for outcome in proposed_outcomes(wave):
        outcomes.setdefault(outcome.pk, outcome)
    return list(outcomes.values())


def chosen_for_follow_up(wave: Wave) -> list[ChosenOutcome]:
    """The outcomes on the wave's follow-up shortlist, in order (none without a schedule)."""
    schedule = schedule_of(wave)
    return list(chosen_outcomes(schedule)) if schedule else []


def frozen_follow_up(wave: Wave) -> Questionnaire | None:
    """The follow-up questionnaire users and carers get, once it is frozen."""
    return live_follow_up(wave)


# --- proposals ---------------------------------------------------------------------------------


def alphabetical(text: str) -> tuple[str, str]:
    """Sort key for free text: case-insensitive, then exact (the same on every database)."""
    return (text.strip().casefold(), text)


def proposal_texts(wave: Wave, audiences: list[str], questionnaire: str) -> list[str]:
    """Free-text proposals of submitted, counted responses; alphabetical, never in the order
    people answered: proposals' ids follow this order."""
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
    return outcome_statements_for(wave.partnership_id)


def library_outcome(wave: Wave, pk: int | None) -> OutcomeStatement | None:
    """One statement of the partnership's library, or None."""
    return library(wave).filter(pk=pk).first() if pk is not None else None
