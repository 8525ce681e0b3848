"""Forms of the participants pages: registering a participant, recording consent, narrowing the
register, and the letter that goes with a new link."""

from __future__ import annotations

from typing import cast

from crispy_forms_gds.fields import DateInputField
from crispy_forms_gds.helper import FormHelper
from crispy_forms_gds.layout import Button, Field, Layout, Size
from django import forms
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from outcomes.models import FollowUpSchedule, FollowUpSession, Participant
from outcomes.selectors.participants import NO_SESSION, STATUSES, RegisterFilter
from poet.models import Audience, UserGroup

AUDIENCE_CHOICES = [(a.value, a.label) for a in (Audience.SERVICE_USER, Audience.CARER)]


def _consent_date(required: bool) -> DateInputField:
    field = DateInputField(
        label=gettext_lazy("Date consent was given"),
        required=required,
        help_text=gettext_lazy("For example 27 3 2027."),
    )
    field.require_all_fields = False
    field.error_messages["required"] = gettext_lazy("Enter the date consent was given")
    return field


def _consent_method(required: bool) -> forms.ChoiceField:
    return forms.ChoiceField(
        label=gettext_lazy("How was consent given?"),
        choices=Participant.ConsentMethod.choices,
        required=required,
        widget=forms.RadioSelect,
        error_messages={
            "required": gettext_lazy("Select how consent was given"),
            "invalid_choice": gettext_lazy("Select how consent was given"),
        },
    )


def _check_consent_date(form: forms.Form) -> None:
    given_on = form.cleaned_data.get("consent_given_on")
    if given_on and given_on > timezone.localdate():
        form.add_error("consent_given_on", _("The date consent was given must be today or earlier"))


class ParticipantForm(forms.Form):
    """A new participant: who they are in the evaluation's terms only, and their consent."""

    audience = forms.ChoiceField(
        label=gettext_lazy("Service user or carer?"),
        choices=AUDIENCE_CHOICES,
        widget=forms.RadioSelect,
        error_messages={
            "required": gettext_lazy("Select service user or carer"),
            "invalid_choice": gettext_lazy("Select service user or carer"),
        },
    )
    user_group: forms.ModelChoiceField[UserGroup] = forms.ModelChoiceField(
        queryset=None,
        empty_label=None,
        label=gettext_lazy("User group"),
        widget=forms.RadioSelect,
        error_messages={
            "required": gettext_lazy("Select the user group"),
            "invalid_choice": gettext_lazy("Select one of the user groups listed"),
        },
    )
    session: forms.ModelChoiceField[FollowUpSession] = forms.ModelChoiceField(
        queryset=None,
        required=False,
        empty_label=gettext_lazy("Not planned for a session yet"),
        label=gettext_lazy("Session (optional)"),
        help_text=gettext_lazy(
            "The interview, focus group or other session they are planned to take part in."
        ),
        error_messages={"invalid_choice": gettext_lazy("Select one of the sessions listed")},
    )
    consent_given_on = _consent_date(required=False)
    consent_method = _consent_method(required=False)

    def __init__(self, *args, schedule: FollowUpSchedule, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["consent_given_on"] = _consent_date(required=False)
        session = cast("forms.ModelChoiceField[FollowUpSession]", self.fields["session"])
        session.queryset = FollowUpSession.objects.filter(schedule=schedule)
        session.label_from_instance = lambda obj: obj.label  # type: ignore[method-assign]
        groups = schedule.wave.partnership.user_groups.order_by("name")
        # self.fields holds a copy of the field declared above; the stubs type it as Field.
        user_group = cast("forms.ModelChoiceField[UserGroup]", self.fields["user_group"])
        user_group.queryset = groups
        user_group.widget.choices = user_group.choices
        self.fields["consent_given_on"].help_text = _(
            "For example 27 3 2027. Leave the date and how consent was given empty if they have "
            "not given consent yet: they cannot give answers until you record it."
        )
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.layout = Layout(
            Field.radios("audience", legend_size=Size.SMALL, inline=True),
            Field.radios("user_group", legend_size=Size.SMALL),
            Field.select("session"),
            Field("consent_given_on", context={"legend_size": Size.for_legend("s")}),
            Field.radios("consent_method", legend_size=Size.SMALL, inline=True),
            Button("register", _("Register participant")),
        )

    def clean(self):
        cleaned = super().clean()
        _check_consent_date(self)
        given_on, method = cleaned.get("consent_given_on"), cleaned.get("consent_method")
        if "consent_given_on" not in self.errors and given_on and not method:
            self.add_error("consent_method", _("Select how consent was given"))
        if method and not given_on and "consent_given_on" not in self.errors:
            self.add_error("consent_given_on", _("Enter the date consent was given"))
        return cleaned


class ConsentForm(forms.Form):
    """Consent of a participant registered without it."""

    consent_given_on = _consent_date(required=True)
    consent_method = _consent_method(required=True)

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["consent_given_on"] = _consent_date(required=True)
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.layout = Layout(
            Field("consent_given_on", context={"legend_size": Size.for_legend("s")}),
            Field.radios("consent_method", legend_size=Size.SMALL, inline=True),
            Button("consent", _("Record consent")),
        )

    def clean(self):
        cleaned = super().clean()
        _check_consent_date(self)
        return cleaned


class RegisterFilterForm(forms.Form):
    """Narrow the register (a GET form: the address keeps the search, so it can be bookmarked,
    paged and exported as it is)."""

    code = forms.CharField(label=gettext_lazy("Code"), required=False, max_length=20)
    session = forms.ChoiceField(label=gettext_lazy("Session"), required=False)
    audience = forms.ChoiceField(
        label=gettext_lazy("Service user or carer"),
        required=False,
        choices=[("", gettext_lazy("Service users and carers")), *AUDIENCE_CHOICES],
    )
    status = forms.ChoiceField(
        label=gettext_lazy("Status"),
        required=False,
        choices=[("", gettext_lazy("Any status")), *STATUSES],
    )

    def __init__(self, *args, schedule: FollowUpSchedule, **kwargs) -> None:
        # Its own ids: the register form on the same page has fields of the same names.
        kwargs.setdefault("auto_id", "filter-%s")
        super().__init__(*args, **kwargs)
        sessions = cast("forms.ChoiceField", self.fields["session"])
        sessions.choices = [
            ("", _("All sessions")),
            *((str(s.pk), s.label) for s in FollowUpSession.objects.filter(schedule=schedule)),
            (NO_SESSION, _("Not in a session")),
        ]
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.layout = Layout(
            Field.text("code", field_width=10),
            Field.select("session"),
            Field.select("audience"),
            Field.select("status"),
        )

    @property
    def narrowed(self) -> RegisterFilter:
        """The filter asked for; a value that is not offered narrows nothing (never an error:
        an old bookmark still opens the register)."""
        if not self.is_valid():
            data = {
                name: value for name, value in self.cleaned_data.items() if name not in self.errors
            }
        else:
            data = self.cleaned_data
        return RegisterFilter(
            code=data.get("code") or "",
            session=data.get("session") or "",
            audience=data.get("audience") or "",
            status=data.get("status") or "",
        )


class LinkForm(forms.Form):
    """Who the letter with a new link names as the person to contact (never stored)."""

    contact = forms.CharField(
        label=gettext_lazy("Who to contact, for the letter"),
        help_text=gettext_lazy(
            "A name and a work phone number or e-mail address. It is printed on the "
            "letter with the link and not kept by POET."
        ),
        max_length=300,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.layout = Layout(Field.textarea("contact", label_size=Size.SMALL, rows=2))
