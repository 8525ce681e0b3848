from __future__ import annotations

from typing import TYPE_CHECKING

from crispy_forms_gds.fields import DateInputField
from crispy_forms_gds.helper import FormHelper
from crispy_forms_gds.layout import Button, Field, Fixed, Fluid, Layout, Size
from django import forms
from django.contrib.auth import get_user_model
from django.contrib.auth.forms import PasswordResetForm
from django.core.validators import RegexValidator
from django.utils import timezone
from django.utils.text import format_lazy
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, gettext_noop

from poet.models import MAX_K, MIN_K, Organisation, Role

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise


class MinimumGroupSizeForm(forms.Form):
    minimum_group_size = forms.IntegerField(
        label=gettext_lazy("Minimum reporting group size (k)"),
        min_value=MIN_K,
        max_value=MAX_K,
        help_text=format_lazy(
            gettext_lazy("A number from {min} to {max}. Figures about fewer people are hidden."),
            min=MIN_K,
            max=MAX_K,
        ),
    )
    reason = forms.CharField(
        label=gettext_lazy("Why is it changing?"),
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=1000,
        help_text=gettext_lazy("Recorded in the audit log."),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.layout = Layout(
            Field.text("minimum_group_size", field_width=Fluid.ONE_QUARTER),
            Field.textarea("reason", label_size=Size.SMALL),
            Button("submit", _("Save")),
        )


class SourceFilesForm(forms.Form):
    """Whether the original files of uploaded notes and transcripts are kept (issue 16)."""

    keep = forms.TypedChoiceField(
        label=gettext_lazy("Keep the original files of uploaded notes and transcripts?"),
        choices=[
            ("no", gettext_lazy("No: keep only the masked text (recommended)")),
            (
                "yes",
                gettext_lazy(
                    "Yes: keep each uploaded file too, until the wave's personal data is deleted"
                ),
            ),
        ],
        coerce=lambda value: value == "yes",
        widget=forms.RadioSelect,
        error_messages={"required": gettext_lazy("Select whether to keep the original files")},
    )
    reason = forms.CharField(
        label=gettext_lazy("Why?"),
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=1000,
        help_text=gettext_lazy("Recorded in the audit log."),
        error_messages={
            "required": gettext_lazy("Say why the original files are, or are no longer, kept")
        },
    )

    def __init__(self, *args, action: str = "", **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.form_action = action
        self.helper.attrs = {"novalidate": ""}
        self.helper.layout = Layout(
            Field.radios("keep", legend_size=Size.SMALL),
            Field.textarea("reason", label_size=Size.SMALL),
            Button("save_source_files", _("Save the file setting")),
        )


class ThresholdsForm(forms.Form):
    """The % positive that makes a process domain an area for celebration or for development."""

    celebrate_threshold = forms.IntegerField(
        # xgettext:no-python-format
        label=gettext_lazy("Area for celebration: at least this % of staff positive"),
        min_value=1,
        max_value=100,
        help_text=gettext_lazy("A whole number from 1 to 100. The usual level is 70."),
        widget=forms.TextInput(attrs={"inputmode": "numeric", "spellcheck": "false"}),
    )
    develop_threshold = forms.IntegerField(
        # xgettext:no-python-format
        label=gettext_lazy("Area for development: at most this % of staff positive"),
        min_value=0,
        max_value=99,
        help_text=gettext_lazy(
            "A whole number from 0 to 99, below the level for celebration. The usual level is 50."
        ),
        widget=forms.TextInput(attrs={"inputmode": "numeric", "spellcheck": "false"}),
    )
    reason = forms.CharField(
        label=gettext_lazy("Why are they changing?"),
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=1000,
        help_text=gettext_lazy("Recorded in the audit log."),
    )

    def __init__(self, *args, action: str = "", **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.form_action = action
        self.helper.layout = Layout(
            Field.text("celebrate_threshold", field_width=Fixed.THREE, label_size=Size.SMALL),
            Field.text("develop_threshold", field_width=Fixed.THREE, label_size=Size.SMALL),
            Field.textarea("reason", label_size=Size.SMALL),
            Button("save_thresholds", _("Save the thresholds")),
        )

    def clean(self):
        data = super().clean()
        celebrate, develop = data.get("celebrate_threshold"), data.get("develop_threshold")
        if celebrate is not None and develop is not None and develop >= celebrate:
            self.add_error(
                "develop_threshold",
                _("The level for development must be below the level for celebration."),
            )
        return data


def _date_input(label: StrOrPromise, hint: StrOrPromise) -> DateInputField:
    """A GOV.UK date input (day, month, year), optional."""
    field = DateInputField(label=label, required=False, help_text=hint)
    field.require_all_fields = False
    # crispy-forms-gds words its date errors in English only: the same words, translatable.
    field.error_messages["required"] = field.error_messages["incomplete"] = gettext_lazy(
        "Enter the day, month and year"
    )
    parts = zip(
        field.fields,
        [
            gettext_lazy("Enter the day of the month"),
            gettext_lazy("Enter the month"),
            gettext_lazy("Enter the year"),
        ],
        [
            gettext_lazy("Enter a valid date"),
            gettext_lazy("Enter a valid month"),
            gettext_lazy("Enter a valid year"),
        ],
        strict=True,
    )
    for part, incomplete, invalid in parts:
        part.error_messages["incomplete"] = incomplete
        for validator in part.validators:
            if isinstance(validator, RegexValidator):
                validator.message = invalid
    return field


# The labels of crispy-forms-gds's date inputs, which it translates with gettext: listed here so
# that they are extracted into POET's catalogue, where their Welsh is.
DATE_PART_LABELS = (gettext_noop("Day"), gettext_noop("Month"), gettext_noop("Year"))


class AuditFilterForm(forms.Form):
    """Narrow the audit log by person, kind and dates (a GET form: the address keeps the choice)."""

    person = forms.TypedChoiceField(
        label=gettext_lazy("Person"), required=False, coerce=int, empty_value=None
    )
    kind = forms.ChoiceField(label=gettext_lazy("Kind of event"), required=False)
    since = _date_input(gettext_lazy("From (optional)"), gettext_lazy("For example, 1 11 2026."))
    until = _date_input(
        gettext_lazy("To (optional)"), gettext_lazy("For example, 30 11 2026. Includes this day.")
    )

    def __init__(self, *args, people=(), kinds=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["person"].choices = [("", _("Anyone")), *people]
        self.fields["kind"].choices = [("", _("Every kind")), *kinds]
        legend = {"legend_size": Size.for_legend("s")}
        self.helper = FormHelper()
        self.helper.form_method = "get"
        self.helper.layout = Layout(
            Field.select("person", label_size=Size.SMALL),
            Field.select("kind", label_size=Size.SMALL),
            Field("since", context=legend),
            Field("until", context=legend),
            Button("filter", _("Show events"), css_class="govuk-button--secondary"),
        )

    def clean(self):
        data = super().clean()
        since, until = data.get("since"), data.get("until")
        if since and until and until < since:
            self.add_error("until", _("The end date must be on or after the start date."))
        return data


def _helper(*fields, button: str = "") -> FormHelper:
    helper = FormHelper()
    helper.layout = Layout(*fields, Button("submit", button or _("Save")))
    return helper


class PartnershipForm(forms.Form):
    name = forms.CharField(label=gettext_lazy("Name of the partnership"), max_length=200)
    description = forms.CharField(
        label=gettext_lazy("What the partnership does (optional)"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=2000,
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = _helper(
            Field.text("name"), Field.textarea("description"), button=_("Create partnership")
        )


class OrganisationForm(forms.Form):
    name = forms.CharField(label=gettext_lazy("Organisation name"), max_length=200)
    kind = forms.ChoiceField(
        label=gettext_lazy("Kind of organisation"), choices=Organisation.Kind.choices
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = _helper(
            Field.text("name"), Field.radios("kind", legend_size=Size.SMALL), button=_("Add")
        )


class GroupForm(forms.Form):
    name = forms.CharField(label=gettext_lazy("Name"), max_length=100)

    def __init__(self, *args, label: StrOrPromise = "", **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["name"].label = label or _("Name")
        self.helper = _helper(Field.text("name", field_width=Fluid.TWO_THIRDS), button=_("Add"))


class WaveForm(forms.Form):
    name = forms.CharField(
        label=gettext_lazy("Name of the wave"),
        max_length=120,
        help_text=gettext_lazy("For example, Baseline 2026."),
    )
    opens_on = _date_input(
        gettext_lazy("Opening date (optional)"),
        gettext_lazy(
            "The day you plan to open the staff survey, for example 2 3 2027. It opens when you "
            "open it; until then this is the planned date."
        ),
    )
    closes_on = _date_input(
        gettext_lazy("Closing date (optional)"),
        gettext_lazy("For example, 31 3 2027. Answers are not accepted after this day."),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        legend = {"legend_size": Size.for_legend("s")}
        self.helper = _helper(
            Field.text("name"),
            Field("opens_on", context=legend),
            Field("closes_on", context=legend),
            button=_("Create wave"),
        )

    def clean_opens_on(self):
        opens_on = self.cleaned_data["opens_on"]
        if opens_on and opens_on < timezone.localdate():
            raise forms.ValidationError(_("The opening date must be today or in the future."))
        return opens_on

    def clean_closes_on(self):
        closes_on = self.cleaned_data["closes_on"]
        if closes_on and closes_on < timezone.localdate():
            raise forms.ValidationError(_("The closing date must be today or in the future."))
        return closes_on

    def clean(self):
        data = super().clean()
        opens_on, closes_on = data.get("opens_on"), data.get("closes_on")
        if opens_on and closes_on and closes_on < opens_on:
            self.add_error("closes_on", _("The closing date must be on or after the opening date."))
        return data


class MemberForm(forms.Form):
    email = forms.EmailField(label=gettext_lazy("E-mail address"), max_length=254)
    name = forms.CharField(label=gettext_lazy("Full name"), max_length=150)
    # Radios with none chosen: the most powerful role is never the one picked by not looking.
    role = forms.ChoiceField(
        label=gettext_lazy("Role"),
        choices=Role.choices,
        widget=forms.RadioSelect,
        error_messages={"required": gettext_lazy("Choose the person's role")},
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = _helper(
            Field.text("email", field_width=Fluid.TWO_THIRDS),
            Field.text("name", field_width=Fluid.TWO_THIRDS),
            Field.radios("role", legend_size=Size.SMALL),
            button=_("Add member"),
        )


class RoleForm(forms.Form):
    role = forms.ChoiceField(label=gettext_lazy("Role"), choices=Role.choices)


class NewMemberPasswordForm(PasswordResetForm):
    """A password-reset e-mail for someone who has no password yet (Django skips those)."""

    def get_users(self, email):
        return get_user_model()._default_manager.filter(email__iexact=email, is_active=True)
