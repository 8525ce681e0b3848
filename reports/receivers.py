"""Reports react to the follow-up: closing a schedule is when the comparison should run."""

from django.dispatch import receiver

from outcomes.models import FollowUpSchedule
from outcomes.signals import follow_up_closed
from reports.services.comparison import start_comparison


@receiver(follow_up_closed, sender=FollowUpSchedule, dispatch_uid="reports.compare_on_close")
def compare_when_follow_up_closes(sender, schedule: FollowUpSchedule, **kwargs) -> None:
    start_comparison(schedule.wave)
