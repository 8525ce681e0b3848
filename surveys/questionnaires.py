"""Questionnaire versions and the life of a wave (draft → open → closed).

A questionnaire is frozen when its wave opens. Editing a frozen one makes the next version; the
respondents who come after get the newest frozen version, and every answer keeps pointing at the
version it was given against.
"""

from django.db import transaction
from django.utils import timezone

from poet.models import Wave
from poet.services import record_audit
from surveys.models import Item, Questionnaire


class SurveyError(Exception):
    """A rule of the survey was broken; the message is for the person who broke it."""


def latest_questionnaire(wave: Wave, audience: str = Questionnaire.For.STAFF):
    """The newest version, frozen or not (what an evaluator edits and previews)."""
    return wave.questionnaires.filter(audience=audience).order_by("-version").first()


def live_questionnaire(wave: Wave, audience: str = Questionnaire.For.STAFF):
    """The newest frozen version (what respondents get)."""
    return (
        wave.questionnaires.filter(audience=audience, frozen_at__isnull=False)
        .order_by("-version")
        .first()
    )


@transaction.atomic
def copy_questionnaire(source: Questionnaire, *, wave: Wave | None = None) -> Questionnaire:
    """The next version of `source` (or version 1 in another wave), sections and items included."""
    target_wave = wave or source.wave
    last = (
        target_wave.questionnaires.filter(audience=source.audience)
        .order_by("-version")
        .values_list("version", flat=True)
        .first()
    )
    copy = Questionnaire.objects.create(
        wave=target_wave,
        audience=source.audience,
        version=(last or 0) + 1,
        title=source.title,
        introduction=source.introduction,
        privacy_notice=source.privacy_notice,
    )
    for section in source.sections.prefetch_related("items"):
        items = list(section.items.all())
        section.pk = None
        section.questionnaire = copy
        section.save()
        for item in items:
            item.pk = None
            item.section = section
        Item.objects.bulk_create(items)
    return copy


def editable_questionnaire(wave: Wave, audience: str = Questionnaire.For.STAFF) -> Questionnaire:
    """The version an evaluator may change now: the draft, or a new version of a frozen one."""
    questionnaire = latest_questionnaire(wave, audience)
    if questionnaire is None:
        raise SurveyError("This wave has no questionnaire yet.")
    if questionnaire.is_frozen:
        if wave.status == Wave.Status.CLOSED:
            raise SurveyError("This wave is closed: its questionnaire can no longer change.")
        questionnaire = copy_questionnaire(questionnaire)
    return questionnaire


def freeze(questionnaire: Questionnaire) -> None:
    if not questionnaire.is_frozen:
        questionnaire.frozen_at = timezone.now()
        questionnaire.save(update_fields=["frozen_at"])


def check_can_open(questionnaire: Questionnaire | None) -> None:
    if questionnaire is None:
        raise SurveyError("Create the staff questionnaire before opening the wave.")
    if not Item.objects.filter(section__questionnaire=questionnaire).exists():
        raise SurveyError("The questionnaire has no questions yet.")
    codes = list(
        Item.objects.filter(section__questionnaire=questionnaire).values_list("code", flat=True)
    )
    if len(codes) != len(set(codes)):
        raise SurveyError("Two questions share a code; every question needs its own code.")


@transaction.atomic
def open_wave(wave: Wave, *, actor=None) -> None:
    """Open the wave to respondents: its staff questionnaire is frozen from now on."""
    wave = Wave.objects.select_for_update().get(pk=wave.pk)
    if wave.status == Wave.Status.OPEN:
        return
    if wave.closes_on and wave.closes_on < timezone.localdate():
        raise SurveyError("The closing date has passed: set a later closing date first.")
    questionnaire = latest_questionnaire(wave)
    check_can_open(questionnaire)
    freeze(questionnaire)
    wave.status = Wave.Status.OPEN
    wave.opens_on = wave.opens_on or timezone.localdate()
    wave.save(update_fields=["status", "opens_on"])
    record_audit("wave.opened", actor=actor, partnership=wave.partnership, target=str(wave))


@transaction.atomic
def publish_changes(questionnaire: Questionnaire, *, actor=None) -> None:
    """Make an edited version of an open wave's questionnaire the one new respondents get."""
    check_can_open(questionnaire)
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


def is_accepting_answers(wave: Wave) -> bool:
    """Open, and not past its closing date (the date itself still counts)."""
    return wave.status == Wave.Status.OPEN and (
        wave.closes_on is None or timezone.localdate() <= wave.closes_on
    )


def is_closed(wave: Wave) -> bool:
    """Closed to answers for good: closed, or open but past its closing date (closed overnight).

    A wave still being designed is not closed: answers collected on paper may be imported into it.
    """
    if wave.status == Wave.Status.CLOSED:
        return True
    past = wave.closes_on is not None and wave.closes_on < timezone.localdate()
    return wave.status == Wave.Status.OPEN and past


def close_overdue_waves() -> int:
    """Close every open wave whose closing date has passed (run daily by celery beat)."""
    overdue = Wave.objects.filter(status=Wave.Status.OPEN, closes_on__lt=timezone.localdate())
    count = 0
    for wave in overdue:
        close_wave(wave)
        count += 1
    return count
