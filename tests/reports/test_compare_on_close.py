"""Closing a follow-up schedule starts the staff/users comparison by itself."""

import pytest

from outcomes.models import FollowUpSchedule
from outcomes.services.schedule import close_schedule
from poet.models import Job
from reports.services.comparison import JOB_KIND
from tests.factories import WaveFactory

pytestmark = pytest.mark.django_db


def test_closing_the_follow_up_queues_a_comparison(django_capture_on_commit_callbacks):
    wave = WaveFactory()
    schedule = FollowUpSchedule.objects.create(wave=wave, status=FollowUpSchedule.Status.OPEN)
    with django_capture_on_commit_callbacks(execute=True):
        assert close_schedule(schedule) is True
    job = Job.objects.get(wave=wave, kind=JOB_KIND)
    # The wave has no answers yet: the run fails with its reason, ready to be retried.
    assert job.status == Job.Status.FAILED
    assert "answer" in job.error.lower()
    with django_capture_on_commit_callbacks(execute=True):
        assert close_schedule(schedule) is False
    assert Job.objects.filter(wave=wave, kind=JOB_KIND).count() == 1
