"""Forms of the coding pages: a selected passage (offsets from the page's small script) coded to
themes, the themes of each paragraph (the page without JavaScript), and a coding's memo."""

from __future__ import annotations

from crispy_forms_gds.helper import FormHelper
from crispy_forms_gds.layout import Button, Field, Layout
from django import forms
from django.utils.translation import gettext_lazy as _

from outcomes.models import Theme
from outcomes.services.coding import MEMO_MAX_LENGTH


class SelectionForm(forms.Form):
    """A passage selected in the source's text and the themes to code it to."""

    start = forms.IntegerField(
        min_value=0, error_messages={"required": _("Select a passage first")}
    )
    end = forms.IntegerField(min_value=0, error_messages={"required": _("Select a passage first")})
    themes = forms.ModelMultipleChoiceField(
        queryset=Theme.objects.none(),
        error_messages={
            "required": _("Select at least one theme"),
            "invalid_choice": _("Select themes of this codebook"),
            "invalid_pk_value": _("Select themes of this codebook"),
        },
    )
    memo = forms.CharField(required=False, max_length=MEMO_MAX_LENGTH)

    def __init__(self, *args, themes, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["themes"].queryset = themes  # type: ignore[attr-defined]


class ParagraphsForm(forms.Form):
    """One set of theme checkboxes per paragraph of the source (`p<index>`)."""

    def __init__(self, *args, paragraphs: int, themes: list[Theme], **kwargs) -> None:
        super().__init__(*args, **kwargs)
        choices = [(str(t.pk), t.label) for t in themes]
        for index in range(paragraphs):
            self.fields[f"p{index}"] = forms.MultipleChoiceField(
                choices=choices,
                required=False,
                widget=forms.CheckboxSelectMultiple,
                error_messages={"invalid_choice": _("Tick themes of this codebook")},
            )

    def ticked(self) -> dict[int, set[int]]:
        return {
            int(name[1:]): {int(pk) for pk in values}
            for name, values in self.cleaned_data.items()
            if values
        }


class MemoForm(forms.Form):
    memo = forms.CharField(
        label=_("Memo"),
        required=False,
        max_length=MEMO_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_(
            "Your note on this passage: why you coded it so, what to discuss. Leave it empty to "
            "remove the memo."
        ),
        error_messages={"max_length": _("Keep the memo to %(limit_value)d characters or fewer")},
    )

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.form_tag = True
        self.helper.attrs = {"novalidate": ""}
        self.helper.layout = Layout(Field.textarea("memo"), Button("save", _("Save the memo")))
