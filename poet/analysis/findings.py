"""Key findings: the three to five things a board should know, picked from a report's figures.

Pure: the inputs are the figures exactly as the report's tables show them, None wherever a table
shows no figure (hidden for a small group, or not asked), and each input names the table it comes
from. A finding is only ever worded from figures a table shows, and points to that table, so it
can never say more than the tables say.

The ranking rule
----------------

Each kind of finding is ranked on its own; the report then takes the first of each kind in the
order below, then the second of each, and so on, up to five (`MAX_FINDINGS`), so that one kind
cannot crowd out the others. A kind with nothing the figures support gives no finding; with no
finding at all the report says so in one sentence (`Findings.empty`).

Summative (staff compared with service users and carers):

1. *gap*: staff rated an outcome higher than service users and carers did, and the difference is
   flagged (q < 0.05): assumed but not valued (importance) or over-estimated (achievement).
   Largest difference first.
2. *blind spot*: service users and carers rated an outcome as more important than staff did
   (flagged), or proposed it themselves. Largest difference first, proposed outcomes without a
   difference after them.
3. *going well*: service users' and carers' mean achievement of an outcome is at least
   `ACHIEVED` (4, "mostly", on the 1 to 5 scale), or they rated its achievement higher than staff
   did (flagged under-estimated). Highest mean first.
4. *change*: a mean that changed since the earlier wave, its 95% confidence interval wholly above
   or below zero. Largest change first.

Formative (how well partners work together):

1. *strongest*: the aspect of working together with the highest share of staff positive.
2. *weakest*: the one with the lowest share (when it differs from the strongest).
3. *partners differ*: the aspect with the widest spread between organisations' means, when that
   spread is at least `SPREAD_NOTABLE` (half a point on the 1 to 5 scale).
4. *staff disagree*: the contested outcome (fewer than two in three staff answers within one
   point of the median) with the smallest such share.
5. *change*: as above, for the aspects' means.

Ties: aspects with the same share are named together in one finding; elsewhere equal figures go
in order of the outcome code or name, so the same figures always give the same findings.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field

from .text import _

MAX_FINDINGS = 5
ACHIEVED = 4.0  # a mean achievement of 4 ("mostly") or more on the 1 to 5 scale is going well
SPREAD_NOTABLE = 0.5  # half a point between organisations' means on the 1 to 5 scale

ASSUMED_NOT_VALUED = "assumed_not_valued"
BLIND_SPOT = "blind_spot"
OVER_ESTIMATED = "over_estimated"
UNDER_ESTIMATED = "under_estimated"

# kinds of finding, in the order they take turns
GAP, BLIND, GOING_WELL, CHANGE = "gap", "blind_spot", "going_well", "change"
STRONGEST, WEAKEST, PARTNERS_DIFFER, STAFF_DISAGREE = (
    "strongest",
    "weakest",
    "partners_differ",
    "staff_disagree",
)
SUMMATIVE_KINDS = (GAP, BLIND, GOING_WELL, CHANGE)
FORMATIVE_KINDS = (STRONGEST, WEAKEST, PARTNERS_DIFFER, STAFF_DISAGREE, CHANGE)


@dataclass(frozen=True)
class Finding:
    kind: str
    text: str  # plain words, with the figures as the table shows them
    table: str  # the key of the table that holds its figures


@dataclass(frozen=True)
class Findings:
    items: list[Finding]
    empty: str = ""  # with no items: one sentence saying why there are none


@dataclass(frozen=True)
class OutcomeFigures:
    """One outcome and measure, staff against service users and carers, as its table shows it."""

    table: str
    outcome: str  # its code
    statement: str
    measure: str  # "importance" or "achievement"
    staff_mean: float | None
    users_mean: float | None
    difference: float | None  # users minus staff
    flag: str = ""  # one of the four flags, or ""


@dataclass(frozen=True)
class ChangeFigures:
    """One mean in an earlier wave and now, with the change and its 95% CI, as shown."""

    table: str
    subject: str  # what the mean is of, in words: "the importance of “…” (O-HOME) to staff"
    earlier: float | None
    now: float | None
    change: float | None
    ci_low: float | None
    ci_high: float | None


@dataclass(frozen=True)
class DomainFigures:
    table: str
    domain: str  # its name
    positive: float | None  # % of staff positive
    mean: float | None = None


@dataclass(frozen=True)
class SpreadFigures:
    table: str
    domain: str
    highest: str  # organisation
    highest_mean: float | None
    lowest: str
    lowest_mean: float | None
    spread: float | None


@dataclass(frozen=True)
class ConsensusFigures:
    table: str
    outcome: str
    statement: str
    within_one: float | None  # % of staff answers within one point of the median
    contested: bool


@dataclass(frozen=True)
class Thresholds:
    celebrate: float = 70.0  # % positive at or above which an aspect is an area for celebration
    develop: float = 50.0  # % positive at or below which it is an area for development


@dataclass
class _Ranked:
    by_kind: dict[str, list[Finding]] = field(default_factory=dict)

    def add(self, kind: str, findings: Iterable[Finding]) -> None:
        self.by_kind[kind] = list(findings)

    def take_turns(self, kinds: Sequence[str], limit: int) -> list[Finding]:
        picked: list[Finding] = []
        depth = max((len(v) for v in self.by_kind.values()), default=0)
        for i in range(depth):
            for kind in kinds:
                found = self.by_kind.get(kind, [])
                if i < len(found) and len(picked) < limit:
                    picked.append(found[i])
        return picked


def _f(value: float) -> str:
    return f"{value:.2f}"


def _pct(value: float) -> str:
    return f"{value:.0f}%" if float(value).is_integer() else f"{value:.1f}%"


def _named(outcome: OutcomeFigures | ConsensusFigures) -> str:
    if not outcome.statement:
        return outcome.outcome
    return _("“%(statement)s” (%(code)s)") % {
        "statement": outcome.statement,
        "code": outcome.outcome,
    }


def _joined(names: list[str]) -> str:
    if len(names) == 1:
        return names[0]
    return _("%(first)s and %(last)s") % {"first": ", ".join(names[:-1]), "last": names[-1]}


def _compared(o: OutcomeFigures) -> bool:
    return o.staff_mean is not None and o.users_mean is not None and o.difference is not None


def _gaps(outcomes: Sequence[OutcomeFigures]) -> list[Finding]:
    rows = [
        o
        for o in outcomes
        if _compared(o)
        and o.flag in (ASSUMED_NOT_VALUED, OVER_ESTIMATED)
        and (o.difference or 0) < 0
    ]
    rows.sort(key=lambda o: (-abs(o.difference or 0), o.outcome, o.measure))
    found = []
    for o in rows:
        staff, users = _f(o.staff_mean or 0), _f(o.users_mean or 0)
        if o.measure == "importance":
            text = _(
                "Staff rated %(outcome)s as more important than service users and carers did "
                "(%(staff)s against %(users)s out of 5): assumed, but not valued as highly by the "
                "people it is for."
            ) % {"outcome": _named(o), "staff": staff, "users": users}
        else:
            text = _(
                "Staff think %(outcome)s is achieved more than service users and carers say it "
                "is (%(staff)s against %(users)s out of 5): its achievement is over-estimated."
            ) % {"outcome": _named(o), "staff": staff, "users": users}
        found.append(Finding(GAP, text, o.table))
    return found


def _blind_spots(outcomes: Sequence[OutcomeFigures]) -> list[Finding]:
    rows = [o for o in outcomes if o.flag == BLIND_SPOT and o.users_mean is not None]
    rows.sort(key=lambda o: (o.difference is None, -(o.difference or 0), o.outcome))
    found = []
    for o in rows:
        if _compared(o) and (o.difference or 0) > 0:
            text = _(
                "Service users and carers rated %(outcome)s as more important than staff did "
                "(%(users)s against %(staff)s out of 5): a blind spot, mattering more to them "
                "than staff assumed."
            ) % {
                "outcome": _named(o),
                "users": _f(o.users_mean or 0),
                "staff": _f(o.staff_mean or 0),
            }
        else:
            text = _(
                "Service users and carers proposed %(outcome)s themselves: a blind spot, an "
                "outcome they value that staff did not put forward."
            ) % {"outcome": _named(o)}
        found.append(Finding(BLIND, text, o.table))
    return found


def _going_well(outcomes: Sequence[OutcomeFigures]) -> list[Finding]:
    rows = [
        o
        for o in outcomes
        if o.measure == "achievement"
        and o.users_mean is not None
        and (o.users_mean >= ACHIEVED or (o.flag == UNDER_ESTIMATED and _compared(o)))
    ]
    rows.sort(key=lambda o: (-(o.users_mean or 0), o.outcome))
    found = []
    for o in rows:
        users = _f(o.users_mean or 0)
        if o.flag == UNDER_ESTIMATED and o.staff_mean is not None:
            text = _(
                "%(outcome)s is going better than staff think: service users and carers rated "
                "its achievement %(users)s out of 5, staff %(staff)s."
            ) % {"outcome": _named(o), "users": users, "staff": _f(o.staff_mean)}
        else:
            text = _(
                "%(outcome)s is going well: service users and carers rated its achievement "
                "%(users)s out of 5."
            ) % {"outcome": _named(o), "users": users}
        found.append(Finding(GOING_WELL, text[:1].upper() + text[1:], o.table))
    return found


def _changes(changes: Sequence[ChangeFigures], since: str) -> list[Finding]:
    clear = [
        c
        for c in changes
        if c.change is not None
        and c.earlier is not None
        and c.now is not None
        and c.ci_low is not None
        and c.ci_high is not None
        and (c.ci_low > 0 or c.ci_high < 0)
    ]
    clear.sort(key=lambda c: (-abs(c.change or 0), c.subject))
    return [
        Finding(
            CHANGE,
            (
                _(
                    "Since %(since)s, the mean %(subject)s rose from %(earlier)s to %(now)s: a "
                    "change larger than chance alone would explain."
                )
                if (c.change or 0) > 0
                else _(
                    "Since %(since)s, the mean %(subject)s fell from %(earlier)s to %(now)s: a "
                    "change larger than chance alone would explain."
                )
            )
            % {
                "since": since,
                "subject": c.subject,
                "earlier": _f(c.earlier or 0),
                "now": _f(c.now or 0),
            },
            c.table,
        )
        for c in clear
    ]


def _nothing_shown(*groups: Iterable[object], shown: Callable[[object], bool]) -> bool:
    return not any(shown(x) for group in groups for x in group)


def summative_findings(
    outcomes: Sequence[OutcomeFigures],
    changes: Sequence[ChangeFigures] = (),
    *,
    since: str = "",
    k: int,
    limit: int = MAX_FINDINGS,
) -> Findings:
    """What a board should know of the comparison of staff with service users and carers."""
    ranked = _Ranked()
    ranked.add(GAP, _gaps(outcomes))
    ranked.add(BLIND, _blind_spots(outcomes))
    ranked.add(GOING_WELL, _going_well(outcomes))
    ranked.add(CHANGE, _changes(changes, since))
    items = ranked.take_turns(SUMMATIVE_KINDS, limit)
    if items:
        return Findings(items)
    if _nothing_shown(
        outcomes, shown=lambda o: isinstance(o, OutcomeFigures) and o.users_mean is not None
    ):
        return Findings(
            [],
            _(
                "There are no key findings: every comparison of staff with service users and "
                "carers is hidden because it is about fewer than %(k)s people, or none was made."
            )
            % {"k": k},
        )
    return Findings(
        [],
        (
            _(
                "Nothing stands out enough to be a key finding: no outcome differs between staff "
                "and service users and carers by more than chance alone would explain, service "
                "users and carers did not rate any outcome's achievement %(achieved)s or more out "
                "of 5, and no mean changed clearly since %(since)s. The tables below give every "
                "figure."
            )
            if since
            else _(
                "Nothing stands out enough to be a key finding: no outcome differs between staff "
                "and service users and carers by more than chance alone would explain, service "
                "users and carers did not rate any outcome's achievement %(achieved)s or more out "
                "of 5. The tables below give every figure."
            )
        )
        % {"achieved": f"{ACHIEVED:.0f}", "since": since},
    )


def _extremes(domains: Sequence[DomainFigures], thresholds: Thresholds) -> list[Finding]:
    shown = [d for d in domains if d.positive is not None]
    if not shown:
        return []
    best = max(d.positive or 0 for d in shown)
    worst = min(d.positive or 0 for d in shown)
    top = sorted(d.domain for d in shown if d.positive == best)
    bottom = sorted(d.domain for d in shown if d.positive == worst)
    table = shown[0].table
    if len(shown) == 1:
        return [
            Finding(
                STRONGEST,
                _(
                    "Only one aspect of working together can be shown: %(aspect)s, about which "
                    "%(positive)s of staff are positive."
                )
                % {"aspect": top[0], "positive": _pct(best)},
                table,
            )
        ]
    if best == worst:
        return [
            Finding(
                STRONGEST,
                _(
                    "Staff are equally positive about every aspect of working together shown: "
                    "%(positive)s positive about each."
                )
                % {"positive": _pct(best)},
                table,
            )
        ]
    each = len(top) > 1
    values = {"aspects": _joined(top), "positive": _pct(best)}
    if best <= thresholds.develop:
        strongest = (
            _(
                "Even what staff are most positive about, %(aspects)s, has only %(positive)s of "
                "staff positive each: an area for development."
            )
            if each
            else _(
                "Even what staff are most positive about, %(aspects)s, has only %(positive)s of "
                "staff positive: an area for development."
            )
        ) % values
    elif best >= thresholds.celebrate:
        strongest = (
            _(
                "Staff are most positive about %(aspects)s: %(positive)s positive each, an area "
                "for celebration."
            )
            if each
            else _(
                "Staff are most positive about %(aspects)s: %(positive)s positive, an area for "
                "celebration."
            )
        ) % values
    else:
        strongest = (
            _("Staff are most positive about %(aspects)s: %(positive)s positive each.")
            if each
            else _("Staff are most positive about %(aspects)s: %(positive)s positive.")
        ) % values
    each = len(bottom) > 1
    values = {"aspects": _joined(bottom), "positive": _pct(worst)}
    if worst <= thresholds.develop:
        weakest = (
            _(
                "Staff are least positive about %(aspects)s: %(positive)s positive each, an area "
                "for development."
            )
            if each
            else _(
                "Staff are least positive about %(aspects)s: %(positive)s positive, an area for "
                "development."
            )
        ) % values
    else:
        weakest = (
            _("Staff are least positive about %(aspects)s: %(positive)s positive each.")
            if each
            else _("Staff are least positive about %(aspects)s: %(positive)s positive.")
        ) % values
    return [Finding(STRONGEST, strongest, table), Finding(WEAKEST, weakest, table)]


def _partners_differ(spreads: Sequence[SpreadFigures]) -> list[Finding]:
    rows = [
        s
        for s in spreads
        if s.spread is not None
        and s.spread >= SPREAD_NOTABLE
        and s.highest_mean is not None
        and s.lowest_mean is not None
    ]
    rows.sort(key=lambda s: (-(s.spread or 0), s.domain))
    return [
        Finding(
            PARTNERS_DIFFER,
            _(
                "Partners see %(aspect)s most differently: staff of %(highest)s scored it "
                "%(highest_mean)s on average and staff of %(lowest)s %(lowest_mean)s (out of 5)."
            )
            % {
                "aspect": s.domain,
                "highest": s.highest,
                "highest_mean": _f(s.highest_mean or 0),
                "lowest": s.lowest,
                "lowest_mean": _f(s.lowest_mean or 0),
            },
            s.table,
        )
        for s in rows[:1]
    ]


def _staff_disagree(consensus: Sequence[ConsensusFigures]) -> list[Finding]:
    rows = [c for c in consensus if c.contested and c.within_one is not None]
    rows.sort(key=lambda c: (c.within_one or 0, c.outcome))
    return [
        Finding(
            STAFF_DISAGREE,
            _(
                "Staff disagree most about how important %(outcome)s is: only %(share)s of their "
                "answers are within one point of the middle answer (contested)."
            )
            % {"outcome": _named(c), "share": _pct(c.within_one or 0)},
            c.table,
        )
        for c in rows[:1]
    ]


def formative_findings(
    domains: Sequence[DomainFigures],
    spreads: Sequence[SpreadFigures] = (),
    consensus: Sequence[ConsensusFigures] = (),
    changes: Sequence[ChangeFigures] = (),
    *,
    thresholds: Thresholds | None = None,
    since: str = "",
    k: int,
    limit: int = MAX_FINDINGS,
) -> Findings:
    """What a board should know of how well the partners work together."""
    ranked = _Ranked()
    extremes = _extremes(domains, thresholds or Thresholds())
    ranked.add(STRONGEST, [f for f in extremes if f.kind == STRONGEST])
    ranked.add(WEAKEST, [f for f in extremes if f.kind == WEAKEST])
    ranked.add(PARTNERS_DIFFER, _partners_differ(spreads))
    ranked.add(STAFF_DISAGREE, _staff_disagree(consensus))
    ranked.add(CHANGE, _changes(changes, since))
    items = ranked.take_turns(FORMATIVE_KINDS, limit)
    if items:
        return Findings(items)
    # With any aspect shown there is always a strongest one: nothing at all is shown.
    return Findings(
        [],
        _(
            "There are no key findings: every figure about working together is hidden because it "
            "is about fewer than %(k)s people, or staff did not answer those questions."
        )
        % {"k": k},
    )
