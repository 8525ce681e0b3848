"""Response counts and live response rates of the staff survey.

Every count of people here goes through the one disclosure-control engine (``poet.analysis``):
the cells are organisation x staff group x how people answered (their invitation, or the open
link and imports), the margins the rows and totals the page shows, and the staff list the
attacker holds gives each invitation cell its ceiling. While the survey is open the counts by
organisation and staff group are rounded to a base of ``ROUND_TO`` (the overall ones stay
exact), so that two looks at the page a few responses apart cannot tell which group answered.

Counts by the language people answered in are figures of the same release: when any counted
response was given in a language other than English, each cell is split by language and the
language totals are margins of the same linked table, so they are protected together with the
counts by organisation and staff group and none can be subtracted from the others.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Hashable, Sequence
from dataclasses import dataclass

import numpy as np
from django.db.models import Count, Q

from poet.analysis import TOTAL, LinkedTable, hidden_text, protect
from poet.models import Wave
from surveys.languages import ENGLISH, language
from surveys.models import Invitation, OpenLink, StaffHeadcount
from surveys.selectors.respondents import staff_respondents

ROUND_TO = 5
INVITED, OTHER = "invitation", "other"


def counted_staff_responses(wave: Wave):
    """The staff who responded (`surveys.selectors.respondents`: submitted, counted, with at
    least one answer); open-link ones awaiting confirmation and empty ones count nowhere."""
    return staff_respondents(wave)


def submitted_response_counts(wave: Wave) -> dict[str, int]:
    """Counted responses by organisation, in one query (exact: for checks, never shown raw)."""
    rows = (
        counted_staff_responses(wave)
        .values_list("organisation__name")
        .annotate(responses=Count("pk"))
        .order_by("organisation__name")
    )
    return dict(rows)


def response_count_table(counts: dict[str, int], k: int) -> dict:
    """Counts by organisation ready to show: each hidden one None with the reason in words."""
    names = sorted(counts)
    margins: dict[tuple[str, Hashable], Sequence[int]] = {(TOTAL, TOTAL): range(len(names))}
    margins.update({("organisation", name): [i] for i, name in enumerate(names)})
    table = LinkedTable.from_margins(names, margins)
    decided = dict(
        zip(table.margins, protect(table, [counts[n] for n in names], k).reason, strict=True)
    )
    total = decided[(TOTAL, TOTAL)]
    return {
        "total": None if total else sum(counts.values()),
        "total_hidden": hidden_text(total, k) if total else "",
        "rows": [
            {
                "organisation": name,
                "responses": None if decided[("organisation", name)] else counts[name],
                "hidden": hidden_text(decided[("organisation", name)], k)
                if decided[("organisation", name)]
                else "",
            }
            for name in names
        ],
    }


# --- live response rates ---------------------------------------------------------------------


def _rate(completed: int | None, invited: int) -> int | None:
    return round(100 * completed / invited) if invited and completed is not None else None


@dataclass
class _Cells:
    """People per (organisation, staff group, how they answered, language) and what the staff
    list says. Without languages every cell's language is English."""

    invited: dict[tuple[str, str], int]
    people: dict[tuple[str, str, str, str], int]
    ceiling: dict[tuple[str, str, str], float]
    languages: list[str]

    def cells(self, show_open: bool) -> list[tuple[str, str, str, str]]:
        pairs = set(self.invited) | {c[:2] for c in self.people}
        ways = (INVITED, OTHER) if show_open else (INVITED,)
        return sorted(
            (o, g, way, lang) for o, g in pairs for way in ways for lang in self.languages
        )

    def total(self, cell: tuple[str, str, str]) -> int:
        return sum(n for c, n in self.people.items() if c[:3] == cell)


def _languages_of(found: dict[tuple[str, str], dict[tuple[str, bool], int]]) -> list[str]:
    """English, then every other language the counted responses were given in."""
    used = {lang for by_language in found.values() for lang, _ in by_language}
    return [ENGLISH, *sorted(used - {ENGLISH})]


