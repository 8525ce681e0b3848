"""Forms of the invitations pages."""

from __future__ import annotations

from typing import cast

from crispy_forms_gds.helper import FormHelper
from crispy_forms_gds.layout import Button, Field, Fixed, Layout
from django import forms
from django.conf import settings
from django.utils.translation import get_language_info, gettext_lazy
from django.utils.translation import gettext as _

from poet.models import Organisation, StaffGroup, Wave
from surveys.languages import ENGLISH
from surveys.selectors.opening import is_closed
from surveys.services.invitations import CLOSED_TO_INVITATIONS, MAX_OPEN_LINK_RESPONSES
from surveys.services.staff_list import MAX_BYTES, StaffListError, StaffMember, read_staff_list


class StaffListForm(forms.Form):
    """A staff list CSV; every problem in it is an error of the file field, one per bad row."""

    staff_list = forms.FileField(
        label=gettext_lazy("Staff list"),
        help_text=gettext_lazy(
            "A CSV file (UTF-8) with the header email,organisation,staff_group and one row for "
            "each member of staff. Organisation and staff group must be names used in this "
            "partnership. Up to 5 MB."
        ),
        widget=forms.ClearableFileInput(attrs={"accept": ".csv,text/csv"}),
        error_messages={
            "required": gettext_lazy("Choose a staff list CSV file to upload."),
            "empty": gettext_lazy("The file is empty."),
        },
    )

    def __init__(self, *args, wave: Wave, **kwargs):
        super().__init__(*args, **kwargs)
        self.wave = wave
        self.members: list[StaffMember] = []
        # The optional language column, said after the required shape (its own sentence).
        self.fields["staff_list"].help_text = " ".join(
            [
                str(self.fields["staff_list"].help_text),
                _(
                    "An optional language column gives the language of each person’s e-mails, "
                    "such as cy or Welsh, en or English; left blank, it is not known."
                ),
            ]
        )
        self.helper = FormHelper()
        self.helper.form_tag = True
        self.helper.attrs = {"novalidate": ""}
        self.helper.layout = Layout(Field("staff_list"), Button("upload", _("Upload staff list")))

    def clean_staff_list(self):
        upload = self.cleaned_data["staff_list"]
        if is_closed(self.wave):  # say so before reading the file
            raise forms.ValidationError(_(CLOSED_TO_INVITATIONS))
        if upload.size > MAX_BYTES:
            raise forms.ValidationError(
                _("The file is too large: a staff list can be up to %(mb)s MB.")
                % {"mb": MAX_BYTES // 1024 // 1024}
            )
        try:
            self.members = read_staff_list(upload.read(), self.wave)
        except StaffListError as error:
            raise forms.ValidationError(error.problems) from None
        return upload


class OpenLinkForm(forms.Form):
    """How many responses the open link takes at most, when it is made or changed."""

    max_responses = forms.IntegerField(
        label=gettext_lazy("Most responses through the link"),
        min_value=1,
        max_value=MAX_OPEN_LINK_RESPONSES,
        help_text=gettext_lazy(
            "When this many responses have come through the link, it says it is full and takes "
            "no more. Count the staff it is for, with a few to spare."
        ),
        error_messages={
            "required": gettext_lazy("Enter the most responses the link may take."),
            "invalid": gettext_lazy("Enter the most responses as a whole number, such as 200."),
            "min_value": gettext_lazy("The most responses must be 1 or more."),
        },
    )

    def __init__(self, *args, button: str = "Make the open link", **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["max_responses"].error_messages["max_value"] = _(
            "The most responses must be %(max)s or fewer."
        ) % {"max": f"{MAX_OPEN_LINK_RESPONSES:,}"}
        self.helper = FormHelper()
        self.helper.form_tag = True
        self.helper.attrs = {"novalidate": ""}
        self.helper.layout = Layout(
            Field.text("max_responses", field_width=Fixed.FIVE), Button("save", button)
        )


def language_choices() -> list[tuple[str, str]]:
    """ "Not known", then each language a person may read, named in the page's language and in
    its own ("Welsh (Cymraeg)")."""
    choices = [("", _("Not known"))]
    for code, own_name in settings.RESPONDENT_LANGUAGES:
        if code == ENGLISH:
            choices.append((code, _("English")))
            continue
        name = str(get_language_info(code)["name_translated"])
        choices.append((code, name if name == own_name else f"{name} ({own_name})"))
    return choices


class AddPersonForm(forms.Form):
    """One member of staff, by hand: what one row of a staff list file says."""

    email = forms.EmailField(
        label=gettext_lazy("E-mail address"),
        max_length=254,
        help_text=gettext_lazy("Their invitation and reminders go here, and nowhere else."),
        widget=forms.EmailInput(attrs={"spellcheck": "false", "autocomplete": "off"}),
        error_messages={
            "required": gettext_lazy("Enter their e-mail address."),
            "invalid": gettext_lazy(
                "Enter an e-mail address in the correct format, like name@example.org."
            ),
            "max_length": gettext_lazy("The e-mail address must be 254 characters or fewer."),
        },
    )
    organisation: forms.ModelChoiceField[Organisation] = forms.ModelChoiceField(
        label=gettext_lazy("Organisation"),
        queryset=Organisation.objects.none(),
        empty_label=gettext_lazy("Choose an organisation"),
        error_messages={
            "required": gettext_lazy("Choose the organisation they work for."),
            "invalid_choice": gettext_lazy("Choose the organisation they work for."),
        },
    )
    staff_group: forms.ModelChoiceField[StaffGroup] = forms.ModelChoiceField(
        label=gettext_lazy("Staff group"),
        queryset=StaffGroup.objects.none(),
        empty_label=gettext_lazy("Choose a staff group"),
        error_messages={
            "required": gettext_lazy("Choose their staff group."),
            "invalid_choice": gettext_lazy("Choose their staff group."),
        },
    )
    language = forms.ChoiceField(
        label=gettext_lazy("Language (optional)"),
        required=False,
        help_text=gettext_lazy(
            "The language of their e-mails. Welsh: in Welsh, opening the survey in Welsh. Not "
            "known: in Welsh and English when the wave offers Welsh, otherwise in English. "
            "English or another language: in English (POET’s e-mails are in English and Welsh "
            "only), opening the survey in their language when the wave offers it."
        ),
        error_messages={"invalid_choice": gettext_lazy("Choose a language, or “Not known”.")},
    )

    def __init__(self, *args, wave: Wave, **kwargs):
        super().__init__(*args, **kwargs)
        # self.fields holds copies of the fields declared above; the stubs type them as Field.
        organisation = cast("forms.ModelChoiceField[Organisation]", self.fields["organisation"])
        staff_group = cast("forms.ModelChoiceField[StaffGroup]", self.fields["staff_group"])
        organisation.queryset = wave.partnership.organisations.order_by("name")
        staff_group.queryset = wave.partnership.staff_groups.order_by("name")
        cast("forms.ChoiceField", self.fields["language"]).choices = language_choices()
        self.helper = FormHelper()
        self.helper.form_tag = True
        self.helper.attrs = {"novalidate": ""}
        self.helper.layout = Layout(
            Field.text("email", field_width=Fixed.TWENTY),
            Field.select("organisation"),
            Field.select("staff_group"),
            Field.select("language"),
            Button("add", _("Add to the staff list")),
        )
