"""Reports react to the follow-up: closing a schedule is when the comparison should run; and to
a deleted comparison run: its kept chart images go with it."""

from django.db.models.signals import post_delete
from django.dispatch import receiver

from outcomes.models import FollowUpSchedule
from outcomes.signals import follow_up_closed
from reports.exporters.chart_images import forget_run
from reports.models import ComparisonRun
from reports.services.comparison import start_comparison


@receiver(follow_up_closed, sender=FollowUpSchedule, dispatch_uid="reports.compare_on_close")
def compare_when_follow_up_closes(sender, schedule: FollowUpSchedule, **kwargs) -> None:
    start_comparison(schedule.wave)


@receiver(post_delete, sender=ComparisonRun, dispatch_uid="reports.forget_run_charts")
def forget_charts_of_deleted_run(sender, instance: ComparisonRun, **kwargs) -> None:
    forget_run(instance.wave_id, instance.pk)