def _by_language(
    people: dict[tuple[str, str, str, str], int],
    responses: dict[tuple[str, str], dict[tuple[str, bool], int]],
) -> dict[tuple[str, str, str, str], int]:
    """Split each (organisation, staff group, way) count by language.

    Responses are not linked to invitations, so which language the completed invitations
    answered in is known only in sum: the responses through the open link are placed with the
    open link's count first, then any others it still counts (imports), and the rest are the
    completed invitations. Completed invitations beyond the counted responses (a response later
    left out) stay in English, so each split adds up to the count the page shows.
    """
    split: dict[tuple[str, str, str, str], int] = defaultdict(int)
    for (organisation, group, way, _), n in people.items():
        if way != INVITED:
            continue
        other = people.get((organisation, group, OTHER, ENGLISH), 0)
        found = responses.get((organisation, group), {})
        ordered = sorted(found.items(), key=lambda item: (not item[0][1], item[0][0]))
        remaining_other, remaining_invited = other, n
        for (lang, _via_open_link), count in ordered:
            to_other = min(count, remaining_other)
            remaining_other -= to_other
            to_invited = min(count - to_other, remaining_invited)
            remaining_invited -= to_invited
            split[(organisation, group, OTHER, lang)] += to_other
            split[(organisation, group, INVITED, lang)] += to_invited
        split[(organisation, group, INVITED, ENGLISH)] += remaining_invited
        split[(organisation, group, OTHER, ENGLISH)] += remaining_other
    return dict(split)


def _cells(wave: Wave) -> _Cells:
    invited: dict[tuple[str, str], int] = {}
    people: dict[tuple[str, str, str, str], int] = defaultdict(int)
    ceiling: dict[tuple[str, str, str], float] = {}
    rows = (
        Invitation.objects.filter(wave=wave)
        .values_list("organisation__name", "staff_group__name")
        .annotate(invited=Count("pk"), completed=Count("pk", filter=Q(completed_on__isnull=False)))
        .order_by()
    )
    for organisation, group, n_invited, n_completed in rows:
        invited[(organisation, group)] = n_invited
        people[(organisation, group, INVITED, ENGLISH)] = n_completed
        ceiling[(organisation, group, INVITED)] = n_invited
    responses = (
        counted_staff_responses(wave)
        .values_list("organisation__name", "staff_group__name", "language", "via_open_link")
        .annotate(n=Count("pk"))
        .order_by()
    )
    found: dict[tuple[str, str], dict[tuple[str, bool], int]] = defaultdict(dict)
    for organisation, group, lang, via_open_link, n in responses:
        found[(organisation, group)][(lang, via_open_link)] = n
    for (organisation, group), by_language in found.items():
        # Responses beyond the completed invitations came through the open link (or an import).
        completed = people.get((organisation, group, INVITED, ENGLISH), 0)
        people[(organisation, group, INVITED, ENGLISH)] = completed  # a cell, even if empty
        people[(organisation, group, OTHER, ENGLISH)] = max(
            sum(by_language.values()) - completed, 0
        )
    recorded = StaffHeadcount.objects.filter(wave=wave).values_list(
        "organisation__name", "staff_group__name", "count"
    )
    for organisation, group, count in recorded:
        ceiling[(organisation, group, OTHER)] = count
    languages = _languages_of(found)
    if len(languages) > 1:
        people = defaultdict(int, _by_language(dict(people), found))
    return _Cells(invited, dict(people), ceiling, languages)


def _ceiling(found: _Cells, cell: tuple[str, str, str, str], languages: bool) -> float:
    """What the attacker knows of a cell's size. A language's part of a cell is at most the
    whole cell's ceiling; and where everyone the staff list counts in the cell responded, the
    staff list bounds the parts together (their sum is at most the ceiling, and tight), which
    the engine's per-cell bounds cannot say: then each part is taken as known to be at most its
    own count, which tells the attacker more than the staff list does, so what is safe against
    it is safe against the real one. (A bound that is not tight at the true counts pins
    nothing.)"""
    whole = found.ceiling.get(cell[:3], float("inf"))
    if languages and found.total(cell[:3]) >= whole:
        return float(found.people.get(cell, 0))
    return whole


def _margins(cells: list[tuple[str, str, str, str]], show_open: bool, languages: bool) -> dict:
    """The figures the page shows, each the cells it adds up. The overall counts are totals
    (hidden last); with no open-link column, all responses and completed are one figure. With
    languages, the responses in each language (however they came)."""
    margins: dict[tuple[str, object], list[int]] = defaultdict(list)
    for i, (organisation, group, way, lang) in enumerate(cells):
        if show_open:
            margins[(TOTAL, TOTAL)].append(i)
        margins[(TOTAL, way)].append(i)
        margins[(f"{way}:organisation", organisation)].append(i)
        margins[(f"{way}:staff_group", group)].append(i)
        if languages:
            margins[("language", lang)].append(i)
    return dict(margins)


