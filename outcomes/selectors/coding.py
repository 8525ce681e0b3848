"""Reads of the coding of a wave's sources: what each coder may see (their own codings, and the
others' only once they marked their own coding of the source done), the paragraphs of a source
with the themes a coder gave them, and the agreement between two coders per theme."""

from __future__ import annotations

from dataclasses import dataclass

from django.contrib.auth import get_user_model
from django.db.models import Q, QuerySet

from outcomes.models import Coding, CodingDone, FollowUpSchedule, QualitativeSource, Theme
from outcomes.selectors.codebook import ordered_themes
from outcomes.selectors.sources import confirmed_sources, sources_of
from poet.analysis.agreement import Agreement, Span, agreement, coded_units, overlaps, paragraphs


def source_numbers(schedule: FollowUpSchedule) -> dict[int, int]:
    """Each source's number, as the sources page shows it (in the order added)."""
    pks = sources_of(schedule).values_list("pk", flat=True)
    return {pk: n for n, pk in enumerate(pks, start=1)}


@dataclass(frozen=True)
class SourceToCode:
    source: QualitativeSource
    number: int
    mine: int  # the viewer's codings of it
    done: bool  # the viewer marked their coding of it done
    coders_done: int  # how many coders marked it done, the viewer included


def sources_to_code(schedule: FollowUpSchedule, viewer) -> list[SourceToCode]:
    """The sources that can be coded (masking confirmed), with the viewer's progress on each."""
    numbers = source_numbers(schedule)
    found = list(confirmed_sources(schedule))
    mine: dict[int, int] = {}
    for source_id in Coding.objects.filter(source__in=found, coder=viewer).values_list(
        "source_id", flat=True
    ):
        mine[source_id] = mine.get(source_id, 0) + 1
    done = list(CodingDone.objects.filter(source__in=found).values_list("source_id", "coder_id"))
    return [
        SourceToCode(
            source=s,
            number=numbers[s.pk],
            mine=mine.get(s.pk, 0),
            done=(s.pk, viewer.pk) in done,
            coders_done=sum(1 for source_id, _ in done if source_id == s.pk),
        )
        for s in found
    ]


def confirmed_source_of(schedule: FollowUpSchedule, pk: int) -> QualitativeSource | None:
    return confirmed_sources(schedule).filter(pk=pk).first()


def coding_of(schedule: FollowUpSchedule, pk: int) -> Coding | None:
    return (
        Coding.objects.filter(source__schedule=schedule, pk=pk)
        .select_related("source__schedule__wave__partnership", "theme")
        .first()
    )


def is_done(source: QualitativeSource, coder) -> bool:
    return CodingDone.objects.filter(source=source, coder=coder).exists()


def visible_codings(source: QualitativeSource, viewer) -> QuerySet[Coding]:
    """The codings of the source the viewer may see: their own; everyone's once the viewer has
    marked their coding of the source done (a coder codes blind until then)."""
    found = Coding.objects.filter(source=source).select_related("theme__parent", "coder")
    if not is_done(source, viewer):
        found = found.filter(coder=viewer)
    return found.order_by("start", "end", "theme_id", "coder_id")


@dataclass(frozen=True)
class Paragraph:
    index: int  # among the source's paragraphs, from 0
    number: int  # as the page shows it, from 1
    start: int
    end: int
    text: str
    ticked: frozenset[int]  # pks of the themes the viewer coded it to


def paragraphs_of(source: QualitativeSource, coder) -> list[Paragraph]:
    """The source's masked text by paragraph (the units of coding and of the agreement), each with
    the themes the coder's own codings give it."""
    text = source.text
    mine = list(
        Coding.objects.filter(source=source, coder=coder).values_list("start", "end", "theme_id")
    )
    return [
        Paragraph(
            index=i,
            number=i + 1,
            start=unit[0],
            end=unit[1],
            text=text[unit[0] : unit[1]],
            ticked=frozenset(t for s, e, t in mine if overlaps((s, e), unit)),
        )
        for i, unit in enumerate(paragraphs(text))
    ]


def coders_of(schedule: FollowUpSchedule) -> list:
    """Everyone who coded a source of the wave or marked one done, by name."""
    users = get_user_model().objects.filter(
        Q(codings__source__schedule=schedule)
        | Q(pk__in=CodingDone.objects.filter(source__schedule=schedule).values("coder_id"))
    )
    return sorted(set(users), key=lambda u: (u.get_full_name() or u.get_username()).casefold())


@dataclass(frozen=True)
class Unit:
    """A paragraph one coder coded to a theme and the other did not."""

    source_number: int
    source: QualitativeSource
    paragraph: int  # from 1
    text: str
    coded_by: object  # the coder who coded it


@dataclass(frozen=True)
class ThemeAgreement:
    theme: Theme
    result: Agreement
    disagreements: list[Unit]


@dataclass(frozen=True)
class AgreementReport:
    sources: list[tuple[int, QualitativeSource]]  # (number, source) both coders marked done
    themes: list[ThemeAgreement]

    @property
    def units(self) -> int:
        return self.themes[0].result.units if self.themes else 0

    @property
    def disagreeing(self) -> list[ThemeAgreement]:
        """The themes with paragraphs the coders disagree on."""
        return [t for t in self.themes if t.disagreements]


def agreement_between(schedule: FollowUpSchedule, first, second) -> AgreementReport:
    """Per theme, the agreement of two coders over the paragraphs of the sources both marked
    done (a source still being coded by either would count as disagreement)."""
    numbers = source_numbers(schedule)
    both_done = (
        confirmed_sources(schedule)
        .filter(done__coder=first)
        .filter(done__coder=second)
        .distinct()
        .order_by("pk")
    )
    sources = list(both_done)
    units: list[tuple[QualitativeSource, int, Span]] = [
        (s, i, unit) for s in sources for i, unit in enumerate(paragraphs(s.text))
    ]
    spans: dict[tuple[int, int, int], list[Span]] = {}
    for source_id, theme_id, coder_id, start, end in Coding.objects.filter(
        source__in=sources, coder__in=[first, second]
    ).values_list("source_id", "theme_id", "coder_id", "start", "end"):
        spans.setdefault((source_id, theme_id, coder_id), []).append((start, end))
    source_units = {s.pk: paragraphs(s.text) for s in sources}
    themes = []
    for theme in ordered_themes(schedule):
        coded: dict[int, list[bool]] = {}
        for coder in (first, second):
            flags: list[bool] = []
            for s in sources:
                found = spans.get((s.pk, theme.pk, coder.pk), [])
                flags.extend(coded_units(source_units[s.pk], found))
            coded[coder.pk] = flags
        result = agreement(coded[first.pk], coded[second.pk])
        disagreements = [
            Unit(
                source_number=numbers[units[i][0].pk],
                source=units[i][0],
                paragraph=units[i][1] + 1,
                text=units[i][0].text[units[i][2][0] : units[i][2][1]],
                coded_by=first if coded[first.pk][i] else second,
            )
            for i in result.disagreements
        ]
        themes.append(ThemeAgreement(theme, result, disagreements))
    return AgreementReport([(numbers[s.pk], s) for s in sources], themes)


def coding_blind(viewer, sources: list[QualitativeSource]) -> set[int]:
    """Of `sources`, those the viewer is still coding blind (coded some, not marked done): the
    other coders' codings of them stay hidden from the viewer everywhere."""
    started = set(
        Coding.objects.filter(source__in=sources, coder=viewer).values_list("source_id", flat=True)
    )
    finished = set(
        CodingDone.objects.filter(source__in=sources, coder=viewer).values_list(
            "source_id", flat=True
        )
    )
    return started - finished
