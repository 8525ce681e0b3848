"""Questionnaire versions: a questionnaire is frozen when its wave opens. Editing a frozen one
makes the next version; the respondents who come after get the newest frozen version, and every
answer keeps pointing at the version it was given against.
"""

from django.db import transaction
from django.utils import timezone

from poet.models import Wave
from surveys.errors import SurveyError
from surveys.models import Item, Questionnaire
from surveys.selectors.questionnaire_versions import latest_questionnaire


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
        contact=source.contact,
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
