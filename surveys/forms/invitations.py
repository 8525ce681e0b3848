"""Forms of the invitations pages."""

from __future__ import annotations

from typing import cast

from crispy_forms_gds.helper import FormHelper
from crispy_forms_gds.layout import Button, Field, Fixed, Layout
from django import forms

from poet.models import Organisation, StaffGroup, Wave
from surveys.selectors.opening import is_closed
from surveys.services.invitations import CLOSED_TO_INVITATIONS, MAX_OPEN_LINK_RESPONSES
from surveys.services.staff_list import MAX_BYTES, StaffListError, StaffMember, read_staff_list


class StaffListForm(forms.Form):
    """A staff list CSV; every problem in it is an error of the file field, one per bad row."""

    staff_list = forms.FileField(
        label="Staff list",
        help_text=(
            "A CSV file (UTF-8) with the header email,organisation,staff_group and one row for "
            "each member of staff. Organisation and staff group must be names used in this "
            "partnership. Up to 5 MB."
        ),
        widget=forms.ClearableFileInput(attrs={"accept": ".csv,text/csv"}),
        error_messages={
            "required": "Choose a staff list CSV file to upload.",
            "empty": "The file is empty.",
        },
    )

    def __init__(self, *args, wave: Wave, **kwargs):
        super().__init__(*args, **kwargs)
        self.wave = wave
        self.members: list[StaffMember] = []
        self.helper = FormHelper()
        self.helper.form_tag = True
        self.helper.attrs = {"novalidate": ""}
        self.helper.layout = Layout(Field("staff_list"), Button("upload", "Upload staff list"))

    def clean_staff_list(self):
        upload = self.cleaned_data["staff_list"]
        if is_closed(self.wave):  # say so before reading the file
            raise forms.ValidationError(CLOSED_TO_INVITATIONS)
        if upload.size > MAX_BYTES:
            raise forms.ValidationError(
                f"The file is too large: a staff list can be up to {MAX_BYTES // 1024 // 1024} MB."
            )
        try:
            self.members = read_staff_list(upload.read(), self.wave)
        except StaffListError as error:
            raise forms.ValidationError(error.problems) from None
        return upload


class OpenLinkForm(forms.Form):
    """How many responses the open link takes at most, when it is made or changed."""

    max_responses = forms.IntegerField(
        label="Most responses through the link",
        min_value=1,
        max_value=MAX_OPEN_LINK_RESPONSES,
        help_text=(
            "When this many responses have come through the link, it says it is full and takes "
            "no more. Count the staff it is for, with a few to spare."
        ),
        error_messages={
            "required": "Enter the most responses the link may take.",
            "invalid": "Enter the most responses as a whole number, such as 200.",
            "min_value": "The most responses must be 1 or more.",
            "max_value": f"The most responses must be {MAX_OPEN_LINK_RESPONSES:,} or fewer.",
        },
    )

    def __init__(self, *args, button: str = "Make the open link", **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.form_tag = True
        self.helper.attrs = {"novalidate": ""}
        self.helper.layout = Layout(
            Field.text("max_responses", field_width=Fixed.FIVE), Button("save", button)
        )


class AddPersonForm(forms.Form):
    """One member of staff, by hand: what one row of a staff list file says."""

    email = forms.EmailField(
        label="E-mail address",
        max_length=254,
        help_text="Their invitation and reminders go here, and nowhere else.",
        widget=forms.EmailInput(attrs={"spellcheck": "false", "autocomplete": "off"}),
        error_messages={
            "required": "Enter their e-mail address.",
            "invalid": "Enter an e-mail address in the correct format, like name@example.org.",
            "max_length": "The e-mail address must be 254 characters or fewer.",
        },
    )
    organisation: forms.ModelChoiceField[Organisation] = forms.ModelChoiceField(
        label="Organisation",
        queryset=Organisation.objects.none(),
        empty_label="Choose an organisation",
        error_messages={
            "required": "Choose the organisation they work for.",
            "invalid_choice": "Choose the organisation they work for.",
        },
    )
    staff_group: forms.ModelChoiceField[StaffGroup] = forms.ModelChoiceField(
        label="Staff group",
        queryset=StaffGroup.objects.none(),
        empty_label="Choose a staff group",
        error_messages={
            "required": "Choose their staff group.",
            "invalid_choice": "Choose their staff group.",
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
            Button("add", "Add to the staff list"),
        )
