"""Forms of the follow-up schedule pages (GOV.UK Design System through crispy-forms)."""

from __future__ import annotations

import datetime
from collections.abc import Sequence
from typing import TYPE_CHECKING, cast

from crispy_forms_gds.fields import DateInputField
from crispy_forms_gds.helper import FormHelper
from crispy_forms_gds.layout import Button, Field, Fluid, Layout, Size
from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from outcomes.models import ChosenOutcome, FollowUpSchedule, FollowUpSession
from poet.models import OutcomeStatement

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise

Method = FollowUpSchedule.Method


def _helper(*fields, button: StrOrPromise | None = None) -> FormHelper:
    helper = FormHelper()
    helper.layout = Layout(*fields, Button("submit", button or _("Save")))
    return helper


class MethodsForm(forms.Form):
    methods = forms.MultipleChoiceField(
        label=gettext_lazy("Which methods will you use?"),
        choices=Method.choices,
        widget=forms.CheckboxSelectMultiple,
        help_text=gettext_lazy(
            "Choose every method you plan to use. You can change this until the follow-up closes."
        ),
        error_messages={
            "required": gettext_lazy("Choose at least one method."),
            "invalid_choice": gettext_lazy("Choose methods from the list."),
        },
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = _helper(Field.checkboxes("methods", legend_size=Size.MEDIUM, small=True))


class OutcomeChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: OutcomeStatement) -> str:
        return f"{obj.text} ({obj.code})"


