"""Reads for the analysis of a wave's coding (issue 16, item 5): the theme counts by audience and
session type (protected by `poet.analysis.themes`) and the framework matrix (people or sources x
themes, each cell the passages coded, summarised). Only sources whose masking is confirmed count;
every coder's codings count (a passage two coders coded counts once per source); a passage coded
to a sub-theme counts for its theme too."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Hashable
from dataclasses import dataclass
from typing import cast

from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from outcomes.models import Coding, FollowUpSchedule, Participant, QualitativeSource, Theme
from outcomes.selectors.codebook import ordered_themes
from outcomes.selectors.coding import source_numbers
from outcomes.selectors.sources import confirmed_sources
from poet.analysis.disclosure import hidden_text
from poet.analysis.themes import (
    AUDIENCE,
    GROUP,
    SESSION_TYPE,
    TOTAL,
    Figure,
    ThemeCounts,
    ThemeRow,
    theme_counts,
)

STAFF_ANSWERS = "staff_answers"
NO_SESSION = "no_session"
SESSION_REMOVED = "session_removed"
SESSION_TYPE_LABELS = {
    **dict(FollowUpSchedule.Method.choices),
    STAFF_ANSWERS: gettext_lazy("Staff questionnaire"),
    NO_SESSION: gettext_lazy("Not in a session"),
    SESSION_REMOVED: gettext_lazy("Session removed"),
}
AUDIENCE_LABELS = dict(QualitativeSource.AUDIENCES)
AUDIENCE_ORDER = ["staff", "service_user", "carer", "mixed"]
PASSAGE_WORDS = 25


def session_type(source: QualitativeSource) -> str:
    """The follow-up method a source comes from, in the groups the counts are broken down by."""
    if source.audience == "staff":
        return STAFF_ANSWERS
    if source.session is not None:
        return source.session.method
    return NO_SESSION if source.answer_id else SESSION_REMOVED


def _sources(schedule: FollowUpSchedule) -> list[QualitativeSource]:
    return list(confirmed_sources(schedule).select_related("answer__response__participant"))


def _respondent(source: QualitativeSource) -> Hashable | None:
    """A free-text answer's person: the registered participant, else the response."""
    if source.answer is None:
        return None
    linked = getattr(source.answer.response, "participant", None)
    if linked is not None:
        return ("participant", linked.participant_id)
    return ("response", source.answer.response_id)


def theme_rows(schedule: FollowUpSchedule) -> list[ThemeRow]:
    """One row per source (for its group's headcount) and per theme it is coded to."""
    sources = _sources(schedule)
    among: dict[int, set[Hashable]] = defaultdict(set)
    for session_id, pk in Participant.objects.filter(
        schedule=schedule, session__isnull=False
    ).values_list("session_id", "pk"):
        among[session_id].add(("participant", pk))
    coded: dict[int, set[int]] = defaultdict(set)
    for source_id, theme_id, parent_id in Coding.objects.filter(source__in=sources).values_list(
        "source_id", "theme_id", "theme__parent_id"
    ):
        coded[source_id].add(theme_id)
        if parent_id is not None:
            coded[source_id].add(parent_id)
    rows = []
    for source in sources:
        person = _respondent(source)
        session = None if person is not None else source.session_id
        people = frozenset(among[session]) if session is not None else frozenset()
        for theme in [None, *sorted(coded[source.pk])]:
            rows.append(
                ThemeRow(
                    source=source.pk,
                    audience=source.audience,
                    session_type=session_type(source),
                    theme=theme,
                    person=person,
                    session=session,
                    among=people,
                )
            )
    return rows


@dataclass(frozen=True)
class Column:
    margin: tuple[str, Hashable]
    label: str
    audience: str  # the audience it belongs to ('' for the total and session types)


@dataclass(frozen=True)
class Cell:
    figure: Figure
    hidden_text: str


@dataclass(frozen=True)
class ThemeLine:
    theme: Theme
    cells: list[Cell]
    quotable: bool  # a source coded to it may be quoted (a yes, not a count: see theme_table)


@dataclass(frozen=True)
class ThemeTable:
    k: int
    columns: list[Column]
    lines: list[ThemeLine]
    sources: int


def _columns(counts: ThemeCounts) -> list[Column]:
    """All, then each audience (all, then by session type), then each session type."""
    groups = [cast(tuple[str, str], m[1]) for m in counts.margins if m[0] == GROUP]
    audiences = sorted(
        {a for a, _ in groups},
        key=lambda a: AUDIENCE_ORDER.index(a) if a in AUDIENCE_ORDER else len(AUDIENCE_ORDER),
    )
    columns = [Column((TOTAL, TOTAL), _("All"), "")]
    for audience in audiences:
        label = AUDIENCE_LABELS.get(audience, audience)
        columns.append(
            Column((AUDIENCE, audience), _("%(group)s: all") % {"group": label}, audience)
        )
        for _audience, kind in sorted(g for g in groups if g[0] == audience):
            words = str(SESSION_TYPE_LABELS.get(kind, kind)).lower()
            columns.append(
                Column(
                    (GROUP, (audience, kind)),
                    _("%(group)s, %(method)s") % {"group": label, "method": words},
                    audience,
                )
            )
    for kind in sorted({kind for _audience, kind in groups}):
        method = SESSION_TYPE_LABELS.get(kind, kind)
        columns.append(Column((SESSION_TYPE, kind), _("%(group)s: all") % {"group": method}, ""))
    return columns


