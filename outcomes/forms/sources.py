"""Forms of the qualitative sources pages: adding a session's notes or transcript, and masking
further words by hand."""

from __future__ import annotations

from typing import cast

from crispy_forms_gds.helper import FormHelper
from crispy_forms_gds.layout import Button, Field, Layout, Size
from django import forms
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from outcomes.models import FollowUpSchedule, FollowUpSession, QualitativeSource
from outcomes.services.source_files import FileError, ReadFile, read_upload

MAX_WORDS = 200


class SourceForm(forms.Form):
    """A session's notes or transcript: typed or pasted, or a .txt, .docx or .odt file (its text
    read on upload; `cleaned_data["upload"]` is then the `ReadFile`)."""

    session: forms.ModelChoiceField[FollowUpSession] = forms.ModelChoiceField(
        queryset=None,
        label=_("Session"),
        help_text=_("The interview, focus group or other session the text records."),
        error_messages={
            "required": _("Select the session"),
            "invalid_choice": _("Select one of the sessions listed"),
        },
    )
    kind = forms.ChoiceField(
        label=_("Is it a transcript or notes?"),
        choices=QualitativeSource.Kind.choices,
        widget=forms.RadioSelect,
        error_messages={
            "required": _("Select transcript or notes"),
            "invalid_choice": _("Select transcript or notes"),
        },
    )
    audience = forms.ChoiceField(
        label=_("Who took part?"),
        choices=QualitativeSource.SESSION_AUDIENCES,
        widget=forms.RadioSelect,
        error_messages={
            "required": _("Select who took part"),
            "invalid_choice": _("Select who took part"),
        },
    )
    text = forms.CharField(
        label=_("Text"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 12, "spellcheck": "false"}),
        help_text=_("Type or paste the notes or transcript, or upload a file instead."),
    )
    upload = forms.FileField(
        label=_("Or upload a file (.txt, .docx or .odt)"),
        required=False,
        help_text=_(
            "Plain text (at most 2 MB), a Word document (.docx) or an OpenDocument text (.odt) "
            "(at most 10 MB). Its text is read and masked; headers and footers are left out."
        ),
    )

    def __init__(self, *args, schedule: FollowUpSchedule, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        session = cast("forms.ModelChoiceField[FollowUpSession]", self.fields["session"])
        session.queryset = FollowUpSession.objects.filter(schedule=schedule)
        session.label_from_instance = lambda obj: obj.label  # type: ignore[method-assign]
        self.helper = FormHelper()
        self.helper.form_tag = True
        self.helper.attrs = {"novalidate": ""}
        self.helper.layout = Layout(
            Field.select("session"),
            Field.radios("kind", legend_size=Size.SMALL, inline=True),
            Field.radios("audience", legend_size=Size.SMALL),
            Field.textarea("text"),
            Field("upload"),
            Button("add", _("Add and mask")),
        )

    def clean_upload(self) -> ReadFile | None:
        upload = self.cleaned_data.get("upload")
        if not upload:
            return None
        try:
            return read_upload(upload)
        except FileError as error:
            raise forms.ValidationError(str(error)) from error

    def clean(self):
        cleaned = super().clean()
        text, upload = (cleaned.get("text") or "").strip(), cleaned.get("upload")
        if text and upload:
            self.add_error("text", gettext("Type or paste the text, or upload a file, not both"))
        elif not text and not upload and "upload" not in self.errors:
            self.add_error("text", gettext("Type or paste the text, or upload a file"))
        return cleaned


class MaskWordsForm(forms.Form):
    """Words or phrases the rules missed, one a line, masked in the source's text."""

    words = forms.CharField(
        label=_("Words to mask"),
        widget=forms.Textarea(attrs={"rows": 4, "spellcheck": "false"}),
        help_text=_(
            "One word or phrase a line, such as a name, a street or a care home. Each is "
            "replaced by [masked] wherever it appears, in any letter case. The words are not kept."
        ),
        error_messages={"required": _("Enter at least one word or phrase to mask")},
    )

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.layout = Layout(
            Field.textarea("words"),
            Button("mask", _("Mask these words"), css_class="govuk-button--secondary"),
        )

    def clean_words(self) -> list[str]:
        words = [w.strip() for w in self.cleaned_data["words"].splitlines() if w.strip()]
        if not words:
            raise forms.ValidationError(gettext("Enter at least one word or phrase to mask"))
        if len(words) > MAX_WORDS:
            raise forms.ValidationError(
                gettext("Enter at most %(count)s words or phrases at once") % {"count": MAX_WORDS}
            )
        return words
