"""What the reports commands share: the wave a command names."""

from django.core.management.base import CommandError

from poet.models import Wave
from poet.selectors.waves import wave_by_slugs


def find_wave(partnership: str, wave: str) -> Wave:
    """The wave the command names (partnership and wave slugs), or a clear refusal."""
    found = wave_by_slugs(partnership, wave)
    if found is None:
        raise CommandError(f'No wave "{wave}" in a partnership "{partnership}".')
    return found
