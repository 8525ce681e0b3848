"""Receivers of the core's signals (connected in SurveysConfig.ready)."""

from poet.models import Wave
from surveys.services.next_wave import copy_questionnaires


def next_wave_started(sender, source: Wave, wave: Wave, **kwargs) -> None:
    """The next wave asks the same questions: copy the questionnaires into it."""
    copy_questionnaires(source, wave)
