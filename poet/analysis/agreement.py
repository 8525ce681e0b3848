"""Agreement between two coders of qualitative sources, per theme (issue 16, item 4).

The coded units are the paragraphs of each source: a paragraph is one line of the masked text
(the text between two line breaks; blank lines are not units), which in a transcript is one
turn of speech. A unit counts as coded to a theme by a coder when any of that coder's codings
to the theme overlaps it (shares at least one character with it). Units, not characters:
two coders rarely select the very same words, but they can agree whether a paragraph speaks of
a theme, and a paragraph is what the page without JavaScript lets them code.

Per theme and pair of coders, each unit is coded or not by each; from the four counts come the
percentage agreement (units both coded or both left, of all units) and Cohen's kappa (agreement
beyond what the two coders' own rates would give by chance). Kappa is not defined when there
are no units, or when both coders gave every unit the same answer (chance agreement is then
complete and kappa is 0/0): `Agreement.kappa` is then None and `kappa_note` says why, never NaN.

Pure: nothing of Django, so it is tested against scikit-learn on any data.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from .text import _, gettext_noop

Span = tuple[int, int]  # [start, end) character offsets into a source's text


def paragraphs(text: str) -> list[Span]:
    """The units of `text`: each line holding more than white space, as [start, end) offsets,
    without the white space at either end of the line."""
    units: list[Span] = []
    position = 0
    for line in text.split("\n"):
        stripped = line.strip()
        if stripped:
            start = position + (len(line) - len(line.lstrip()))
            units.append((start, start + len(stripped)))
        position += len(line) + 1
    return units


def overlaps(a: Span, b: Span) -> bool:
    """Whether two [start, end) spans share at least one character."""
    return a[0] < b[1] and b[0] < a[1]


def coded_units(units: Sequence[Span], codings: Iterable[Span]) -> list[bool]:
    """For each unit, whether any of `codings` overlaps it."""
    spans = list(codings)
    return [any(overlaps(unit, span) for span in spans) for unit in units]


@dataclass(frozen=True)
class Agreement:
    """Two coders' agreement on one theme over the same units."""

    units: int
    both: int  # coded to the theme by both coders
    first_only: int
    second_only: int
    neither: int
    percentage: float | None  # 0–100; None when there are no units
    kappa: float | None  # None when not defined: `kappa_note` says why
    kappa_note: str
    disagreements: tuple[int, ...]  # indexes of the units one coder coded and the other did not

    @property
    def agreed(self) -> int:
        return self.both + self.neither


NO_UNITS = gettext_noop("not defined: there are no units both coders coded")
ALL_CODED = gettext_noop(
    "not defined: both coders coded every unit to this theme, so chance agreement is complete"
)
NONE_CODED = gettext_noop("not defined: neither coder coded any unit to this theme")


def agreement(first: Sequence[bool], second: Sequence[bool]) -> Agreement:
    """Percentage agreement and Cohen's kappa of two coders' yes/no codings of the same units.

    Computed from the four counts in whole numbers: kappa = (n·(a+d) − E) / (n² − E), where a
    units are coded by both, d by neither and E = (a+b)(a+c) + (c+d)(b+d) is n² times the
    agreement expected by chance; this equals (pₒ − pₑ) / (1 − pₑ) with no rounding on the way.
    """
    if len(first) != len(second):
        raise ValueError("Both coders must code the same units.")
    n = len(first)
    a = sum(1 for x, y in zip(first, second, strict=True) if x and y)
    b = sum(1 for x, y in zip(first, second, strict=True) if x and not y)
    c = sum(1 for x, y in zip(first, second, strict=True) if y and not x)
    d = n - a - b - c
    disagreements = tuple(i for i, (x, y) in enumerate(zip(first, second, strict=True)) if x != y)
    if n == 0:
        return Agreement(0, 0, 0, 0, 0, None, None, _(NO_UNITS), ())
    percentage = 100 * (a + d) / n
    expected = (a + b) * (a + c) + (c + d) * (b + d)
    if n * n == expected:  # both coders gave every unit one and the same answer
        note = _(ALL_CODED) if a == n else _(NONE_CODED)
        return Agreement(n, a, b, c, d, percentage, None, note, disagreements)
    kappa = (n * (a + d) - expected) / (n * n - expected)
    return Agreement(n, a, b, c, d, percentage, kappa, "", disagreements)
