"""Coding the follow-up's sources to the codebook's themes (issue 16, item 4).

A coding is a passage of a source, as [start, end) character offsets into its masked text, coded
to one theme by one coder. Only a source whose masking an evaluator confirmed can be coded
(`outcomes.services.sources.confirmed_text`). Each coder codes blind: they see only their own
codings of a source until they mark their coding of it done; after that their coding of it is
final (it is what the agreement measures), so they can no longer add or remove codings there.
Audits name the source, theme and offsets, never the passage's words.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

from django.db import transaction
from django.utils.translation import gettext as _

from outcomes.models import Coding, CodingDone, QualitativeSource, Theme
from outcomes.services.sources import SourceError, confirmed_text
from poet.analysis.agreement import Span, overlaps, paragraphs
from poet.services import record_audit

MEMO_MAX_LENGTH = 5000


class CodingError(Exception):
    """A rule of coding was broken; the message is for the evaluator."""


def _audit(action: str, source: QualitativeSource, actor, **detail) -> None:
    record_audit(
        action,
        actor=actor,
        partnership=source.schedule.wave.partnership,
        target=f"source {source.pk}",
        wave=source.schedule.wave.slug,
        **detail,
    )


def _memo_too_long() -> str:
    return _("The memo must be at most %(count)s characters.") % {"count": MEMO_MAX_LENGTH}


def _text(source: QualitativeSource) -> str:
    try:
        return confirmed_text(source)
    except SourceError as e:
        raise CodingError(str(e)) from e


def _open_for(source: QualitativeSource, coder) -> None:
    if CodingDone.objects.filter(source=source, coder=coder).exists():
        raise CodingError(
            _(
                "You have marked your coding of this source done, so it can no longer change: "
                "it is what the agreement between coders measures."
            )
        )


def _themes(source: QualitativeSource, themes: Iterable[Theme]) -> list[Theme]:
    chosen = list(themes)
    if not chosen:
        raise CodingError(_("Select at least one theme."))
    if any(t.schedule_id != source.schedule_id for t in chosen):
        raise CodingError(_("Choose themes of this wave's codebook."))
    return chosen


def trimmed(text: str, start: int, end: int) -> Span | None:
    """The span without the white space at its ends (a selection often takes a space or a line
    break with it), or None when nothing but white space is left."""
    start, end = max(0, start), min(len(text), end)
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    return (start, end) if start < end else None


def code_passage(
    source: QualitativeSource,
    *,
    coder,
    themes: Iterable[Theme],
    start: int,
    end: int,
    memo: str = "",
) -> list[Coding]:
    """Code the passage [start, end) of the source's masked text to each of `themes` (a theme
    the coder already gave exactly this passage is left as it is). Returns the new codings."""
    text = _text(source)
    chosen = _themes(source, themes)
    if not (0 <= start < end <= len(text)):
        raise CodingError(_("Select a passage of the source's text, then code it."))
    span = trimmed(text, start, end)
    if span is None:
        raise CodingError(_("The selection holds only spaces or line breaks: select some words."))
    memo = memo.strip()
    if len(memo) > MEMO_MAX_LENGTH:
        raise CodingError(_memo_too_long())
    with transaction.atomic():
        QualitativeSource.objects.select_for_update().get(pk=source.pk)
        _open_for(source, coder)
        added = []
        for theme in chosen:
            coding, created = Coding.objects.get_or_create(
                source=source,
                theme=theme,
                coder=coder,
                start=span[0],
                end=span[1],
                defaults={"memo": memo},
            )
            if created:
                added.append(coding)
                _audit("coding.added", source, coder, theme=theme.pk, start=span[0], end=span[1])
    return added


def remove_coding(coding: Coding, *, actor) -> None:
    """Remove one of the coder's own codings (never another coder's)."""
    if coding.coder_id != actor.pk:
        raise CodingError(_("You can remove only your own codings."))
    source = coding.source
    with transaction.atomic():
        QualitativeSource.objects.select_for_update().get(pk=source.pk)
        _open_for(source, actor)
        detail = {"theme": coding.theme_id, "start": coding.start, "end": coding.end}
        coding.delete()
        _audit("coding.removed", source, actor, **detail)


def write_memo(coding: Coding, memo: str, *, actor) -> None:
    """The coder's memo on a passage they coded (their own codings only; empty removes it)."""
    if coding.coder_id != actor.pk:
        raise CodingError(_("You can write memos only on your own codings."))
    memo = memo.strip()
    if len(memo) > MEMO_MAX_LENGTH:
        raise CodingError(_memo_too_long())
    if memo == coding.memo:
        return
    coding.memo = memo
    coding.save(update_fields=["memo"])
    _audit("coding.memo_written", coding.source, actor, coding=coding.pk, theme=coding.theme_id)


