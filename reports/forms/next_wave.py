"""The next-wave page's form: the new wave's name."""

from crispy_forms_gds.helper import FormHelper
from crispy_forms_gds.layout import Button, Field, Layout
from django import forms


class NextWaveForm(forms.Form):
    name = forms.CharField(
        label="Name of the new wave",
        max_length=120,
        help_text="For example, Follow-up 2027.",
        error_messages={
            "required": "Enter a name for the new wave.",
            "max_length": "The name can be up to 120 characters.",
        },
    )

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.layout = Layout(Field.text("name"), Button("start", "Start the next wave"))
