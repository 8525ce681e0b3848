"""The form of importing a REFI-QDA codebook (.qdc) into a wave's codebook."""

from __future__ import annotations

from crispy_forms_gds.helper import FormHelper
from crispy_forms_gds.layout import Button, Field, Layout
from django import forms
from django.utils.translation import gettext_lazy as _

from outcomes.services.exchange import MAX_CODEBOOK_BYTES


class CodebookImportForm(forms.Form):
    """A .qdc file; `cleaned_data["codebook"]` is then its bytes (read, at most 5 MB)."""

    codebook = forms.FileField(
        label=_("Upload a codebook (.qdc)"),
        help_text=_(
            "A REFI-QDA codebook exported from NVivo, MAXQDA, ATLAS.ti, QualCoder or another POET "
            "wave, at most 5 MB."
        ),
        error_messages={
            "required": _("Select a codebook file (.qdc)"),
            "empty": _("The selected file is empty"),
            "invalid": _("Select a codebook file (.qdc)"),
        },
    )

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.form_tag = True
        self.helper.attrs = {"novalidate": ""}
        self.helper.layout = Layout(Field("codebook"), Button("import", _("Import the codebook")))

    def clean_codebook(self) -> bytes:
        upload = self.cleaned_data["codebook"]
        if not (upload.name or "").lower().endswith(".qdc"):
            raise forms.ValidationError(
                _("The selected file must be a REFI-QDA codebook ending in .qdc")
            )
        if upload.size is not None and upload.size > MAX_CODEBOOK_BYTES:
            raise forms.ValidationError(_("The selected file must be smaller than 5 MB"))
        data = upload.read(MAX_CODEBOOK_BYTES + 1)
        if len(data) > MAX_CODEBOOK_BYTES:
            raise forms.ValidationError(_("The selected file must be smaller than 5 MB"))
        if not data:
            raise forms.ValidationError(_("The selected file is empty"))
        return data
