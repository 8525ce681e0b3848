"""Forms of the invitations pages."""

from __future__ import annotations

from typing import cast

from crispy_forms_gds.helper import FormHelper
from crispy_forms_gds.layout import Button, Field, Fixed, Layout
from django import forms
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _

from poet.models import Organisation, StaffGroup, Wave
from surveys.selectors.opening import is_closed
from surveys.services.invitations import CLOSED_TO_INVITATIONS, MAX_OPEN_LINK_RESPONSES
from surveys.services.staff_list import MAX_BYTES, StaffListError, StaffMember, read_staff_list


class StaffListForm(forms.Form):
    """A staff list CSV; every problem in it is an error of the file field, one per bad row."""

    staff_list = forms.FileField(
        label=_("Staff list"),
        help_text=_(
            "A CSV file (UTF-8) with the header email,organisation,staff_group and one row for "
            "each member of staff. Organisation and staff group must be names used in this "
            "partnership. Up to 5 MB."
        ),
        widget=forms.ClearableFileInput(attrs={"accept": ".csv,text/csv"}),
        error_messages={
            "required": _("Choose a staff list CSV file to upload."),
            "empty": _("The file is empty."),
        },
    )

    def __init__(self, *args, wave: Wave, **kwargs):
        super().__init__(*args, **kwargs)
        self.wave = wave
        self.members: list[StaffMember] = []
        self.helper = FormHelper()
        self.helper.form_tag = True
        self.helper.attrs = {"novalidate": ""}
        self.helper.layout = Layout(Field("staff_list"), Button("upload", _("Upload staff list")))

    def clean_staff_list(self):
        upload = self.cleaned_data["staff_list"]
        if is_closed(self.wave):  # say so before reading the file
            raise forms.ValidationError(CLOSED_TO_INVITATIONS)
        if upload.size > MAX_BYTES:
            raise forms.ValidationError(
                _("The file is too large: a staff list can be up to %(megabytes)s MB.")
                % {"megabytes": MAX_BYTES // 1024 // 1024}
            )
        try:
            self.members = read_staff_list(upload.read(), self.wave)
        except StaffListError as error:
            raise forms.ValidationError(error.problems) from None
        return upload


class OpenLinkForm(forms.Form):
    """How many responses the open link takes at most, when it is made or changed."""

    max_responses = forms.IntegerField(
        label=_("Most responses through the link"),
        min_value=1,
        max_value=MAX_OPEN_LINK_RESPONSES,
        help_text=_(
            "When this many responses have come through the link, it says it is full and takes "
            "no more. Count the staff it is for, with a few to spare."
        ),
        error_messages={
            "required": _("Enter the most responses the link may take."),
            "invalid": _("Enter the most responses as a whole number, such as 200."),
            "min_value": _("The most responses must be 1 or more."),
            "max_value": format_lazy(
                _("The most responses must be {most} or fewer."),
                most=f"{MAX_OPEN_LINK_RESPONSES:,}",
            ),
        },
    )

    def __init__(self, *args, button: str | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.form_tag = True
        self.helper.attrs = {"novalidate": ""}
        self.helper.layout = Layout(
            Field.text("max_responses", field_width=Fixed.FIVE),
            Button("save", button or _("Make the open link")),
        )


class AddPersonForm(forms.Form):
    """One member of staff, by hand: what one row of a staff list file says."""

    email = forms.EmailField(
        label=_("E-mail address"),
        max_length=254,
        help_text=_("Their invitation and reminders go here, and nowhere else."),
        widget=forms.EmailInput(attrs={"spellcheck": "false", "autocomplete": "off"}),
        error_messages={
            "required": _("Enter their e-mail address."),
            "invalid": _("Enter an e-mail address in the correct format, like name@example.org."),
            "max_length": _("The e-mail address must be 254 characters or fewer."),
        },
    )
    organisation: forms.ModelChoiceField[Organisation] = forms.ModelChoiceField(
        label=_("Organisation"),
        queryset=Organisation.objects.none(),
        empty_label=_("Choose an organisation"),
        error_messages={
            "required": _("Choose the organisation they work for."),
            "invalid_choice": _("Choose the organisation they work for."),
        },
    )
    staff_group: forms.ModelChoiceField[StaffGroup] = forms.ModelChoiceField(
        label=_("Staff group"),
        queryset=StaffGroup.objects.none(),
        empty_label=_("Choose a staff group"),
        error_messages={
            "required": _("Choose their staff group."),
            "invalid_choice": _("Choose their staff group."),
        },
    )

    def __init__(self, *args, wave: Wave, **kwargs):
        super().__init__(*args, **kwargs)
        # self.fields holds copies of the fields declared above; the stubs type them as Field.
        organisation = cast("forms.ModelChoiceField[Organisation]", self.fields["organisation"])
        staff_group = cast("forms.ModelChoiceField[StaffGroup]", self.fields["staff_group"])
        organisation.queryset = wave.partnership.organisations.order_by("name")
        staff_group.queryset = wave.partnership.staff_groups.order_by("name")
        self.helper = FormHelper()
        self.helper.form_tag = True
        self.helper.attrs = {"novalidate": ""}
        self.helper.layout = Layout(
            Field.text("email", field_width=Fixed.TWENTY),
            Field.select("organisation"),
            Field.select("staff_group"),
            Button("add", _("Add to the staff list")),
        )
