"""Forms of the answers captured by an evaluator: assisted entry options and the answers file."""

from __future__ import annotations

from typing import cast

from crispy_forms_gds.helper import FormHelper
from crispy_forms_gds.layout import Button, Field, Layout, Size
from django import forms
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from outcomes.models import FollowUpSchedule, FollowUpSession

MAX_IMPORT_BYTES = 20 * 1024 * 1024


class SessionChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: FollowUpSession) -> str:
        return session_label(obj)


class EntryOptionsForm(forms.Form):
    """Assisted entry: which session the answers come from, and which wording was used."""

    entry_session = SessionChoiceField(
        queryset=None,
        required=False,
        empty_label=gettext_lazy("Not in a session"),
        label=gettext_lazy("Session (optional)"),
        error_messages={"invalid_choice": gettext_lazy("Select one of the sessions listed")},
    )
    entry_wording = forms.ChoiceField(
        label=gettext_lazy("Which wording was used?"),
        choices=[
            ("standard", gettext_lazy("Standard wording")),
            ("easy_read", gettext_lazy("Easy read")),
        ],
        initial="standard",
        widget=forms.RadioSelect,
        error_messages={
            "required": gettext_lazy("Select which wording was used"),
            "invalid_choice": gettext_lazy("Select which wording was used"),
        },
    )

    def __init__(self, *args, schedule: FollowUpSchedule, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        # self.fields holds a copy of the field declared above; the stubs type it as Field.
        entry_session = cast(SessionChoiceField, self.fields["entry_session"])
        entry_session.queryset = FollowUpSession.objects.filter(schedule=schedule)
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.layout = Layout(
            Field.select("entry_session", label_size=Size.SMALL),
            Field.radios("entry_wording", legend_size=Size.SMALL, inline=True),
        )

    @property
    def easy_read(self) -> bool:
        return self.cleaned_data.get("entry_wording") == "easy_read"


def session_label(session: FollowUpSession) -> str:
    return session.label


class ImportForm(forms.Form):
    """A DESIGN §5 CSV of answers collected elsewhere."""

    answers_file = forms.FileField(
        label=gettext_lazy("Answers file"),
        help_text=gettext_lazy(
            "A CSV file (UTF-8) with the header respondent,audience,organisation,group,item,value "
            "and one row for each respondent and question. Up to 20 MB; a file over 5 MB is "
            "imported in the background, and the next page shows how far it has got."
        ),
        widget=forms.ClearableFileInput(attrs={"accept": ".csv,text/csv"}),
        error_messages={
            "required": gettext_lazy("Choose a CSV file of answers to upload"),
            "empty": gettext_lazy("The file is empty"),
        },
    )

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.form_tag = True
        self.helper.attrs = {"novalidate": ""}
        self.helper.layout = Layout(Field("answers_file"), Button("upload", _("Import answers")))

    def clean_answers_file(self):
        upload = self.cleaned_data["answers_file"]
        if upload.size > MAX_IMPORT_BYTES:
            raise forms.ValidationError(_("The file is too large: it can be up to 20 MB"))
        return upload
