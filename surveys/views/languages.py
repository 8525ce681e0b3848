"""A wave's Languages page (evaluators): the languages it offers respondents, how far each is
translated and what is missing, and its texts out and back in as PO files for translators.
Thin: the rules are in surveys.services.translations."""

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import get_language_info, ngettext
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from poet.models import Wave
from poet.permissions import Access, Right, wave_view
from surveys.errors import SurveyError
from surveys.forms.languages import LanguagesForm, TranslationFileForm
from surveys.selectors.translations import language_statuses, offered_codes, wave_texts
from surveys.services import translations as service


def _url(access: Access, wave: Wave) -> str:
    return reverse(
        "surveys:languages", kwargs={"partnership": access.partnership.slug, "wave": wave.slug}
    )


def _page(
    request: HttpRequest,
    access: Access,
    wave: Wave,
    *,
    form: LanguagesForm | None = None,
    upload: TranslationFileForm | None = None,
    status: int = 200,
) -> HttpResponse:
    texts = wave_texts(wave)
    context = {
        "access": access,
        "partnership": access.partnership,
        "wave": wave,
        "form": form or LanguagesForm(initial={"languages": offered_codes(wave)}),
        "upload": upload or TranslationFileForm(wave=wave),
        "statuses": language_statuses(wave, texts),
        "text_count": len(texts),
    }
    return render(request, "surveys/languages/index.html", context, status=status)


@wave_view(Right.EVALUATE)
@require_http_methods(["GET", "POST"])
def languages(request: HttpRequest, access: Access, wave: Wave) -> HttpResponse:
    """The page; a POST saves the languages the wave offers."""
    if request.method == "POST":
        form = LanguagesForm(request.POST)
        if form.is_valid():
            try:
                service.set_languages(wave, form.cleaned_data["languages"], actor=request.user)
            except SurveyError as error:
                form.add_error("languages", str(error))
            else:
                messages.success(request, _("Languages saved."))
                return redirect(_url(access, wave))
        return _page(request, access, wave, form=form)
    return _page(request, access, wave)


@wave_view(Right.EVALUATE)
@require_POST
def upload(request: HttpRequest, access: Access, wave: Wave) -> HttpResponse:
    """Import a translated PO file, all of it or none of it."""
    form = TranslationFileForm(request.POST, request.FILES, wave=wave)
    if form.is_valid():
        code = form.cleaned_data["language"]
        try:
            result = service.import_po(
                wave, code, form.cleaned_data["file"].read(), actor=request.user
            )
        except SurveyError as error:
            form.add_error("file", str(error))
        else:
            messages.success(
                request,
                ngettext(
                    "%(count)s translated text imported for %(language)s.",
                    "%(count)s translated texts imported for %(language)s.",
                    result.saved,
                )
                % {"count": result.saved, "language": get_language_info(code)["name_translated"]},
            )
            for warning in result.warnings:
                messages.warning(
                    request, _("Check this page word: %(warning)s") % {"warning": warning}
                )
            return redirect(_url(access, wave))
    return _page(request, access, wave, upload=form)


@wave_view(Right.EVALUATE)
def download(request: HttpRequest, access: Access, wave: Wave, language: str) -> HttpResponse:
    """The wave's texts as a PO file for translators into one of its languages."""
    code = language
    if code not in offered_codes(wave):
        raise Http404
    content = service.export_po(wave, code, actor=request.user)
    response = HttpResponse(content, content_type="text/x-gettext-translation; charset=utf-8")
    filename = service.po_filename(wave, code)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response
