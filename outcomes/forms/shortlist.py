"""Forms of the shortlist's proposal decisions: adopt as a new outcome, merge into one the
library has, or do not take forward."""

from __future__ import annotations

from typing import TYPE_CHECKING, cast

from crispy_forms_gds.helper import FormHelper
from crispy_forms_gds.layout import Button, Field, Layout
from django import forms
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from outcomes.forms.schedule import OutcomeChoiceField
from outcomes.selectors.shortlist import library
from poet.models import OutcomeIcon, OutcomeStatement, Wave

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise


def _helper(*fields, button: StrOrPromise) -> FormHelper:
    helper = FormHelper()
    helper.form_tag = False  # the page's own form carries the proposal id
    helper.layout = Layout(*fields, Button("submit", button))
    return helper


class AdoptForm(forms.Form):
    text = forms.CharField(
        label=gettext_lazy("The outcome, in the words of the people it is for"),
        max_length=300,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=gettext_lazy(
            "Write it positively and in the first person, for example “I can get to my "
            "appointments”."
        ),
        error_messages={
            "required": gettext_lazy("Write the outcome."),
            "max_length": gettext_lazy("Keep the outcome to 300 characters or fewer."),
        },
    )
    code = forms.CharField(
        label=gettext_lazy("Code"),
        max_length=30,
        help_text=gettext_lazy(
            "O- followed by letters, numbers or hyphens, for example O-TRANSPORT. It must "
            "not be used by another outcome of this partnership or the built-in library."
        ),
        error_messages={"required": gettext_lazy("Enter a code, for example O-TRANSPORT.")},
    )
    easy_read_text = forms.CharField(
        label=gettext_lazy("Easy-read wording (optional)"),
        required=False,
        max_length=300,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=gettext_lazy("Short words and short sentences."),
        error_messages={
            "max_length": gettext_lazy("Keep the easy-read wording to 300 characters or fewer.")
        },
    )
    icon = forms.ChoiceField(
        label=gettext_lazy("Picture beside it for service users and carers (optional)"),
        required=False,
        choices=[("", gettext_lazy("One that fits its words")), *OutcomeIcon.choices],
        help_text=gettext_lazy(
            "A plain picture shown beside the outcome in the follow-up questionnaire."
        ),
        error_messages={"invalid_choice": gettext_lazy("Choose a picture from the list.")},
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = _helper(
            Field.textarea("text"),
            Field.text("code", field_width=10),
            Field.textarea("easy_read_text"),
            Field.select("icon"),
            button=_("Adopt as a new outcome"),
        )


class MergeForm(forms.Form):
    outcome = OutcomeChoiceField(
        queryset=OutcomeStatement.objects.none(),
        label=gettext_lazy("Which outcome does it say the same as?"),
        empty_label=gettext_lazy("Choose an outcome"),
        error_messages={
            "required": gettext_lazy("Choose the outcome it says the same as."),
            "invalid_choice": gettext_lazy("Choose an outcome from the list."),
        },
    )

    def __init__(self, *args, wave: Wave, **kwargs):
        super().__init__(*args, **kwargs)
        # self.fields holds a copy of the field declared above; the stubs type it as Field.
        cast(OutcomeChoiceField, self.fields["outcome"]).queryset = library(wave)
        self.helper = _helper(Field("outcome"), button=_("Merge into this outcome"))


class RejectForm(forms.Form):
    reason = forms.CharField(
        label=gettext_lazy("Why is it not taken forward?"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=gettext_lazy("For example: it is about how staff work, not a change for people."),
        error_messages={
            "required": gettext_lazy("Say why this proposal is not taken forward."),
            "max_length": gettext_lazy("Keep the reason to 2,000 characters or fewer."),
        },
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = _helper(Field.textarea("reason"), button=_("Do not take it forward"))