class ChosenOutcomeForm(forms.Form):
    outcome = OutcomeChoiceField(
        queryset=OutcomeStatement.objects.none(),
        label=gettext_lazy("Which outcome?"),
        widget=forms.RadioSelect,
        empty_label=None,
        help_text=gettext_lazy(
            "Outcomes staff were asked about come first, then the rest of the library."
        ),
        error_messages={
            "required": gettext_lazy("Choose an outcome."),
            "invalid_choice": gettext_lazy("Choose an outcome from the list."),
        },
    )
    reason = forms.ChoiceField(
        label=gettext_lazy("Why is it in?"),
        choices=ChosenOutcome.Reason.choices,
        widget=forms.RadioSelect,
        error_messages={
            "required": gettext_lazy("Choose why this outcome is in."),
            "invalid_choice": gettext_lazy("Choose a reason from the list."),
        },
    )
    note = forms.CharField(
        label=gettext_lazy("Note (optional)"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=gettext_lazy("For example what staff said about it."),
        error_messages={"max_length": gettext_lazy("Keep the note to 2,000 characters or fewer.")},
    )

    def __init__(self, *args, outcomes: Sequence[OutcomeStatement] = (), **kwargs):
        super().__init__(*args, **kwargs)
        ids = [o.pk for o in outcomes]
        # self.fields holds a copy of the field declared above; the stubs type it as Field.
        outcome = cast(OutcomeChoiceField, self.fields["outcome"])
        outcome.queryset = OutcomeStatement.objects.filter(pk__in=ids)
        order = {pk: i for i, pk in enumerate(ids)}
        outcome.choices = [
            (o.pk, f"{o.text} ({o.code})") for o in sorted(outcomes, key=lambda o: order[o.pk])
        ]
        self.helper = _helper(
            Field.radios("outcome", legend_size=Size.MEDIUM, small=True),
            Field.radios("reason", legend_size=Size.SMALL, small=True),
            Field.textarea("note", label_size=Size.SMALL),
            button=_("Add the outcome"),
        )


class SessionDateField(DateInputField):
    """A GOV.UK date input whose messages say what to type."""

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self.error_messages["invalid"] = _("Enter a real date, for example 27 3 2027.")
        self.error_messages["incomplete"] = _("Enter the day, month and year of the session.")
        parts = (
            _("Enter the day of the session."),
            _("Enter the month of the session."),
            _("Enter the year of the session."),
        )
        for part, message in zip(self.fields, parts, strict=True):
            part.validators = []
            part.error_messages["incomplete"] = message
        self.require_all_fields = False

    def compress(self, data_list):
        day, month, year = (str(v or "").strip() for v in data_list)
        if not (day or month or year):
            return None
        if not (day and month and year):
            raise ValidationError(_("Enter the day, month and year of the session."))
        if not (day.isdigit() and month.isdigit() and year.isdigit()):
            raise ValidationError(_("The date must be numbers only, for example 27 3 2027."))
        if len(year) != 4:
            raise ValidationError(_("Enter the year with four digits, for example 2027."))
        try:
            return datetime.date(int(year), int(month), int(day))
        except ValueError as e:
            raise ValidationError(_("Enter a real date, for example 27 3 2027.")) from e


def _count_field(label: StrOrPromise, messages: dict[str, StrOrPromise]) -> forms.IntegerField:
    return forms.IntegerField(
        label=label,
        min_value=0,
        max_value=500,
        initial=0,
        required=False,
        widget=forms.TextInput(attrs={"inputmode": "numeric", "spellcheck": "false"}),
        error_messages=messages,
    )


class SessionForm(forms.Form):
    method = forms.ChoiceField(
        label=gettext_lazy("Method"),
        choices=Method.choices,
        widget=forms.RadioSelect,
        error_messages={
            "required": gettext_lazy("Choose the method of this session."),
            "invalid_choice": gettext_lazy("Choose a method from the list."),
        },
    )
    date = SessionDateField(
        label=gettext_lazy("Date (optional)"),
        required=False,
        help_text=gettext_lazy("For example 27 3 2027. Leave empty if not yet known."),
    )
    mode = forms.ChoiceField(
        label=gettext_lazy("How will it be done?"),
        choices=FollowUpSession.Mode.choices,
        widget=forms.RadioSelect,
        initial=FollowUpSession.Mode.IN_PERSON,
        error_messages={
            "required": gettext_lazy("Choose how the session will be done."),
            "invalid_choice": gettext_lazy("Choose how the session will be done from the list."),
        },
    )
    facilitator = forms.CharField(
        label=gettext_lazy("Facilitator (optional)"),
        max_length=200,
        required=False,
        help_text=gettext_lazy("Who runs the session."),
        error_messages={
            "max_length": gettext_lazy("Keep the facilitator to 200 characters or fewer.")
        },
    )
    accessibility_needs = forms.CharField(
        label=gettext_lazy("Accessibility needs (optional)"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=gettext_lazy(
            "For example easy read, a British Sign Language interpreter, step-free access. "
            "Do not write names."
        ),
        error_messages={
            "max_length": gettext_lazy("Keep the accessibility needs to 2,000 characters or fewer.")
        },
    )
    planned_service_users = _count_field(
        gettext_lazy("Service users planned"),
        {
            "invalid": gettext_lazy(
                "Enter the number of service users planned as a whole number, such as 4."
            ),
            "min_value": gettext_lazy("The number of service users planned cannot be negative."),
            "max_value": gettext_lazy("The number of service users planned must be 500 or fewer."),
        },
    )
    planned_carers = _count_field(
        gettext_lazy("Carers planned"),
        {
            "invalid": gettext_lazy(
                "Enter the number of carers planned as a whole number, such as 4."
            ),
            "min_value": gettext_lazy("The number of carers planned cannot be negative."),
            "max_value": gettext_lazy("The number of carers planned must be 500 or fewer."),
        },
    )

    def __init__(self, *args, methods_in_use: Sequence[str] = (), **kwargs):
        super().__init__(*args, **kwargs)
        self.methods_in_use = list(methods_in_use)
        self.helper = _helper(
            Field.radios("method", legend_size=Size.SMALL, small=True),
            Field("date", context={"legend_size": Size.for_legend("s")}),
            Field.radios("mode", legend_size=Size.SMALL, small=True),
            Field.text("facilitator", label_size=Size.SMALL, field_width=Fluid.TWO_THIRDS),
            Field.textarea("accessibility_needs", label_size=Size.SMALL),
            Field.text("planned_service_users", label_size=Size.SMALL, field_width=3),
            Field.text("planned_carers", label_size=Size.SMALL, field_width=3),
        )

    def clean_method(self) -> str:
        method = self.cleaned_data["method"]
        if method not in self.methods_in_use:
            raise ValidationError(
                _(
                    "%(method)s is not one of the methods in use: add it to the methods first, "
                    "or choose another method."
                )
                % {"method": Method(method).label}
            )
        return method

    def clean_planned_service_users(self) -> int:
        return self.cleaned_data["planned_service_users"] or 0

    def clean_planned_carers(self) -> int:
        return self.cleaned_data["planned_carers"] or 0

    @classmethod
    def initial_for(cls, session: FollowUpSession) -> dict:
        return {
            "method": session.method,
            "date": session.date,
            "mode": session.mode,
            "facilitator": session.facilitator,
            "accessibility_needs": session.accessibility_needs,
            "planned_service_users": session.planned_service_users,
            "planned_carers": session.planned_carers,
        }
