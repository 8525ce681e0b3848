from crispy_forms_gds.helper import FormHelper
from crispy_forms_gds.layout import Button, Field, Fluid, Layout, Size
from django import forms

from poet.models import MAX_K, MIN_K


class MinimumGroupSizeForm(forms.Form):
    minimum_group_size = forms.IntegerField(
        label="Minimum reporting group size (k)",
        min_value=MIN_K,
        max_value=MAX_K,
        help_text=f"A number from {MIN_K} to {MAX_K}. Figures about fewer people are hidden.",
    )
    reason = forms.CharField(
        label="Why is it changing?",
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=1000,
        help_text="Recorded in the audit log.",
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.layout = Layout(
            Field.text("minimum_group_size", field_width=Fluid.ONE_QUARTER),
            Field.textarea("reason", label_size=Size.SMALL),
            Button("submit", "Save"),
        )
