"""Receivers of the survey engine's and the core's signals (connected in OutcomesConfig.ready)."""

from outcomes.models import QualitativeSource
from outcomes.services.capture import link_self_completed
from outcomes.services.follow_up_copy import copy_follow_up
from outcomes.services.sources import delete_original_files, forget_original_file
from poet.models import Wave
from surveys.models import Response


def response_submitted(sender, response: Response, context: dict, **kwargs) -> None:
    """A participant submitted by their own link: link the response to them."""
    if not context or "participant" not in context:
        return
    link_self_completed(response, context, easy_read=bool(kwargs.get("easy_read")))


def next_wave_started(sender, source: Wave, wave: Wave, **kwargs) -> None:
    """The next wave keeps the follow-up's chosen outcomes: copy them into it."""
    copy_follow_up(source, wave)


def wave_personal_data_deleted(sender, wave: Wave, actor=None, **kwargs) -> None:
    """The wave's retention: its personal data is deleted, so are the kept original files of
    its notes and transcripts."""
    delete_original_files(wave, actor=actor)


def source_deleted(sender, instance: QualitativeSource, **kwargs) -> None:
    """A source is gone (with its follow-up, or its answer): so is its kept original file."""
    forget_original_file(instance)
