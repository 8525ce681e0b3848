"""Start the next wave as a copy of one: the new wave is created here and every app copies its
part on the `poet.signals.next_wave_started` signal (surveys the questionnaires, outcomes the
follow-up's chosen outcomes), in one transaction, audited once."""

from __future__ import annotations

from django.db import transaction

from outcomes.models import FollowUpSchedule
from poet.models import Wave
from poet.services import create_wave, record_audit
from poet.signals import next_wave_started


@transaction.atomic
def start_next_wave(wave: Wave, name: str, *, actor=None) -> Wave:
    """A new draft wave of the same partnership, asking what `wave` asked."""
    new = create_wave(wave.partnership, name.strip(), actor=actor)
    next_wave_started.send(sender=Wave, source=wave, wave=new, actor=actor)
    schedule = FollowUpSchedule.objects.filter(wave=new).first()
    record_audit(
        "wave.copied",
        actor=actor,
        partnership=wave.partnership,
        target=new.name,
        copied_from=wave.name,
        chosen_outcomes=schedule.chosen_outcomes.count() if schedule else 0,
    )
    return new
