"""Codings follow their words when a source's text changes (issue 16, item 4).

Masking more words by hand (`outcomes.services.sources.mask_further`) changes the masked text a
source's codings point into; this moves every coding to where its words now are
(`poet.analysis.offsets.realign`), so nothing coded is lost or shifted onto other words. A
coding that now duplicates another of the same coder and theme is kept once; one with nothing
left is removed (audited, as any coding removed).
"""

from __future__ import annotations

from outcomes.models import Coding, QualitativeSource
from poet.analysis.offsets import realign
from poet.services import record_audit


def realign_codings(source: QualitativeSource, old_text: str) -> int:
    """Move the source's codings from `old_text` to its current text (inside the caller's
    transaction). Returns how many codings moved or went."""
    codings = list(Coding.objects.filter(source=source).order_by("pk"))
    if not codings or old_text == source.text:
        return 0
    spans = realign(old_text, source.text, [(c.start, c.end) for c in codings])
    pairs = list(zip(codings, spans, strict=True))
    # Codings that stay where they are first, so a moved one never lands on one of them.
    kept = {
        (c.theme_id, c.coder_id, c.start, c.end) for c, span in pairs if span == (c.start, c.end)
    }
    moved: list[tuple[Coding, tuple[int, int]]] = []
    gone: list[Coding] = []
    for coding, span in pairs:
        if span == (coding.start, coding.end):
            continue
        if span is None or (coding.theme_id, coding.coder_id, *span) in kept:
            gone.append(coding)
        else:
            key = (coding.theme_id, coding.coder_id, span[0], span[1])
            kept.add(key)
            moved.append((coding, span))
    # Moved ones are made again at their new place (no row is ever briefly on another's span).
    Coding.objects.filter(pk__in=[c.pk for c in gone] + [c.pk for c, _ in moved]).delete()
    Coding.objects.bulk_create(
        Coding(
            source=source,
            theme_id=c.theme_id,
            coder_id=c.coder_id,
            start=span[0],
            end=span[1],
            memo=c.memo,
            created_at=c.created_at,
        )
        for c, span in moved
    )
    for coding in gone:
        record_audit(
            "coding.removed",
            actor=None,
            partnership=source.schedule.wave.partnership,
            target=f"source {source.pk}",
            reason="words masked by hand",
            theme=coding.theme_id,
            start=coding.start,
            end=coding.end,
        )
    return len(moved) + len(gone)
