"""Starting the next wave: it begins as a copy of the last one.

What is copied: every audience's latest questionnaire (a new draft version 1 in the new wave with
the same sections, questions and outcomes), so the waves can be compared item by item, and the
languages the wave offers with their translations (each counts while its English is unchanged).
What is never copied: invitations, e-mail addresses, open links, drafts, answers and partner
leads; the new wave starts as a draft with its own invitations. The next wave is started by
`reports.services.next_wave`, which sends `poet.signals.next_wave_started`; surveys answers it with
`copy_questionnaires` (`surveys/receivers.py`), the follow-up (outcomes) with its own part.
"""

from __future__ import annotations

from django.db import transaction

from poet.models import Wave
from poet.services import create_wave
from surveys.models import Questionnaire, Translation, WaveLanguage
from surveys.selectors.questionnaire_versions import latest_questionnaire
from surveys.services.questionnaire_versions import copy_questionnaire


@transaction.atomic
def copy_wave(wave: Wave, name: str, *, actor=None) -> Wave:
    """A new draft wave of the same partnership with copies of `wave`'s questionnaires."""
    new = create_wave(wave.partnership, name.strip(), actor=actor)
    copy_questionnaires(wave, new)
    return new


def copy_questionnaires(source: Wave, target: Wave) -> None:
    """A draft copy of every audience's latest questionnaire of `source` in `target`."""
    for audience in Questionnaire.For.values:
        questionnaire = latest_questionnaire(source, audience)
        if questionnaire is not None:
            copy_questionnaire(questionnaire, wave=target)
    copy_translations(source, target)


def copy_translations(source: Wave, target: Wave) -> None:
    """The languages `source` offers, and its translations, for `target`."""
    WaveLanguage.objects.bulk_create(
        [WaveLanguage(wave=target, code=w.code) for w in source.languages.all()],
        ignore_conflicts=True,
    )
    Translation.objects.bulk_create(
        [
            Translation(wave=target, language=t.language, key=t.key, source=t.source, text=t.text)
            for t in source.translations.all()
        ],
        ignore_conflicts=True,
    )
