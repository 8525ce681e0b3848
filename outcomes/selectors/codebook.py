"""Reads of a wave's codebook: its themes in order (each theme, then its sub-themes)."""

from __future__ import annotations

from django.db.models import Count, Q, QuerySet

from outcomes.models import FollowUpSchedule, Theme


def themes_of(schedule: FollowUpSchedule) -> QuerySet[Theme]:
    return schedule.themes.select_related("parent", "outcome", "proposal").order_by("pk")


def theme_of(schedule: FollowUpSchedule, pk: int) -> Theme | None:
    return themes_of(schedule).filter(pk=pk).first()


def ordered_themes(schedule: FollowUpSchedule, *, coder=None) -> list[Theme]:
    """Each theme followed by its sub-themes, outcomes' themes first, then by when each was added;
    with `coder`, each carries `mine`: how many codings that coder made to it (never the other
    coders': a second coder codes blind)."""
    found = themes_of(schedule)
    if coder is not None:
        found = found.annotate(mine=Count("codings", filter=Q(codings__coder=coder)))
    themes = list(found)
    tops = sorted(
        (t for t in themes if t.parent_id is None), key=lambda t: (t.outcome_id is None, t.pk)
    )
    ordered = []
    for top in tops:
        ordered.append(top)
        ordered.extend(t for t in themes if t.parent_id == top.pk)
    return ordered


def unseeded_outcomes(schedule: FollowUpSchedule) -> int:
    """How many chosen outcomes have no theme yet."""
    have = schedule.themes.exclude(outcome=None).values_list("outcome_id", flat=True)
    return schedule.chosen_outcomes.exclude(outcome_id__in=have).count()


def is_removable(theme: Theme) -> bool:
    """Whether the theme can be removed: nobody coded to it, no sub-themes, not proposed."""
    return theme.proposal_id is None and not theme.codings.exists() and not theme.children.exists()
