"""Preview: an evaluator sees exactly the pages staff will see, and nothing is saved."""

from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import translation
from django.utils.translation import gettext as _

from poet.models import Wave
from poet.permissions import Access, Right, wave_view
from surveys.forms.answering import SectionForm
from surveys.languages import ENGLISH, known_code, language
from surveys.respondent_words import use_wave_words
from surveys.selectors.questionnaire_versions import latest_questionnaire
from surveys.selectors.translations import in_language, offered_codes, page_words
from surveys.services.answering import sections_of
from surveys.views.answering import paragraphs, section_context


@wave_view(Right.VIEW)
def preview(request: HttpRequest, access: Access, wave: Wave) -> HttpResponse:
    """The newest version (draft or frozen), the start page or one section (`?section=N`), in
    English or a language the wave offers (`?lang=cy`: its translations so far, English where a
    text has none yet); without `?lang=`, the reader's interface language if the wave offers it.

    Continue checks the answers as the real page would, then moves on; nothing is stored.
    """
    offered = offered_codes(wave)
    interface = known_code(translation.get_language())
    default = interface if interface in offered else ENGLISH
    code = known_code(request.GET.get("lang")) or default
    code = code if code in offered else ENGLISH
    with translation.override(code):
        use_wave_words(code, page_words(wave.pk, code))
        return _preview(request, access, wave, code, [ENGLISH, *offered], default=default)


def _preview(
    request: HttpRequest,
    access: Access,
    wave: Wave,
    code: str,
    languages: list[str],
    *,
    default: str = ENGLISH,
) -> HttpResponse:
    questionnaire = latest_questionnaire(wave)
    base = {"preview": True, "partnership": access.partnership, "wave": wave, "access": access}
    if questionnaire is None:
        return render(
            request,
            "surveys/respond/problem.html",
            base
            | {
                "title": _("Nothing to preview yet"),
                "message": _("This wave has no staff questionnaire yet."),
                "questionnaire": None,
            },
            status=404,
        )
    questionnaire, sections, _outcomes = in_language(
        questionnaire, sections_of(questionnaire), code
    )
    try:
        number = int(request.GET.get("section", "0"))
    except ValueError:
        number = 0
    number = max(0, min(number, len(sections) + 1))
    here = request.path
    lang = "" if code == default else f"&lang={code}"
    if number == 0:
        return render(
            request,
            "surveys/respond/start.html",
            base
            | {
                "questionnaire": questionnaire,
                "introduction": paragraphs(questionnaire.introduction),
                "privacy_notice": paragraphs(questionnaire.privacy_notice),
                "section_count": len(sections),
                "returning": False,
                "continue_url": f"{here}?section=1{lang}" if sections else None,
                "languages": [language(c) for c in languages] if len(languages) > 1 else [],
                "current_language": code,
            },
        )
    if number > len(sections):
        return render(
            request,
            "surveys/respond/preview_end.html",
            base
            | {"questionnaire": questionnaire, "last_url": f"{here}?section={len(sections)}{lang}"},
        )
    form_section = sections[number - 1]
    if request.method == "POST":
        form = SectionForm(form_section, request.POST)
        if request.POST.get("action") == "back":
            return redirect(f"{here}?section={number - 1}{lang}")
        if form.is_valid():
            return redirect(f"{here}?section={number + 1}{lang}")
    else:
        form = SectionForm(form_section)
    return render(
        request,
        "surveys/respond/section.html",
        base
        | section_context(form, number, len(sections), questionnaire)
        | {"action_url": f"{here}?section={number}{lang}", "can_save": False},
    )
