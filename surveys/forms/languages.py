"""Forms of a wave's Languages page: which languages it offers, and a translated file."""

from __future__ import annotations

from crispy_forms_gds.helper import FormHelper
from crispy_forms_gds.layout import Button, Field, Layout, Size
from django import forms
from django.utils.text import format_lazy
from django.utils.translation import get_language_info, ngettext
from django.utils.translation import gettext_lazy as _

from poet.models import Wave
from surveys.languages import other_languages
from surveys.selectors.translations import offered_codes
from surveys.services.translations import MAX_FILE_BYTES, TranslationFileError, check_po

MAX_LISTED_PROBLEMS = 50


class LanguagesForm(forms.Form):
    languages = forms.MultipleChoiceField(
        label=_("Languages the wave offers besides English"),
        help_text=_(
            "Respondents choose among English and these on the survey's start page. A "
            "language needs every text translated before the wave can open with it."
        ),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["languages"].choices = [  # type: ignore[attr-defined]
            (lang.code, f"{get_language_info(lang.code)['name_translated']} ({lang.name})")
            for lang in other_languages()
        ]
        self.helper = FormHelper()
        self.helper.attrs = {"novalidate": ""}
        self.helper.layout = Layout(
            Field.checkboxes("languages", legend_size=Size.MEDIUM, small=True),
            Button("save", _("Save languages")),
        )


class TranslationFileForm(forms.Form):
    """A translated PO file: checked whole here, every problem an error of the file field."""

    language = forms.ChoiceField(
        label=_("Language of the file"),
        error_messages={
            "required": _("Choose the language of the file"),
            "invalid_choice": _("Choose one of the languages the wave offers"),
        },
    )
    file = forms.FileField(
        label=_("Translated file"),
        help_text=format_lazy(
            _(
                "The PO file you downloaded here, translated (UTF-8, up to {megabytes} MB). "
                "Every text must be translated: a file with a missing or broken string is "
                "refused whole and nothing is saved."
            ),
            megabytes=MAX_FILE_BYTES // (1024 * 1024),
        ),
        widget=forms.ClearableFileInput(attrs={"accept": ".po,text/x-gettext-translation"}),
        error_messages={
            "required": _("Choose the translated PO file to upload"),
            "empty": _("The file is empty"),
        },
    )

    def __init__(self, *args, wave: Wave, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.wave = wave
        self.translations: dict[str, tuple[str, str]] = {}
        self.fields["language"].choices = [  # type: ignore[attr-defined]
            (code, get_language_info(code)["name_translated"]) for code in offered_codes(wave)
        ]
        self.helper = FormHelper()
        self.helper.attrs = {"novalidate": ""}
        self.helper.form_tag = False
        self.helper.layout = Layout(
            Field.select("language"),
            Field("file"),
            Button("upload", _("Import translations")),
        )

    def clean(self):
        cleaned = super().clean()
        upload, code = cleaned.get("file"), cleaned.get("language")
        if upload is None or not code:
            return cleaned
        if upload.size > MAX_FILE_BYTES:
            self.add_error(
                "file",
                _("The file is over %(megabytes)s MB: nothing was saved")
                % {"megabytes": MAX_FILE_BYTES // (1024 * 1024)},
            )
            return cleaned
        try:
            self.translations = check_po(self.wave, code, upload.read())
        except TranslationFileError as refused:
            shown = refused.problems[:MAX_LISTED_PROBLEMS]
            more = len(refused.problems) - len(shown)
            count = len(refused.problems)
            messages = [
                ngettext(
                    "The file was not imported and nothing was saved: fix %(count)s problem and "
                    "upload it again",
                    "The file was not imported and nothing was saved: fix %(count)s problems and "
                    "upload it again",
                    count,
                )
                % {"count": count}
            ] + [p[:1].upper() + p[1:] for p in shown]
            if more:
                messages.append(_("And %(count)s more problems") % {"count": more})
            self.add_error("file", messages)
        upload.seek(0)
        return cleaned
