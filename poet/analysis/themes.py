"""How many sources and people mention each theme of a wave's codebook, by audience and session
type, under the small-group protection of every other table (DESIGN section 4; issue 16, item 5).

Input: plain rows, one per coded passage's theme (or one per source with ``theme=None``, so a
source nobody coded still counts in its group's headcount).

**Who is a person.** A free-text answer's person is its respondent (``person``). The notes or
transcript of a session name no speaker: the people behind them are the session's participants
(``among``), of whom *at least one* said what was coded. The count of people mentioning a theme
is the fewest people consistent with the coding, so it never over-counts:

- each respondent who mentions the theme counts once (in the group of their first source, so a
  person is never counted in two groups and the totals are sums of the groups);
- each session whose notes or transcript mention the theme adds one person, unless one of its
  participants is already counted for that theme (their own answer may be what was said). A
  session's participants take part in one session only, so this is the exact minimum. A
  session with no registered participants adds one.

Several passages, or notes and a transcript of the same session, count once. Sources are
counted as such (each source is in one group).

**Groups and suppression.** The interior cells are audience x session type; a page shows each
cell, each audience, each session type and the total. Per theme, the people counts are protected
by ``disclosure.protect`` as one linked table - the engine every other table uses - so a hidden
cell can be worked out neither by subtraction of an audience's shown session types from its
total nor by any other combination of shown figures (the attacker knows each group's headcount).
Hidden are: a count of 1 to k-1 people (primary), any figure of a group whose headcount is
below k (primary: the group is too small to show), and what secondary suppression adds. A
source count is shown only where its people count is, for a source count gives the people count
away where each source is one person. The headcount of a group is the distinct people behind
any source of it (respondents and session participants), a lower bound of its size.

**Quotes.** A source may be quoted only when its group (audience x session type) and its
audience each have at least k people.
"""

from __future__ import annotations

from collections.abc import Hashable, Iterable, Mapping
from dataclasses import dataclass, field

import numpy as np

from .disclosure import PRIMARY, TOTAL, LinkedTable, check_k, protect

AUDIENCE = "audience"
SESSION_TYPE = "session_type"
GROUP = "group"

Cell = tuple[Hashable, Hashable]  # (audience, session type)
Margin = tuple[str, Hashable]  # (breakdown, group); a cell's margin is (GROUP, (audience, type))


@dataclass(frozen=True)
class ThemeRow:
    """One theme of one source (``theme=None``: the source, for its group's headcount)."""

    source: Hashable
    audience: Hashable
    session_type: Hashable
    theme: Hashable | None = None
    person: Hashable | None = None  # the respondent of a free-text answer
    session: Hashable | None = None  # the session of notes or a transcript
    among: frozenset[Hashable] = field(default_factory=frozenset)  # that session's participants


@dataclass(frozen=True)
class Figure:
    """One margin of one theme: sources and people, None when hidden, with the reason."""

    sources: int | None
    people: int | None
    reason: str = ""

    @property
    def hidden(self) -> bool:
        return bool(self.reason)


@dataclass(frozen=True)
class ThemeCounts:
    """Per theme, per margin, a ``Figure``; the headcount of every margin; quotable sources."""

    k: int
    margins: tuple[Margin, ...]
    headcount: Mapping[Margin, int]
    figures: Mapping[Hashable, Mapping[Margin, Figure]]
    quotable: frozenset[Hashable]


def _sort_key(value: Hashable) -> tuple[int, str]:
    return (0 if value is None else 1, str(value))


def _people_keys(rows: Iterable[ThemeRow]) -> set[Hashable]:
    keys: set[Hashable] = set()
    for row in rows:
        if row.person is not None:
            keys.add(("person", row.person))
        elif row.among:
            keys.update(("person", p) for p in row.among)
        else:
            keys.add(("session", row.session if row.session is not None else row.source))
    return keys


def _mentions(rows: list[ThemeRow], index: Mapping[Cell, int]) -> tuple[np.ndarray, np.ndarray]:
    """People and sources per cell for one theme's rows, by the rule of the module docstring."""
    people = np.zeros(len(index), dtype="int64")
    sources = np.zeros(len(index), dtype="int64")
    seen_sources: set[Hashable] = set()
    counted: set[Hashable] = set()
    ordered = sorted(rows, key=lambda r: _sort_key(r.source))
    for row in ordered:
        cell = index[(row.audience, row.session_type)]
        if row.source not in seen_sources:
            seen_sources.add(row.source)
            sources[cell] += 1
        if row.person is not None and row.person not in counted:
            counted.add(row.person)
            people[cell] += 1
    sessions: set[Hashable] = set()
    for row in ordered:
        if row.person is not None:
            continue
        session = row.session if row.session is not None else ("source", row.source)
        if session in sessions:
            continue
        sessions.add(session)
        if row.among & counted:
            continue
        people[index[(row.audience, row.session_type)]] += 1
    return people, sources


def theme_counts(rows: Iterable[ThemeRow], k: int) -> ThemeCounts:
    """Sources and people mentioning each theme, by audience and session type, protected."""
    k = check_k(k)
    rows = list(rows)
    cells: list[Cell] = sorted(
        {(r.audience, r.session_type) for r in rows},
        key=lambda c: (_sort_key(c[0]), _sort_key(c[1])),
    )
    index = {cell: i for i, cell in enumerate(cells)}
    table = LinkedTable.of(
        [(a, t, (a, t)) for a, t in cells], {AUDIENCE: 0, SESSION_TYPE: 1, GROUP: 2}
    )
    by_cell: dict[Cell, list[ThemeRow]] = {cell: [] for cell in cells}
    for row in rows:
        by_cell[(row.audience, row.session_type)].append(row)
    headcount: dict[Margin, int] = {}
    for m, margin in enumerate(table.margins):
        members = [cells[c] for c in np.flatnonzero(table.membership[m])]
        headcount[margin] = len(_people_keys(r for cell in members for r in by_cell[cell]))
    too_small = np.array([0 < headcount[m] < k for m in table.margins], dtype=bool)
    cell_size = np.array([headcount[(GROUP, cell)] for cell in cells], dtype="float64")
    themes = sorted({r.theme for r in rows if r.theme is not None}, key=_sort_key)
    figures: dict[Hashable, dict[Margin, Figure]] = {}
    for theme in themes:
        people, sources = _mentions([r for r in rows if r.theme == theme], index)
        # A group nobody of which mentions the theme is taken as known to be empty (as a
        # release does for a cell where nobody answered): it cannot cover a neighbour.
        ceiling = np.where(people == 0, 0.0, cell_size)
        protection = protect(table, people, k, ceiling=ceiling, withheld=too_small)
        people_m = table.margin_counts(people)
        sources_m = table.margin_counts(sources)
        decided: dict[Margin, Figure] = {}
        for m, margin in enumerate(table.margins):
            reason = str(protection.reason[m]) or (PRIMARY if protection.hidden[m] else "")
            if reason:
                decided[margin] = Figure(None, None, reason)
            else:
                decided[margin] = Figure(int(sources_m[m]), int(people_m[m]))
        figures[theme] = decided
    quotable = frozenset(
        r.source
        for r in rows
        if headcount[(GROUP, (r.audience, r.session_type))] >= k
        and headcount[(AUDIENCE, r.audience)] >= k
    )
    return ThemeCounts(k, table.margins, headcount, figures, quotable)


__all__ = [
    "AUDIENCE",
    "GROUP",
    "SESSION_TYPE",
    "TOTAL",
    "Figure",
    "ThemeCounts",
    "ThemeRow",
    "theme_counts",
]
