"""The downloads page's form: which report, in which format, compared with which earlier wave."""

from __future__ import annotations

from typing import cast

from crispy_forms_gds.helper import FormHelper
from crispy_forms_gds.layout import Button, Field, Layout, Size
from django import forms

from poet.models import Wave
from reports.exporters import report_format_choices
from reports.selectors.downloads import ANSWERS, REPORT_KINDS, earlier_waves


class DownloadForm(forms.Form):
    kind = forms.ChoiceField(label="Which report?", widget=forms.RadioSelect)
    format = forms.ChoiceField(
        label="File format",
        widget=forms.RadioSelect,
        required=False,
    )
    compare_with = forms.ChoiceField(
        label="Compare with an earlier wave (optional)", required=False
    )

    def __init__(self, *args, wave: Wave, can_evaluate: bool, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        kinds = list(REPORT_KINDS.items())
        if can_evaluate:
            kinds.append((ANSWERS, "Raw answers, one row per person and question (CSV)"))
            self.fields[
                "format"
            ].help_text = "Not needed for the raw answers, which are always CSV."
        cast(forms.ChoiceField, self.fields["kind"]).choices = kinds  # declared as ChoiceFields
        cast(forms.ChoiceField, self.fields["format"]).choices = report_format_choices()
        self.waves = {w.slug: w for w in earlier_waves(wave)}
        cast(forms.ChoiceField, self.fields["compare_with"]).choices = [("", "No comparison")] + [
            (w.slug, w.name) for w in self.waves.values()
        ]
        self.helper = FormHelper()
        self.helper.layout = Layout(
            Field.radios("kind", legend_size=Size.MEDIUM),
            Field.radios("format", legend_size=Size.MEDIUM),
            Field.select("compare_with"),
            Button("submit", "Make the file"),
        )

    def clean(self):
        data = super().clean()
        if data.get("kind") and data["kind"] != ANSWERS and not data.get("format"):
            self.add_error("format", "Choose a file format.")
        data["compare_with_wave"] = self.waves.get(data.get("compare_with") or "")
        return data