def _rounded(value: int | None, approximate: bool) -> int | None:
    if value is None or not approximate:
        return value
    return ROUND_TO * round(value / ROUND_TO)


def response_rates(wave: Wave) -> dict:
    """Live response rates by organisation and by staff group, and overall, ready to show.

    Each count of people who responded is protected by the disclosure engine; a hidden one is
    None and its ``*_hidden`` text says why. While the survey is open, counts by organisation
    and group are rounded to ``ROUND_TO`` (``approximate``).
    """
    k = wave.partnership.minimum_group_size
    found = _cells(wave)
    show_open = (
        any(n for c, n in found.people.items() if c[2] == OTHER)
        or OpenLink.objects.filter(wave=wave).exists()
    )
    cells = found.cells(show_open)
    languages = len(found.languages) > 1
    margins = _margins(cells, show_open, languages)
    table = LinkedTable.from_margins(cells, margins)
    n = [found.people.get(c, 0) for c in cells]
    ceiling = [_ceiling(found, c, languages) for c in cells]
    protection = protect(table, n, k, ceiling=ceiling)
    counts = dict(
        zip(table.margins, table.margin_counts(np.asarray(n, dtype="int64")), strict=True)
    )
    reasons = dict(zip(table.margins, protection.reason, strict=True))
    approximate = wave.status == Wave.Status.OPEN

    def figure(margin, *, breakdown: bool) -> tuple[int | None, str]:
        """The count to show, or None with the reason it is hidden."""
        if margin not in counts:  # a column the page does not show (no open link)
            return (0 if not breakdown else None), ""
        if reasons[margin]:
            return None, reasons[margin]
        return _rounded(int(counts[margin]), breakdown and approximate), ""

    def text(reason: str) -> str:
        return hidden_text(reason, k) if reason else ""

    def rows(breakdown: str, position: int) -> list[dict]:
        names = sorted({c[position] for c in cells}, key=str.casefold)
        out = []
        for name in names:
            invited = sum(v for key, v in found.invited.items() if key[position] == name)
            completed, completed_reason = figure((f"{INVITED}:{breakdown}", name), breakdown=True)
            open_, open_reason = figure((f"{OTHER}:{breakdown}", name), breakdown=True)
            out.append(
                {
                    "name": name,
                    "invited": invited,
                    "completed": completed,
                    "completed_reason": completed_reason,
                    "completed_hidden": text(completed_reason),
                    "rate": _rate(completed, invited),
                    "open": open_,
                    "open_reason": open_reason,
                    "open_hidden": text(open_reason),
                }
            )
        return out

    def by_language() -> list[dict]:
        out = []
        for code in found.languages if languages else []:
            count, reason = figure(("language", code), breakdown=True)
            lang = language(code)
            out.append(
                {
                    "code": code,
                    "name": lang.english_name,
                    "own_name": lang.name,
                    "dir": lang.dir,
                    "responses": count,
                    "responses_reason": reason,
                    "responses_hidden": text(reason),
                }
            )
        return out

    completed, completed_reason = figure((TOTAL, INVITED), breakdown=False)
    open_responses, open_reason = figure((TOTAL, OTHER), breakdown=False)
    if show_open:
        responses, responses_reason = figure((TOTAL, TOTAL), breakdown=False)
    else:
        responses, responses_reason = completed, completed_reason
    return {
        "k": k,
        "any": bool(cells),
        "show_open": show_open,
        "approximate": approximate,
        "round_to": ROUND_TO,
        "overall": {
            "invited": sum(found.invited.values()),
            "completed": completed,
            "completed_reason": completed_reason,
            "completed_hidden": text(completed_reason),
            "rate": _rate(completed, sum(found.invited.values())),
            "open": open_responses,
            "open_reason": open_reason,
            "open_hidden": text(open_reason),
            "responses": responses,
            "responses_reason": responses_reason,
            "responses_hidden": text(responses_reason),
        },
        "by_organisation": rows("organisation", 0),
        "by_staff_group": rows("staff_group", 1),
        "by_language": by_language(),
    }
