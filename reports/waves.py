"""Start the next wave as a copy of the last: the survey part (surveys.waves) and the follow-up
part (outcomes.services.follow_up_copy) in one transaction, audited once."""

from __future__ import annotations

from django.db import transaction

from outcomes.services.follow_up_copy import copy_follow_up
from poet.models import Wave
from poet.services import record_audit
from surveys.waves import copy_wave


def last_wave(wave: Wave) -> Wave:
    """The partnership's most recent wave: the one a next wave is normally copied from."""
    return Wave.objects.filter(partnership=wave.partnership).order_by("-created_at", "-pk").first()


@transaction.atomic
def start_next_wave(wave: Wave, name: str, *, actor=None) -> Wave:
    new = copy_wave(wave, name, actor=actor)
    schedule = copy_follow_up(wave, new)
    record_audit(
        "wave.copied",
        actor=actor,
        partnership=wave.partnership,
        target=new.name,
        copied_from=wave.name,
        chosen_outcomes=schedule.chosen_outcomes.count() if schedule else 0,
    )
    return new
