"""Waves found by the slugs people type and links carry."""

from poet.models import Wave


def wave_by_slugs(partnership: str, wave: str) -> Wave | None:
    """The wave `wave` of the partnership `partnership` (both slugs), or None."""
    return (
        Wave.objects.select_related("partnership")
        .filter(partnership__slug=partnership, slug=wave)
        .first()
    )
