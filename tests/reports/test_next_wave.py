"""Starting the next wave: the reports app creates the wave and sends `next_wave_started`; the
apps answer it (surveys copies the questionnaires, outcomes the follow-up), one audit entry."""

import pytest

from outcomes.models import FollowUpSchedule
from poet.models import AuditEvent, Wave
from poet.signals import next_wave_started
from reports.services.next_wave import start_next_wave
from surveys.models import Questionnaire
from tests.reports.builders import build_wave

pytestmark = pytest.mark.django_db


def test_the_signal_is_answered_by_surveys_and_outcomes_in_one_audited_step():
    built = build_wave(outcomes=2, staff=6, users=5)
    FollowUpSchedule.objects.create(wave=built.wave, methods=["questionnaire"])
    heard = []

    def listener(sender, source, wave, actor, **kwargs):
        heard.append((sender, source.pk, wave.pk, actor))

    next_wave_started.connect(listener, dispatch_uid="tests.next_wave")
    try:
        new = start_next_wave(built.wave, "  Second  ")
    finally:
        next_wave_started.disconnect(dispatch_uid="tests.next_wave")
    assert new.name == "Second" and new.status == Wave.Status.DRAFT
    assert heard == [(Wave, built.wave.pk, new.pk, None)]
    assert Questionnaire.objects.filter(wave=new).exists()  # surveys answered
    assert FollowUpSchedule.objects.filter(wave=new).exists()  # outcomes answered
    copied = AuditEvent.objects.filter(action="wave.copied")
    assert copied.count() == 1 and copied.get().detail["copied_from"] == built.wave.name
