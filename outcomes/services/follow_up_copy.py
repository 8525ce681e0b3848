"""Copying the follow-up into the next wave: the next wave keeps the chosen outcomes.

The new wave gets a draft follow-up schedule with the same methods and the same chosen outcomes
(with their reasons), so users and carers are asked about the same outcomes as before. Sessions,
participants, consent and answers belong to their wave and are never copied.
"""

from __future__ import annotations

from django.db import transaction

from outcomes.models import ChosenOutcome, FollowUpSchedule
from poet.models import Wave


@transaction.atomic
def copy_follow_up(source: Wave, target: Wave) -> FollowUpSchedule | None:
    """Copy `source`'s follow-up shortlist into `target`; None when `source` has none."""
    schedule = FollowUpSchedule.objects.filter(wave=source).first()
    if schedule is None:
        return None
    copy = FollowUpSchedule.objects.create(wave=target, methods=list(schedule.methods))
    ChosenOutcome.objects.bulk_create(
        ChosenOutcome(
            schedule=copy,
            outcome_id=chosen.outcome_id,
            reason=chosen.reason,
            note=chosen.note,
            order=chosen.order,
        )
        for chosen in schedule.chosen_outcomes.order_by("order", "pk")
    )
    return copy
