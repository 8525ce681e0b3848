from crispy_forms_gds.helper import FormHelper
from crispy_forms_gds.layout import Button, Field, Fluid, Layout
from django import forms

from api.services.tokens import DEFAULT_DAYS, MAX_DAYS


class NewTokenForm(forms.Form):
    name = forms.CharField(
        label="Name",
        help_text="What it is for, so you know which to revoke. For example, R on my laptop.",
        max_length=100,
        error_messages={"required": "Enter a name for the token"},
    )
    days = forms.IntegerField(
        label="Days until it expires",
        help_text=f"From 1 to {MAX_DAYS}.",
        initial=DEFAULT_DAYS,
        min_value=1,
        max_value=MAX_DAYS,
        error_messages={
            "required": "Enter how many days the token lasts",
            "invalid": "Enter the number of days as a whole number, like 90",
            "min_value": "A token lasts at least 1 day",
            "max_value": f"A token lasts at most {MAX_DAYS} days",
        },
    )

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.layout = Layout(
            Field.text("name", field_width=Fluid.TWO_THIRDS),
            Field.text("days", field_width=4),
            Button("submit", "Make token"),
        )