def _cut(coding: Coding, unit: Span, text: str) -> list[Span]:
    """What is left of a coding once `unit` is taken out of it (trimmed, never empty)."""
    parts = [trimmed(text, coding.start, unit[0]), trimmed(text, unit[1], coding.end)]
    return [p for p in parts if p is not None and p[1] > p[0]]


def code_paragraphs(
    source: QualitativeSource, *, coder, ticked: Mapping[int, set[int]]
) -> tuple[int, int]:
    """The page without JavaScript: `ticked` holds, for each paragraph (by its index among the
    source's paragraphs), the pks of the themes ticked for it. A newly ticked theme codes the
    whole paragraph to it; an unticked one takes the paragraph out of the coder's codings to it
    (a coding running on beyond the paragraph keeps its other parts). Returns (added, removed)."""
    text = _text(source)
    units = paragraphs(text)
    themes = {t.pk: t for t in source.schedule.themes.all()}
    if any(i < 0 or i >= len(units) for i in ticked) or any(
        pk not in themes for pks in ticked.values() for pk in pks
    ):
        raise CodingError(_("Tick themes of this wave's codebook for the source's paragraphs."))
    added = removed = 0
    with transaction.atomic():
        QualitativeSource.objects.select_for_update().get(pk=source.pk)
        _open_for(source, coder)
        mine = list(Coding.objects.filter(source=source, coder=coder))
        for index, unit in enumerate(units):
            wanted = ticked.get(index, set())
            have = {c.theme_id for c in mine if overlaps((c.start, c.end), unit)}
            for pk in sorted(wanted - have):
                Coding.objects.create(
                    source=source, theme=themes[pk], coder=coder, start=unit[0], end=unit[1]
                )
                _audit("coding.added", source, coder, theme=pk, start=unit[0], end=unit[1])
                added += 1
            for pk in sorted(have - wanted):
                for coding in [
                    c for c in mine if c.theme_id == pk and overlaps((c.start, c.end), unit)
                ]:
                    mine.remove(coding)
                    rest = _cut(coding, unit, text)
                    detail = {"theme": pk, "start": coding.start, "end": coding.end}
                    coding.delete()
                    _audit("coding.removed", source, coder, **detail)
                    removed += 1
                    for s, e in rest:
                        part, created = Coding.objects.get_or_create(
                            source=source,
                            theme_id=pk,
                            coder=coder,
                            start=s,
                            end=e,
                            defaults={"memo": coding.memo},
                        )
                        if created:
                            _audit("coding.added", source, coder, theme=pk, start=s, end=e)
                            mine.append(part)
    return added, removed


def mark_done(source: QualitativeSource, *, coder) -> None:
    """The coder has finished coding the source: it counts in the agreement, and the coder now
    sees the other coders' codings of it."""
    _text(source)
    with transaction.atomic():
        QualitativeSource.objects.select_for_update().get(pk=source.pk)
        _open_for(source, coder)
        CodingDone.objects.create(source=source, coder=coder)
        _audit(
            "coding.done",
            source,
            coder,
            codings=Coding.objects.filter(source=source, coder=coder).count(),
        )