def theme_table(schedule: FollowUpSchedule, k: int) -> ThemeTable:
    """Per theme of the codebook, sources and people mentioning it in each column, protected;
    and whether it can be quoted - yes or no only, for a count of quotable sources would add the
    hidden counts of the groups of at least k back up."""
    rows = theme_rows(schedule)
    counts = theme_counts(rows, k) if rows else theme_counts([], k)
    columns = _columns(counts) if rows else []
    coded_to: dict[Hashable, set[Hashable]] = defaultdict(set)
    for row in rows:
        if row.theme is not None:
            coded_to[row.theme].add(row.source)
    nobody = Figure(0, 0)
    lines = []
    for theme in ordered_themes(schedule):
        decided = counts.figures.get(theme.pk)
        cells = []
        for column in columns:
            if decided is None:
                # a theme nobody mentions: zero everywhere, except a group too small to show
                small = 0 < counts.headcount[column.margin] < k
                figure = Figure(None, None, "primary") if small else nobody
            else:
                figure = decided[column.margin]
            cells.append(Cell(figure, hidden_text(figure.reason, k) if figure.hidden else ""))
        quotable = bool(coded_to[theme.pk] & counts.quotable)
        lines.append(ThemeLine(theme, cells, quotable))
    return ThemeTable(k, columns, lines, len({r.source for r in rows}))


def summary(text: str, words: int = PASSAGE_WORDS) -> str:
    """A passage's first words, trimmed."""
    parts = text.split()
    return " ".join(parts[:words]) + ("…" if len(parts) > words else "")


@dataclass(frozen=True)
class MatrixCell:
    first: str  # the first passage's words, trimmed ('' when nothing is coded)
    more: int  # how many further passages


@dataclass(frozen=True)
class MatrixRow:
    label: str
    audience: str
    cells: list[MatrixCell]


@dataclass(frozen=True)
class Matrix:
    themes: list[Theme]
    rows: list[MatrixRow]


def _row_label(
    source: QualitativeSource, number: int, respondents: dict[int, int]
) -> tuple[str, str]:
    """A row's key and label: a person - a participant by code, a respondent of a free-text
    answer by a number (their answers together) - else the source's kind, number and session
    type. Never a name: a session's label carries its facilitator's, so it is not used."""
    if source.answer is not None:
        linked = getattr(source.answer.response, "participant", None)
        if linked is not None:
            return f"p{linked.participant_id}", linked.participant.code
        response = source.answer.response_id
        n = respondents.setdefault(response, len(respondents) + 1)
        if source.audience == "staff":
            return f"r{response}", _("Staff respondent %(number)s") % {"number": n}
        return f"r{response}", _("Respondent %(number)s") % {"number": n}
    kind = source.get_kind_display()
    where = SESSION_TYPE_LABELS.get(session_type(source), "")
    if source.session and source.session.date:
        when = date_format(source.session.date, "j F Y")
        return f"s{source.pk}", _("%(kind)s %(number)s (%(method)s, %(date)s)") % {
            "kind": kind,
            "number": number,
            "method": where,
            "date": when,
        }
    return f"s{source.pk}", _("%(kind)s %(number)s (%(method)s)") % {
        "kind": kind,
        "number": number,
        "method": where,
    }


def framework_matrix(schedule: FollowUpSchedule) -> Matrix:
    """People (by participant code) or sources (by label) x themes: the UK framework method."""
    themes = ordered_themes(schedule)
    numbers = source_numbers(schedule)
    sources = list(
        confirmed_sources(schedule).select_related("answer__response__participant__participant")
    )
    passages: dict[tuple[str, int], list[str]] = defaultdict(list)
    seen: set[tuple[int, int, int, int]] = set()
    by_pk = {s.pk: s for s in sources}
    respondents: dict[int, int] = {}
    keys = {s.pk: _row_label(s, numbers[s.pk], respondents) for s in sources}
    for coding in Coding.objects.filter(source__in=sources).order_by("source", "start", "end"):
        span = (coding.source_id, coding.theme_id, coding.start, coding.end)
        if span in seen:
            continue  # two coders, one passage
        seen.add(span)
        text = by_pk[coding.source_id].text[coding.start : coding.end]
        passages[(keys[coding.source_id][0], coding.theme_id)].append(summary(text))
    rows: dict[str, MatrixRow] = {}
    for source in sources:
        key, label = keys[source.pk]
        if key in rows:
            continue
        audience = str(AUDIENCE_LABELS.get(source.audience, ""))
        cells = []
        for theme in themes:
            found = passages.get((key, theme.pk), [])
            cells.append(MatrixCell(found[0] if found else "", max(len(found) - 1, 0)))
        rows[key] = MatrixRow(label, audience, cells)
    return Matrix(themes, list(rows.values()))


def quotable_sources(schedule: FollowUpSchedule, k: int) -> frozenset[Hashable]:
    """The confirmed sources that may be quoted: their group and audience each hold at least k
    people (`ThemeCounts.quotable`)."""
    rows = theme_rows(schedule)
    return theme_counts(rows, k).quotable if rows else frozenset()
