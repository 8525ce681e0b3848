"""Waves as the next-wave page sees them."""

from __future__ import annotations

from poet.models import Wave


def last_wave(wave: Wave) -> Wave:
    """The partnership's most recent wave: the one a next wave is normally copied from."""
    latest = Wave.objects.filter(partnership=wave.partnership).order_by("-created_at", "-pk")
    return latest.first() or wave  # the wave itself is one of them
