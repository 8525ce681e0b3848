from crispy_forms_gds.helper import FormHelper
from crispy_forms_gds.layout import Button, Field, Fluid, Layout
from django import forms
from django.utils.text import format_lazy
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from api.services.tokens import DEFAULT_DAYS, MAX_DAYS


class NewTokenForm(forms.Form):
    name = forms.CharField(
        label=gettext_lazy("Name"),
        help_text=gettext_lazy(
            "What it is for, so you know which to revoke. For example, R on my laptop."
        ),
        max_length=100,
        error_messages={"required": gettext_lazy("Enter a name for the token")},
    )
    days = forms.IntegerField(
        label=gettext_lazy("Days until it expires"),
        help_text=format_lazy(gettext_lazy("From 1 to {max}."), max=MAX_DAYS),
        initial=DEFAULT_DAYS,
        min_value=1,
        max_value=MAX_DAYS,
        error_messages={
            "required": gettext_lazy("Enter how many days the token lasts"),
            "invalid": gettext_lazy("Enter the number of days as a whole number, like 90"),
            "min_value": gettext_lazy("A token lasts at least 1 day"),
            "max_value": format_lazy(
                gettext_lazy("A token lasts at most {max} days"), max=MAX_DAYS
            ),
        },
    )

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.layout = Layout(
            Field.text("name", field_width=Fluid.TWO_THIRDS),
            Field.text("days", field_width=4),
            Button("submit", _("Make token")),
        )
