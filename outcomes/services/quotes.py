"""Picking quotes for the summative report's joint display (issue 16, item 6).

An evaluator picks a coded passage as a quote for the chosen outcome its theme stands for (the
outcome's theme or one of its sub-themes): one to three per outcome. A passage may be picked only
from a source whose masking is confirmed and whose group (audience x session type) and audience
each hold at least k people (`poet.analysis.themes`: ``ThemeCounts.quotable``), so no quote comes
from a group below k. Audits name the source, theme and offsets, never the words.
"""

from __future__ import annotations

from django.db import transaction

from outcomes.models import ChosenOutcome, Coding, Quote, Theme
from outcomes.selectors.themes import quotable_sources
from poet.services import record_audit


class QuoteError(Exception):
    """A rule of picking quotes was broken; the message is for the evaluator."""


def outcome_theme(theme: Theme) -> Theme | None:
    """The chosen outcome's theme a theme belongs to: itself, or its parent; None for the
    evaluators' own themes."""
    if theme.outcome_id is not None:
        return theme
    parent = theme.parent
    if parent is not None and parent.outcome_id is not None:
        return parent
    return None


def _audit(action: str, quote: Quote, actor) -> None:
    wave = quote.source.schedule.wave
    record_audit(
        action,
        actor=actor,
        partnership=wave.partnership,
        target=f"source {quote.source_id}",
        wave=wave.slug,
        theme=quote.theme_id,
        start=quote.start,
        end=quote.end,
    )


def pick_quote(coding: Coding, *, actor) -> Quote:
    """Pick a coded passage as a quote for its chosen outcome (refused with the reason)."""
    source = coding.source
    schedule = source.schedule
    theme = outcome_theme(coding.theme)
    if (
        theme is None
        or not ChosenOutcome.objects.filter(schedule=schedule, outcome_id=theme.outcome_id).exists()
    ):
        raise QuoteError(
            "Only a passage coded to a chosen outcome (or one of its sub-themes) can be picked "
            "as a quote for the report."
        )
    if not source.is_confirmed:
        raise QuoteError("Confirm the masking of this source before quoting it.")
    k = schedule.wave.partnership.minimum_group_size
    with transaction.atomic():
        Theme.objects.select_for_update().get(pk=theme.pk)
        if source.pk not in quotable_sources(schedule, k):
            raise QuoteError(
                f"This passage cannot be quoted: fewer than {k} people of its group (its "
                "audience and session type) took part, so a quote could identify someone."
            )
        existing = Quote.objects.filter(theme=theme)
        if existing.filter(source=source, start=coding.start, end=coding.end).exists():
            raise QuoteError("This passage is already picked as a quote for this outcome.")
        if existing.count() >= Quote.MAX_PER_OUTCOME:
            raise QuoteError(
                f"{theme.name} already has {Quote.MAX_PER_OUTCOME} quotes: unpick one first."
            )
        quote = Quote.objects.create(
            theme=theme, source=source, start=coding.start, end=coding.end, picked_by=actor
        )
        _audit("quote.picked", quote, actor)
    return quote


def unpick_quote(quote: Quote, *, actor) -> None:
    """Take a picked quote out of the report."""
    with transaction.atomic():
        _audit("quote.unpicked", quote, actor)
        quote.delete()
