"""Which version of a wave's questionnaire: the newest (what an evaluator edits and previews) or
the newest frozen one (what respondents get)."""

from poet.models import Wave
from surveys.models import Questionnaire


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


def questionnaire_of(pk: int | None) -> Questionnaire | None:
    """One questionnaire with its wave and partnership (who asks), or None."""
    if pk is None:
        return None
    return Questionnaire.objects.filter(pk=pk).select_related("wave__partnership").first()
