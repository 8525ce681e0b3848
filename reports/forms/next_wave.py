"""The next-wave page's form: the new wave's name."""

from crispy_forms_gds.helper import FormHelper
from crispy_forms_gds.layout import Button, Field, Layout
from django import forms
from django.utils.translation import gettext_lazy as _


class NextWaveForm(forms.Form):
    name = forms.CharField(
        label=_("Name of the new wave"),
        max_length=120,
        help_text=_("For example, Follow-up 2027."),
        error_messages={
            "required": _("Enter a name for the new wave."),
            "max_length": _("The name can be up to 120 characters."),
        },
    )

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.layout = Layout(Field.text("name"), Button("start", _("Start the next wave")))
