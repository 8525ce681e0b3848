"""What the summative report's joint display reads of a wave's coding (issue 16, item 6): per
chosen outcome, the themes that stand for it (its theme and sub-themes), how many people raised
them by audience (the protected figures of the Themes page, hidden ones hidden with the same
words) and the quotes evaluators picked (masked text, audience and session type, never a person);
and the possible blind spots: themes of no outcome.

The reports part reads this (reports -> outcomes, never the other way: DESIGN section 7); the
comparison figures it is shown beside stay the report's own, from its comparison run.
"""

from __future__ import annotations

from collections.abc import Hashable
from dataclasses import dataclass

from outcomes.models import Coding, FollowUpSchedule, Quote, Theme
from outcomes.selectors.sources import confirmed_sources
from outcomes.selectors.themes import (
    AUDIENCE_LABELS,
    SESSION_TYPE_LABELS,
    Cell,
    Column,
    ThemeLine,
    quotable_sources,
    session_type,
    theme_table,
)
from poet.analysis.themes import AUDIENCE, TOTAL

USERS_AND_CARERS = ("service_user", "carer", "mixed")


@dataclass(frozen=True)
class JointTheme:
    label: str
    cells: list[Cell]  # people per column of `JointDisplay.columns`; hidden with the same words


@dataclass(frozen=True)
class JointQuote:
    text: str  # the masked passage
    audience: str
    session_type: str


@dataclass(frozen=True)
class JointOutcome:
    code: str
    name: str
    themes: list[JointTheme]
    users_people: int | None  # service users and carers who raised it; None: hidden (some did)
    quotes: list[JointQuote]


@dataclass(frozen=True)
class JointDisplay:
    k: int
    coded: bool  # any passage of a confirmed source is coded
    columns: list[Column]  # all people, then each audience
    outcomes: dict[str, JointOutcome]  # by outcome code
    blind_spots: list[JointTheme]


def _people(line: ThemeLine, columns: list[Column]) -> int | None:
    """Service users and carers who raised a theme, from its shown audience figures: None when
    any of them is hidden (then at least one did, how many is protected)."""
    total = 0
    for column, cell in zip(columns, line.cells, strict=True):
        if column.margin[0] != AUDIENCE or column.margin[1] not in USERS_AND_CARERS:
            continue
        if cell.figure.hidden:
            return None
        total += cell.figure.people or 0
    return total


def joint_display(schedule: FollowUpSchedule, k: int) -> JointDisplay:
    """The joint display's words side for a wave's follow-up, protected under k."""
    table = theme_table(schedule, k)
    keep = [
        i
        for i, c in enumerate(table.columns)
        if c.margin == (TOTAL, TOTAL) or c.margin[0] == AUDIENCE
    ]
    columns = [table.columns[i] for i in keep]

    def joint(line: ThemeLine) -> JointTheme:
        return JointTheme(line.theme.label, [line.cells[i] for i in keep])

    def people(line: ThemeLine) -> int | None:
        return _people(line, table.columns)

    sources = confirmed_sources(schedule)
    coded = Coding.objects.filter(source__in=sources).exists()
    quotable: frozenset[Hashable] = quotable_sources(schedule, k) if coded else frozenset()
    quotes: dict[int, list[JointQuote]] = {}
    for quote in Quote.objects.filter(theme__schedule=schedule, source__in=sources).select_related(
        "source__session"
    ):
        if quote.source_id not in quotable:
            continue  # its group fell below k since it was picked: never shown
        quotes.setdefault(quote.theme_id, []).append(
            JointQuote(
                quote.text.strip(),
                str(AUDIENCE_LABELS.get(quote.source.audience, quote.source.audience)),
                str(SESSION_TYPE_LABELS.get(session_type(quote.source), "")),
            )
        )
    outcomes: dict[str, JointOutcome] = {}
    blind_spots: list[JointTheme] = []
    for line in table.lines:
        theme: Theme = line.theme
        if theme.parent_id is None and theme.outcome_id is not None and theme.outcome:
            children = [c for c in table.lines if c.theme.parent_id == theme.pk]
            outcomes[theme.outcome.code] = JointOutcome(
                theme.outcome.code,
                theme.name,
                [joint(line), *(joint(c) for c in children)],
                people(line),
                quotes.get(theme.pk, [])[: Quote.MAX_PER_OUTCOME],
            )
        elif theme.outcome_id is None and (
            theme.parent_id is None or theme.parent is None or theme.parent.outcome_id is None
        ):
            total = line.cells[0].figure if line.cells else None
            if total is not None and (total.hidden or (total.people or 0) > 0):
                blind_spots.append(joint(line))
    return JointDisplay(k, coded, columns, outcomes, blind_spots)


@dataclass(frozen=True)
class PickedQuote:
    quote: Quote
    text: str
    audience: str
    shown: bool  # False: its group is now below k, so the report leaves it out


def picked_quotes(theme: Theme, k: int) -> list[PickedQuote]:
    """The quotes picked for a chosen outcome's theme, for its page (evaluators only)."""
    quotes = list(Quote.objects.filter(theme=theme).select_related("source"))
    if not quotes:
        return []
    quotable = quotable_sources(theme.schedule, k)
    return [
        PickedQuote(
            q,
            q.text.strip(),
            str(AUDIENCE_LABELS.get(q.source.audience, q.source.audience)),
            q.source_id in quotable and q.source.is_confirmed,
        )
        for q in quotes
    ]
