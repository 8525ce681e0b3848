"""The downloads page's form: which report, in which format and language, compared with which
earlier wave."""

from __future__ import annotations

from typing import cast

from crispy_forms_gds.helper import FormHelper
from crispy_forms_gds.layout import Button, Field, Layout, Size
from django import forms
from django.conf import settings
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from poet.models import Wave
from reports.exporters import report_format_choices
from reports.selectors.downloads import ANSWERS, REPORT_KINDS, earlier_waves


class DownloadForm(forms.Form):
    kind = forms.ChoiceField(label=_("Which report?"), widget=forms.RadioSelect)
    format = forms.ChoiceField(
        label=_("File format"),
        widget=forms.RadioSelect,
        required=False,
    )
    # Each language by its own name and marked as that language (for screen readers), as the
    # header's switch names them.
    language = forms.ChoiceField(
        label=_("Language of the report"),
        choices=[
            (code, format_html('<span lang="{}">{}</span>', code, name))
            for code, name in settings.LANGUAGES
        ],
        widget=forms.RadioSelect,
        required=False,
    )
    compare_with = forms.ChoiceField(
        label=_("Compare with an earlier wave (optional)"), required=False
    )

    def __init__(
        self, *args, wave: Wave, can_evaluate: bool, language: str | None = None, **kwargs
    ) -> None:
        super().__init__(*args, **kwargs)
        # The person's interface language unless they choose the other.
        self.default_language = (
            language if language in dict(settings.LANGUAGES) else settings.LANGUAGE_CODE
        )
        self.fields["language"].initial = self.default_language
        kinds = list(REPORT_KINDS.items())
        if can_evaluate:
            kinds.append((ANSWERS, _("Raw answers, one row per person and question (CSV)")))
            self.fields["format"].help_text = _(
                "Not needed for the raw answers, which are always CSV."
            )
            self.fields["language"].help_text = _("The raw answers are the same in every language.")
        cast(forms.ChoiceField, self.fields["kind"]).choices = kinds  # declared as ChoiceFields
        cast(forms.ChoiceField, self.fields["format"]).choices = report_format_choices()
        self.waves = {w.slug: w for w in earlier_waves(wave)}
        cast(forms.ChoiceField, self.fields["compare_with"]).choices = [
            ("", _("No comparison"))
        ] + [(w.slug, w.name) for w in self.waves.values()]
        self.helper = FormHelper()
        self.helper.layout = Layout(
            Field.radios("kind", legend_size=Size.MEDIUM),
            Field.radios("format", legend_size=Size.MEDIUM),
            Field.radios("language", legend_size=Size.MEDIUM, inline=True),
            Field.select("compare_with"),
            Button("submit", _("Make the file")),
        )

    def clean(self):
        data = super().clean()
        if data.get("kind") and data["kind"] != ANSWERS and not data.get("format"):
            self.add_error("format", _("Choose a file format."))
        data["language"] = data.get("language") or self.default_language
        data["compare_with_wave"] = self.waves.get(data.get("compare_with") or "")
        return data
