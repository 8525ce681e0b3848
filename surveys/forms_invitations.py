"""Forms of the invitations pages."""

from crispy_forms_gds.helper import FormHelper
from crispy_forms_gds.layout import Button, Field, Layout
from django import forms

from poet.models import Wave
from surveys.staff_list import MAX_BYTES, StaffListError, StaffMember, read_staff_list


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
        if upload.size > MAX_BYTES:
            raise forms.ValidationError(
                f"The file is too large: a staff list can be up to {MAX_BYTES // 1024 // 1024} MB."
            )
        try:
            self.members = read_staff_list(upload.read(), self.wave)
        except StaffListError as error:
            raise forms.ValidationError(error.problems) from None
        return upload
