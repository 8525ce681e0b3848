"""The life of a wave: draft → open → closed. Opening freezes the staff questionnaire; changes
made while open are published as a new version; closing (by hand, or overnight once the closing
date has passed) stops answers for good.
"""

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from poet.models import Wave
from poet.services import record_audit
from surveys.errors import SurveyError
from surveys.models import Item, Questionnaire
from surveys.selectors.questionnaire_versions import latest_questionnaire
from surveys.services.questionnaire_versions import freeze
from surveys.services.translations import check_translations


def check_can_open(questionnaire: Questionnaire | None) -> None:
    if questionnaire is None:
        raise SurveyError(_("Create the staff questionnaire before opening the wave."))
    if not Item.objects.filter(section__questionnaire=questionnaire).exists():
        raise SurveyError(_("The questionnaire has no questions yet."))
    codes = list(
        Item.objects.filter(section__questionnaire=questionnaire).values_list("code", flat=True)
    )
    if len(codes) != len(set(codes)):
        raise SurveyError(_("Two questions share a code; every question needs its own code."))


@transaction.atomic
def open_wave(wave: Wave, *, actor=None) -> None:
    """Open the wave to respondents: its staff questionnaire is frozen from now on."""
    wave = Wave.objects.select_for_update().get(pk=wave.pk)
    if wave.status == Wave.Status.OPEN:
        return
    if wave.closes_on and wave.closes_on < timezone.localdate():
        raise SurveyError(_("The closing date has passed: set a later closing date first."))
    questionnaire = latest_questionnaire(wave)
    check_can_open(questionnaire)
    check_translations(questionnaire)
    freeze(questionnaire)
    # A first opening makes today the opening date (a planned one was only a plan); a reopened
    # wave keeps the day it first opened.
    if wave.status == Wave.Status.DRAFT or wave.opens_on is None:
        wave.opens_on = timezone.localdate()
    wave.status = Wave.Status.OPEN
    wave.save(update_fields=["status", "opens_on"])
    record_audit("wave.opened", actor=actor, partnership=wave.partnership, target=str(wave))


@transaction.atomic
def publish_changes(questionnaire: Questionnaire, *, actor=None) -> None:
    """Make an edited version of an open wave's questionnaire the one new respondents get."""
    check_can_open(questionnaire)
    check_translations(questionnaire)
    freeze(questionnaire)
    record_audit(
        "questionnaire.published",
        actor=actor,
        partnership=questionnaire.wave.partnership,
        target=str(questionnaire),
        version=questionnaire.version,
    )


@transaction.atomic
def close_wave(wave: Wave, *, actor=None) -> None:
    wave = Wave.objects.select_for_update().get(pk=wave.pk)
    if wave.status == Wave.Status.CLOSED:
        return
    wave.status = Wave.Status.CLOSED
    wave.save(update_fields=["status"])
    record_audit("wave.closed", actor=actor, partnership=wave.partnership, target=str(wave))


def close_overdue_waves() -> int:
    """Close every open wave whose closing date has passed (run daily by celery beat)."""
    overdue = Wave.objects.filter(status=Wave.Status.OPEN, closes_on__lt=timezone.localdate())
    count = 0
    for wave in overdue:
        close_wave(wave)
        count += 1
    return count
